// A read-only table of raw header pairs (a response's, or what a replay sent): in order, with their
// case, as captured text.
import type { RawHeaders } from '../../../../shared/model'
import { VisibleText } from '../visible-text'

export function RawHeaderTable({ headers, testId }: { headers: RawHeaders; testId: string }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>
  return (
    <table className="kv-table compact" data-testid={testId}>
      <tbody>
        {headers.map(([name, value], index) => (
          <tr key={index} data-testid={`${testId}-row`}>
            <td className="kv-name">
              <VisibleText value={name} byteString />
            </td>
            <td className="kv-value">
              <VisibleText value={value} byteString />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
