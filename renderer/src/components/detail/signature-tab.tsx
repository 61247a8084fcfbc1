// The Signature tab: the verdict on a capture's signature explained in words (scheme, what was found,
// drift and tolerance, the missing header), judging it again with the endpoint's current scheme and
// secret, resending it re-signed when a fresh signature helps (and it carries the scheme's signature), and a way to the endpoint editor when
// nothing is configured (none when the endpoint was removed).
import { useState } from 'react'
import type { Capture } from '../../../../shared/model'
import type { Verdict } from '../../../../shared/signatures'
import { useApp, useStores } from '../../state/context'
import { useLiveSignature } from './delivery'
import { errorText, verifyCapture } from '../../state/forward-commands'
import { formatClock } from '../../text/format'
import { carriesSignature } from '../../../../shared/signatures'
import { driftWords, explainVerdict, formatSpan, otherSchemesSigning, resignLabel, resignNotCarried, SCHEME_LABELS, shownVerdict } from '../../text/verdict-text'
import { resignMissing, useWorkbench } from '../../workbench/commands'
import { VisibleText } from '../visible-text'
import '../../styles/forwarding.css'

type Checked = { verdict: Verdict | null; at: number }

/** Verdicts a request re-signed with the endpoint's secret would turn valid. */
const RESIGN_HELPS = new Set<Verdict['kind']>(['timestamp-out-of-tolerance', 'invalid', 'missing-header', 'malformed-header'])

export function SignatureTab({ capture }: { capture: Capture }) {
  const { api, app } = useStores()
  const live = useLiveSignature(capture)
  const endpoint = useApp((s) => s.endpointsById[capture.endpointId])
  // Endpoints are known once the app is ready: only then does a missing one mean it was removed.
  const removed = useApp((s) => s.ready && !s.endpointsById[capture.endpointId])
  const scheme = endpoint?.signature?.scheme ?? null
  const hasSecret = endpoint?.signature?.hasSecret === true
  const workbench = useWorkbench()
  const [checked, setChecked] = useState<Checked | null>(null)
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const current = checked ? checked.verdict : live.signature
  const onArrival = checked ? null : live.signatureOnArrival
  // A request judged again with a secret stored after it arrived keeps the verdict it got then, and
  // says what the current secret makes of it.
  const shown = shownVerdict({ signature: current, signatureOnArrival: onArrival })
  const verdict = shown.verdict
  const missing = resignMissing(endpoint)
  // No header of the endpoint's scheme: another provider's may be there, when the scheme was chosen wrongly.
  const signedByOther = verdict?.kind === 'missing-header' ? otherSchemesSigning(capture.rawHeaders, verdict.scheme) : []
  const freshSignatureHelps = verdict !== null && RESIGN_HELPS.has(verdict.kind)
  // Only the signature a request carries is signed again, never one its sender did not send.
  const notCarried = scheme && !carriesSignature(scheme, capture.rawHeaders) ? resignNotCarried(scheme) : null
  const configure = () => app.getState().setEditingEndpoint(capture.endpointId)
  // Where a resend goes, as the engine picks it: the default forward target, else the first; with
  // none, the user is asked for a URL.
  const forward = endpoint?.forward
  const resendTo = forward ? (forward.targets.find((t) => t.id === forward.defaultTargetId) ?? forward.targets[0])?.url : undefined

  const checkAgain = async () => {
    setChecking(true)
    setError(null)
    try {
      setChecked({ verdict: await verifyCapture(api, capture.id), at: Date.now() })
    } catch (e) {
      setError(errorText(e))
    } finally {
      setChecking(false)
    }
  }

  return (
    <div className="tab-panel-content signature-tab" data-testid="signature-tab">
      {removed && (
        <p className="viewer-note" data-testid="signature-endpoint-removed">
          The endpoint this request came to was removed, and its signature settings with it: this request is not judged again.
        </p>
      )}
      {shown.note && (
        <p className="viewer-note" data-testid="signature-secret-changed">
          {shown.note}
        </p>
      )}
      {verdict ? (
        <VerdictView verdict={verdict} />
      ) : removed ? null : scheme === null ? (
        <div className="viewer-note" data-testid="signature-hint">
          <p>This endpoint checks no signature.</p>
          <p>Choose the provider that signs its webhooks (Stripe, GitHub, Shopify, Slack, Standard Webhooks, Svix, Twilio or Twitch EventSub) and store its secret: every request, this one included, is then judged over the bytes as they arrived.</p>
        </div>
      ) : (
        <p className="viewer-note" data-testid="signature-pending">
          Not judged yet with {SCHEME_LABELS[scheme]}. Check again to judge it now.
        </p>
      )}
      {signedByOther.length > 0 && verdict && (
        <div className="viewer-note" data-testid="signature-other-scheme">
          <p>
            This request carries{' '}
            {signedByOther.map((other, index) => (
              <span key={other.scheme}>
                {index > 0 && (index === signedByOther.length - 1 ? ' and ' : ', ')}
                <code>{other.header}</code>, which {SCHEME_LABELS[other.scheme]} sends
              </span>
            ))}
            : if {signedByOther.length === 1 ? SCHEME_LABELS[signedByOther[0]!.scheme] : 'that provider'} calls this endpoint, choose it as the endpoint’s scheme instead of {SCHEME_LABELS[verdict.scheme]}.
          </p>
          {!removed && (
            <button type="button" data-testid="signature-change-scheme" onClick={configure}>
              Change the scheme…
            </button>
          )}
        </div>
      )}
      {freshSignatureHelps && !removed && signedByOther.length === 0 && notCarried !== null && (
        <p className="muted" data-testid="signature-resign-not-carried">
          Re-signing is not offered: {notCarried}.
        </p>
      )}
      {freshSignatureHelps && !removed && signedByOther.length === 0 && notCarried === null && (
        <p className="signature-resign">
          <button type="button" data-testid="signature-resend-resigned" disabled={missing !== null} onClick={() => void workbench.resendAsIs(capture.id, undefined, { resign: true })}>
            {resendTo === undefined ? 'Resend re-signed…' : 'Resend re-signed'}
          </button>{' '}
          {missing ? (
            <span className="muted" data-testid="signature-resign-missing">
              Re-signing needs a scheme and a stored secret: {missing}.
            </span>
          ) : (
            <span className="muted" data-testid="signature-resign-how">
              {scheme
                ? resendTo === undefined
                  ? `${resignLabel(scheme)}, and resend it to a URL you choose: this endpoint has no forward target.`
                  : `${resignLabel(scheme)}, and resend it to the endpoint’s forward target, ${resendTo}.`
                : null}
            </span>
          )}
        </p>
      )}
      {!removed && (scheme === null || !hasSecret || verdict?.kind === 'unusable-secret') && (
        <p>
          <button type="button" data-testid="signature-configure" onClick={configure}>
            {scheme === null ? 'Set up signature checks…' : 'Store the secret…'}
          </button>
        </p>
      )}
      <div className="signature-actions">
        <button type="button" data-testid="signature-check-again" disabled={checking || scheme === null || removed} onClick={() => void checkAgain()} title="Judge this request again with the endpoint’s current scheme and the secret in force when it arrived">
          {checking ? 'Checking…' : 'Check again'}
        </button>
        {checked && (
          <span className="muted" data-testid="signature-checked-at">
            Checked again at {formatClock(checked.at)} with the endpoint’s current scheme and the secret in force when it arrived.
          </span>
        )}
      </div>
      {error && (
        <p className="viewer-note error" data-testid="signature-error">
          Checking failed: {error}
        </p>
      )}
    </div>
  )
}

function VerdictView({ verdict }: { verdict: Verdict }) {
  const explanation = explainVerdict(verdict)
  const rows: Array<[string, string]> = [['Scheme', SCHEME_LABELS[verdict.scheme]]]
  switch (verdict.kind) {
    case 'valid':
      if (verdict.detail) rows.push(['Detail', verdict.detail])
      break
    case 'invalid':
      rows.push(['Reason', verdict.reason])
      break
    case 'timestamp-out-of-tolerance':
      rows.push(['Timestamp', driftWords(verdict.driftSeconds)], ['Drift', `${Math.round(verdict.driftSeconds)} s`], ['Tolerance', `${verdict.toleranceSeconds} s (${formatSpan(verdict.toleranceSeconds)})`])
      break
    case 'missing-header':
      rows.push(['Missing header', verdict.header])
      break
    case 'malformed-header':
      rows.push(['Header', verdict.header], ['Reason', verdict.reason])
      break
    case 'no-secret':
      break
    case 'unusable-secret':
    case 'incomplete-body':
      rows.push(['Reason', verdict.reason])
      break
  }
  return (
    <section className={`verdict verdict-${explanation.tone}`} data-testid="signature-verdict" data-kind={verdict.kind}>
      <h3 data-testid="signature-headline">{explanation.headline}</h3>
      {explanation.details.map((sentence, index) => (
        <p key={index} data-testid="signature-detail">
          {sentence}
        </p>
      ))}
      <table className="kv-table compact">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label} data-testid="signature-fact">
              <td className="kv-name">{label}</td>
              <td className="kv-value">
                <VisibleText value={value} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
