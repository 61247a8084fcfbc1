// Where to resend a capture as it was: a URL (the endpoint's forward targets are offered); the
// request's own path and query are appended to it.
import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useApp, useTraffic } from '../../state/context'
import { useWorkbench } from '../../workbench/commands'
import { urlError } from '../../workbench/composer-draft'
import { Dialog } from '../dialog'

export function ResendPrompt({ captureId, onClose }: { captureId: string; onClose: () => void }) {
  const workbench = useWorkbench()
  const endpointId = useTraffic((s) => s.byId[captureId]?.endpointId ?? null)
  const targets = useApp(useShallow((s) => (endpointId ? (s.endpointsById[endpointId]?.forward.targets.map((t) => t.url) ?? []) : [])))
  const [url, setUrl] = useState(targets[0] ?? 'http://localhost:3000')
  const [sending, setSending] = useState(false)
  const problem = urlError(url)
  const send = async () => {
    if (problem) return
    setSending(true)
    await workbench.resendAsIs(captureId, url)
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
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="resend-confirm" disabled={sending || problem !== null}>
            {sending ? 'Sending…' : 'Resend as is'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
