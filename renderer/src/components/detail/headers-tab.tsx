// Headers exactly as received: in order, with their case, duplicates marked, then any trailers.
import type { RawHeaders } from '../../../../shared/model'
import { formatCount } from '../../text/format'
import { VisibleText } from '../visible-text'

function HeaderTable({ headers, testId }: { headers: RawHeaders; testId: string }) {
  const counts = new Map<string, number>()
  for (const [name] of headers) counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) ?? 0) + 1)
  return (
    <table className="kv-table" data-testid={testId}>
      <thead>
        <tr>
          <th className="kv-index">#</th>
          <th>Name</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {headers.map(([name, value], index) => (
          <tr key={index} data-testid="header-row">
            <td className="kv-index muted">{index + 1}</td>
            <td className="kv-name" data-testid="header-name">
              <VisibleText value={name} byteString />
              {counts.get(name.toLowerCase())! > 1 && (
                <span className="badge subtle" data-testid="header-duplicate" title="This header appears more than once">
                  ×{counts.get(name.toLowerCase())}
                </span>
              )}
            </td>
            <td className="kv-value" data-testid="header-value">
              <VisibleText value={value} byteString />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function HeadersTab({ headers, trailers }: { headers: RawHeaders; trailers: RawHeaders }) {
  return (
    <div className="tab-panel-content">
      {headers.length === 0 ? (
        <p className="viewer-status" data-testid="headers-empty">
          This request sent no headers.
        </p>
      ) : (
        <>
          <p className="muted" data-testid="headers-count">
            {headers.length === 1 ? '1 header, as it was sent.' : `${formatCount(headers.length)} headers, in the order and case they were sent.`}
          </p>
          <HeaderTable headers={headers} testId="headers-table" />
        </>
      )}
      {trailers.length > 0 && (
        <>
          <h3>Trailers</h3>
          <HeaderTable headers={trailers} testId="trailers-table" />
        </>
      )}
    </div>
  )
}
