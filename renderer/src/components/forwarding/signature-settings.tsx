// The Signature section of the endpoint editor: the provider's scheme, the public URL it calls, and
// the signing secret. The secret is write-only: typed here, sent once, shown afterwards only as
// "stored", never read back.
import { SCHEME_IDS, type SchemeId } from '../../../../shared/signatures'
import { SCHEME_HINTS, SCHEME_LABELS } from '../../text/verdict-text'
import { FieldError } from './forward-settings'
import { VisibleText } from '../visible-text'
import type { FieldErrors, SignatureForm } from './forward-form'
import '../../styles/forwarding.css'

interface SignatureSettingsProps {
  form: SignatureForm
  errors: FieldErrors
  hasSecret: boolean
  /** Null while the endpoint does not exist yet. */
  onForget: (() => void) | null
  forgetting: boolean
  onChange: (update: (form: SignatureForm) => SignatureForm) => void
  /** A request path to show the URL a Twilio signature is checked with: the endpoint's latest request's, say. */
  examplePath?: string
}

/**
 * The URL a signature over the called URL (Twilio's) is checked with for a public URL as typed, as the
 * engine builds it: the public URL, its trailing slashes dropped, and the request's own path added.
 */
export function signedUrlExample(publicUrl: string, path: string): string | null {
  const base = publicUrl.trim()
  try {
    if (!/^https?:$/.test(new URL(base).protocol)) return null
  } catch {
    return null
  }
  return base.replace(/\/+$/, '') + path
}

function PublicUrlExample({ publicUrl, path }: { publicUrl: string; path: string }) {
  // Empty, the engine reads the URL from the request, as a tunnel that keeps the host sends it.
  if (publicUrl.trim() === '') {
    return (
      <span className="muted field-hint" data-testid="signature-public-url-from-host">
        Left empty, each request is checked as a call to the host in its Host header, over https when its X-Forwarded-Proto says https, as ngrok and cloudflared send them.
      </span>
    )
  }
  const url = signedUrlExample(publicUrl, path)
  if (url === null) return null
  return (
    <span className="muted field-hint" data-testid="signature-public-url-example">
      A request to <VisibleText value={path} byteString /> is checked as a call to <VisibleText value={url} byteString />
    </span>
  )
}

export function SignatureSettings({ form, errors, hasSecret, onForget, forgetting, onChange, examplePath = '/webhooks' }: SignatureSettingsProps) {
  return (
    <fieldset className="signature-settings" data-testid="signature-settings">
      <legend>Signature</legend>
      <label>
        Scheme
        <select data-testid="signature-scheme" value={form.scheme} onChange={(event) => onChange((f) => ({ ...f, scheme: event.target.value as SchemeId | '' }))}>
          <option value="">None (do not check signatures)</option>
          {SCHEME_IDS.map((id) => (
            <option key={id} value={id}>
              {SCHEME_LABELS[id]}
            </option>
          ))}
        </select>
      </label>
      {form.scheme !== '' && (
        <p className="muted field-hint" data-testid="signature-scheme-hint">
          {SCHEME_HINTS[form.scheme]}
        </p>
      )}
      {(form.scheme !== '' || hasSecret) && (
        <>
          <label>
            <span>
              Public URL <span className="muted">(your tunnel’s address, which the provider calls: each request’s path and query are added to it; Twilio signs that URL)</span>
            </span>
            <input
              data-testid="signature-public-url"
              placeholder="https://example.trycloudflare.com"
              spellCheck={false}
              value={form.publicUrl}
              aria-invalid={errors['signature.publicUrl'] ? true : undefined}
              onChange={(event) => onChange((f) => ({ ...f, publicUrl: event.target.value }))}
            />
            <FieldError message={errors['signature.publicUrl']} testId="signature-public-url-error" />
            {form.scheme === 'twilio' && <PublicUrlExample publicUrl={form.publicUrl} path={examplePath} />}
          </label>
          <div className="secret-field">
            <label htmlFor="signature-secret-input" className="secret-label">
              Signing secret
              {hasSecret && (
                <span className="badge ok" data-testid="signature-secret-stored" title="A secret is stored for this endpoint. It is never shown; type a new one to replace it.">
                  stored
                </span>
              )}
            </label>
            <span className="secret-row">
              <input
                id="signature-secret-input"
                className="grow"
                type="password"
                autoComplete="new-password"
                spellCheck={false}
                data-testid="signature-secret"
                placeholder={hasSecret ? 'Type a new secret to replace the stored one' : 'Paste the provider’s signing secret'}
                value={form.secret}
                onChange={(event) => onChange((f) => ({ ...f, secret: event.target.value }))}
              />
              {hasSecret && onForget && (
                <button type="button" className="small danger-outline" data-testid="signature-secret-forget" disabled={forgetting} onClick={onForget}>
                  Forget
                </button>
              )}
            </span>
            <FieldError message={errors['signature.secret']} testId="signature-secret-error" />
          </div>
          <p className="muted field-hint">Kept in the OS keychain on the desktop (a user-only file in the headless host), never in Hookscope’s other files.</p>
          {hasSecret && (
            <p className="muted field-hint" data-testid="signature-secret-rotation-hint">
              A new secret replaces the stored one as a provider’s rotation does: requests that arrived before are still checked with the secret in force then, and for 24 hours a request signed with the previous one still counts; resends are signed with the new one. Forget removes them all.
            </p>
          )}
        </>
      )}
    </fieldset>
  )
}
