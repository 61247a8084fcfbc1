// The query string of the request target, as name and value pairs in order, and as sent.
import { parseQuery, queryOf } from '../../../../shared/formats/http-parts'
import { decodeByteString } from '../../text/visible-text'
import { VisibleText } from '../visible-text'

export function QueryTab({ target }: { target: string }) {
  const query = queryOf(target)
  if (query === null) return <p className="viewer-status" data-testid="query-empty">This request has no query string.</p>
  const pairs = parseQuery(decodeByteString(query))
  return (
    <div className="tab-panel-content">
      <p className="raw-line" data-testid="query-raw">
        ?<VisibleText value={query} byteString />
      </p>
      <table className="kv-table" data-testid="query-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((pair, index) => (
            <tr key={index} data-testid="query-row">
              <td className="kv-name">
                <VisibleText value={pair.name} />
              </td>
              <td className="kv-value">
                <VisibleText value={pair.value} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
