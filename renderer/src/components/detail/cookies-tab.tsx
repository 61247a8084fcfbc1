// Cookies the request carried (every Cookie header, in order).
import { parseCookieHeader } from '../../../../shared/formats/http-parts'
import type { RawHeaders } from '../../../../shared/model'
import { NameValueTable } from '../name-value-table'

export function CookiesTab({ headers }: { headers: RawHeaders }) {
  const cookies = headers.filter(([name]) => name.toLowerCase() === 'cookie').flatMap(([, value]) => parseCookieHeader(value))
  if (cookies.length === 0) return <p className="viewer-status" data-testid="cookies-empty">This request sent no cookies.</p>
  return (
    <div className="tab-panel-content">
      <NameValueTable pairs={cookies} byteString tableTestId="cookies-table" rowTestId="cookie-row" />
    </div>
  )
}
