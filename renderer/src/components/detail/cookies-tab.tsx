// Cookies the request carried (every Cookie header, in order).
import { parseCookieHeader } from '../../../../shared/formats/http-parts'
import type { RawHeaders } from '../../../../shared/model'
import { VisibleText } from '../visible-text'

export function CookiesTab({ headers }: { headers: RawHeaders }) {
  const cookies = headers.filter(([name]) => name.toLowerCase() === 'cookie').flatMap(([, value]) => parseCookieHeader(value))
  if (cookies.length === 0) return <p className="viewer-status" data-testid="cookies-empty">This request sent no cookies.</p>
  return (
    <div className="tab-panel-content">
      <table className="kv-table" data-testid="cookies-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {cookies.map((cookie, index) => (
            <tr key={index} data-testid="cookie-row">
              <td className="kv-name">
                <VisibleText value={cookie.name} byteString />
              </td>
              <td className="kv-value">
                <VisibleText value={cookie.value} byteString />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
