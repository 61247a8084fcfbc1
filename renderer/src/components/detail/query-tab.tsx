// The query string of the request target, as name and value pairs in order (read in the charset a
// `_charset_` or `charset` field declares, else UTF-8 when valid, else shown as bytes), and as sent.
import { queryOf } from '../../../../shared/formats/http-parts'
import { readQueryFields } from '../../text/form-fields'
import { NameValueTable } from '../name-value-table'
import { VisibleText } from '../visible-text'

export function QueryTab({ target }: { target: string }) {
  const query = queryOf(target)
  if (query === null) return <p className="viewer-status" data-testid="query-empty">This request has no query string.</p>
  const { pairs, note } = readQueryFields(query)
  return (
    <div className="tab-panel-content">
      <p className="raw-line" data-testid="query-raw">
        ?<VisibleText value={query} byteString />
      </p>
      {note && (
        <p className="viewer-note" data-testid="query-note">
          {note}
        </p>
      )}
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
