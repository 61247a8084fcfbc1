// The query string of the request target, as name and value pairs in order, and as sent.
import { parseQuery, queryOf } from '../../../../shared/formats/http-parts'
import { decodeByteString } from '../../text/visible-text'
import { NameValueTable } from '../name-value-table'
import { VisibleText } from '../visible-text'

export function QueryTab({ target }: { target: string }) {
  const query = queryOf(target)
  if (query === null) return <p className="viewer-status" data-testid="query-empty">This request has no query string.</p>
  // Empty pieces ("?&&", a trailing "&") hold no name and no value: not rows, as URLSearchParams reads them.
  const pairs = parseQuery(
    decodeByteString(query)
      .split('&')
      .filter((piece) => piece !== '')
      .join('&'),
  )
  return (
    <div className="tab-panel-content">
      <p className="raw-line" data-testid="query-raw">
        ?<VisibleText value={query} byteString />
      </p>
      {pairs.length === 0 ? (
        <p className="viewer-status" data-testid="query-empty">
          The query string is empty: it has no names or values.
        </p>
      ) : (
        <NameValueTable pairs={pairs} tableTestId="query-table" rowTestId="query-row" />
      )}
    </div>
  )
}
