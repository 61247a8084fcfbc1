// Header pairs of a forwarding attempt (what was sent, what the target answered) in their raw order
// and case, as text with invisible characters made visible.
import type { RawHeaders } from '../../../../shared/model'
import { VisibleText } from '../visible-text'

export function RawHeaderTable({ headers, testId, empty }: { headers: RawHeaders; testId: string; empty: string }) {
  if (headers.length === 0) return <p className="muted">{empty}</p>
  return (
    <table className="kv-table compact" data-testid={testId}>
      <tbody>
        {headers.map(([name, value], index) => (
          <tr key={index} data-testid="attempt-header">
            <td className="kv-index muted">{index + 1}</td>
            <td className="kv-name" data-testid="attempt-header-name">
              <VisibleText value={name} byteString />
            </td>
            <td className="kv-value" data-testid="attempt-header-value">
              <VisibleText value={value} byteString />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
