// Where to resend a capture: a URL (the endpoint's forward targets are offered); the request's own
// path and query are appended to it. As it was, or re-signed when its endpoint has a scheme and secret.
import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useApp, useTraffic } from '../../state/context'
import { resignMissing, useWorkbench } from '../../workbench/commands'
import { resignLabel } from '../../text/verdict-text'
import { urlError } from '../../workbench/composer-draft'
import { Dialog } from '../dialog'

export function ResendPrompt({ captureId, resign: resignAsked = false, onClose }: { captureId: string; resign?: boolean; onClose: () => void }) {
  const workbench = useWorkbench()
  const endpointId = useTraffic((s) => s.byId[captureId]?.endpointId ?? null)
  const targets = useApp(useShallow((s) => (endpointId ? (s.endpointsById[endpointId]?.forward.targets.map((t) => t.url) ?? []) : [])))
  const [url, setUrl] = useState(targets[0] ?? 'http://localhost:3000')
  const endpoint = useApp((s) => (endpointId ? s.endpointsById[endpointId] : undefined))
  const missing = resignMissing(endpoint)
  const [resign, setResign] = useState(resignAsked && missing === null)
  const [sending, setSending] = useState(false)
  const problem = urlError(url)
  const send = async () => {
    if (problem) return
    setSending(true)
    await workbench.resendAsIs(captureId, url, { resign })
    onClose()
  }
  return (
    <Dialog title="Resend to…" onClose={onClose} testId="resend-prompt">
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault()
          void send()
        }}
      >
        <label>
          Base URL (the request’s own path and query are appended)
          <input data-testid="resend-url" list="resend-targets" value={url} spellCheck={false} onChange={(event) => setUrl(event.target.value)} />
          <datalist id="resend-targets">
            {targets.map((target) => (
              <option key={target} value={target} />
            ))}
          </datalist>
        </label>
        {problem && <p className="field-error">{problem}</p>}
        <label className="checkbox" title={missing ? `Cannot re-sign: ${missing}.` : undefined}>
          <input type="checkbox" data-testid="resend-resign" disabled={missing !== null} checked={resign} onChange={(event) => setResign(event.target.checked)} /> {endpoint?.signature.scheme ? resignLabel(endpoint.signature.scheme) : 'Re-sign with the endpoint’s secret'}
        </label>
        {missing && <p className="muted" data-testid="resend-resign-missing">Cannot re-sign: {missing}.</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="resend-confirm" disabled={sending || problem !== null}>
            {sending ? 'Sending…' : resign ? 'Resend re-signed' : 'Resend as is'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
