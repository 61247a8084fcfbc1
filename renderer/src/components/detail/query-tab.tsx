// The query string of the request target, as name and value pairs in order, and as sent.
import { parseQuery, queryOf } from '../../../../shared/formats/http-parts'
import { decodeByteString } from '../../text/visible-text'
import { NameValueTable } from '../name-value-table'
import { VisibleText } from '../visible-text'

export function QueryTab({ target }: { target: string }) {
  const query = queryOf(target)
  if (query === null) return <p className="viewer-status" data-testid="query-empty">This request has no query string.</p>
  return (
    <div className="tab-panel-content">
      <p className="raw-line" data-testid="query-raw">
        ?<VisibleText value={query} byteString />
      </p>
      <NameValueTable pairs={parseQuery(decodeByteString(query))} tableTestId="query-table" rowTestId="query-row" />
    </div>
  )
}
