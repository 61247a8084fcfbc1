// A table of names and values in their order (query parameters, cookies, form fields).
import { VisibleText } from './visible-text'

export interface NameValue {
  name: string
  value: string
}

export function NameValueTable({ pairs, byteString = false, tableTestId, rowTestId }: { pairs: NameValue[]; byteString?: boolean; tableTestId?: string; rowTestId: string }) {
  return (
    <table className="kv-table" data-testid={tableTestId}>
      <thead>
        <tr>
          <th>Name</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {pairs.map((pair, index) => (
          <tr key={index} data-testid={rowTestId}>
            <td className="kv-name">
              <VisibleText value={pair.name} byteString={byteString} />
            </td>
            <td className="kv-value">
              <VisibleText value={pair.value} byteString={byteString} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
