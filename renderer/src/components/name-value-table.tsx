// A table of names and values in their order (query parameters, cookies, form fields).
import type { ReactNode } from 'react'
import { VisibleText } from './visible-text'

export interface NameValue {
  name: string
  value: string
  /** This name or value is a latin1 byte string (not valid UTF-8, no charset declared): shown as bytes. */
  nameIsBytes?: boolean
  valueIsBytes?: boolean
}

interface NameValueTableProps {
  pairs: NameValue[]
  byteString?: boolean
  tableTestId?: string
  rowTestId: string
  /** Another way to show a value (null: as text). */
  renderValue?: (pair: NameValue) => ReactNode | null
}

export function NameValueTable({ pairs, byteString = false, tableTestId, rowTestId, renderValue }: NameValueTableProps) {
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
              <VisibleText value={pair.name} byteString={pair.nameIsBytes ?? byteString} />
            </td>
            <td className="kv-value">{renderValue?.(pair) ?? <VisibleText value={pair.value} byteString={pair.valueIsBytes ?? byteString} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
