// Create or edit an endpoint: name, bind address, port, and the response it returns (status, headers,
// body, delay). Checked against the same schemas the engine uses before anything is sent.
import { useState } from 'react'
import { EndpointDraft, MAX_RESPONSE_DELAY_MS, ResponseRule, defaultResponseRule, type Endpoint } from '../../../shared/model'
import { useApp, useStores } from '../state/context'
import { ConfirmDialog, Dialog } from './dialog'

interface FormState {
  name: string
  host: string
  port: string
  status: string
  headers: string
  body: string
  delay: string
}

function formFrom(endpoint: Endpoint | undefined): FormState {
  const response = endpoint?.response ?? defaultResponseRule()
  return {
    name: endpoint?.name ?? 'Webhooks',
    host: endpoint?.host ?? '127.0.0.1',
    port: String(endpoint?.port ?? 0),
    status: String(response.status),
    headers: response.headers.map(([n, v]) => `${n}: ${v}`).join('\n'),
    body: response.body,
    delay: String(response.delayMs),
  }
}

export function parseHeaderLines(text: string): Array<[string, string]> | string {
  const headers: Array<[string, string]> = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '')
    if (line.trim() === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) return `Line ${i + 1}: write headers as "Name: value".`
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()])
  }
  return headers
}

export function EndpointEditor({ id, onClose }: { id: string | 'new'; onClose: () => void }) {
  const { sync, app } = useStores()
  const endpoint = useApp((s) => (id === 'new' ? undefined : s.endpointsById[id]))
  const [form, setForm] = useState<FormState>(() => formFrom(endpoint))
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [confirmRemove, setConfirmRemove] = useState(false)
  const field = (key: keyof FormState) => ({
    value: form[key],
    onChange: (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value })),
  })

  const save = async () => {
    const headers = parseHeaderLines(form.headers)
    if (typeof headers === 'string') return setError(headers)
    const response = ResponseRule.safeParse({ status: Number(form.status), headers, body: form.body, delayMs: Number(form.delay) })
    if (!response.success) {
      const issue = response.error.issues[0]!
      return setError(`Response ${issue.path.join('.')}: ${issue.message}`)
    }
    const draft = EndpointDraft.safeParse({ name: form.name, host: form.host.trim(), port: Number(form.port), response: response.data })
    if (!draft.success) {
      const issue = draft.error.issues[0]!
      return setError(`${issue.path.join('.') || 'Endpoint'}: ${issue.message}`)
    }
    setBusy(true)
    setError(null)
    try {
      if (id === 'new') {
        await sync.createEndpoint(draft.data)
      } else {
        const { name, host, port } = draft.data
        await sync.updateEndpoint(id, { name, host, port, response: response.data })
      }
      app.getState().showToast(id === 'new' ? 'Endpoint created' : 'Endpoint saved')
      onClose()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  const remove = async () => {
    setConfirmRemove(false)
    try {
      await sync.removeEndpoint(id)
      onClose()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }

  if (confirmRemove) {
    return (
      <ConfirmDialog
        title="Remove endpoint"
        message={`Stop and remove "${endpoint?.name ?? ''}"? Its captured requests stay in the history.`}
        confirmLabel="Remove"
        onConfirm={() => void remove()}
        onCancel={() => setConfirmRemove(false)}
        testId="endpoint-remove-confirm"
      />
    )
  }

  return (
    <Dialog title={id === 'new' ? 'New endpoint' : `Edit ${endpoint?.name ?? 'endpoint'}`} onClose={onClose} testId="endpoint-editor">
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          void save()
        }}
      >
        <label>
          Name
          <input data-testid="endpoint-field-name" {...field('name')} maxLength={100} />
        </label>
        <div className="form-row">
          <label>
            Bind address
            <input data-testid="endpoint-field-host" {...field('host')} />
          </label>
          <label>
            Port <span className="muted">(0 picks a free one)</span>
            <input data-testid="endpoint-field-port" type="number" min={0} max={65535} {...field('port')} />
          </label>
        </div>
        {form.host.trim() !== '127.0.0.1' && form.host.trim() !== 'localhost' && form.host.trim() !== '::1' && (
          <p className="viewer-note warning">Other machines on your network can send requests to this address.</p>
        )}
        <fieldset>
          <legend>Response</legend>
          <div className="form-row">
            <label>
              Status
              <input data-testid="endpoint-field-status" type="number" min={200} max={599} {...field('status')} />
            </label>
            <label>
              Delay (ms)
              <input data-testid="endpoint-field-delay" type="number" min={0} max={MAX_RESPONSE_DELAY_MS} {...field('delay')} />
            </label>
          </div>
          <label>
            Headers <span className="muted">(one "Name: value" per line)</span>
            <textarea data-testid="endpoint-field-headers" rows={3} spellCheck={false} {...field('headers')} />
          </label>
          <label>
            Body
            <textarea data-testid="endpoint-field-body" rows={4} spellCheck={false} {...field('body')} />
          </label>
        </fieldset>
        {error && (
          <p className="viewer-note error" data-testid="endpoint-form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          {id !== 'new' && (
            <button type="button" className="danger-outline" data-testid="endpoint-remove" onClick={() => setConfirmRemove(true)}>
              Remove
            </button>
          )}
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="endpoint-save" disabled={busy}>
            {id === 'new' ? 'Create' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
