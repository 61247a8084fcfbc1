// Create or edit an endpoint: name, bind address, port, the response it returns (status, headers,
// body, delay), where it forwards requests, and which signature it checks (scheme, public URL, and a
// write-only secret). Checked against the same schemas the engine uses before anything is sent: each
// field says what is wrong with it once it is left, and as it is edited from then on; a Save refused
// marks every such field at once and focuses the first. What the engine still refuses is shown next to
// the field it is about.
import { FieldProblem, problemAttributes, useFieldChecks } from './field-checks'
import { useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { EndpointDraft, MAX_RESPONSE_DELAY_MS, ResponseRule, defaultResponseRule, type Endpoint, type EndpointPatch, type ForwardConfig } from '../../../shared/model'
import { useApp, useStores, useTraffic } from '../state/context'
import { bindAddressKind } from '../text/bind-address'
import { errorText, setSigningSecret } from '../state/forward-commands'
import { useForward } from '../state/forward-hooks'
import { targetKey } from '../state/forward-store'
import { ConfirmDialog, Dialog } from './dialog'
import { fieldOfEngineError, forwardConfigFrom, forwardFormFrom, signatureFrom, type FieldErrors, type ForwardForm, type SignatureForm } from './forwarding/forward-form'
import { ForwardSettings } from './forwarding/forward-settings'
import { SignatureSettings } from './forwarding/signature-settings'
import { HookscopeError, errorMessage } from '../../../shared/errors'

interface FormState {
  name: string
  host: string
  port: string
  status: string
  headers: string
  body: string
  delay: string
}

/** A name compared as the engine keeps it (trimmed), and as people read it (whatever its case). */
const nameKey = (name: string) => name.trim().toLowerCase()

/** The name offered to a new endpoint: "Webhooks", or the first "Webhooks 2", "Webhooks 3"… no other endpoint has. */
function freeName(taken: readonly string[]): string {
  const keys = new Set(taken.map(nameKey))
  let name = 'Webhooks'
  for (let n = 2; keys.has(nameKey(name)); n++) name = `Webhooks ${n}`
  return name
}

function formFrom(endpoint: Endpoint | undefined, otherNames: readonly string[]): FormState {
  const response = endpoint?.response ?? defaultResponseRule()
  return {
    name: endpoint?.name ?? freeName(otherNames),
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

/** What a refused field of the form needs, named by the label the form shows for it. */
export function endpointFieldError(path: ReadonlyArray<PropertyKey>, message: string, headers: Array<[string, string]> = []): string {
  const [first, second] = path
  const key = first === 'response' ? second : first
  const rest = first === 'response' ? path.slice(2) : path.slice(1)
  switch (key) {
    case 'name':
      return 'Name: give the endpoint a name of 1 to 100 characters.'
    case 'host':
      return 'Bind address: enter an address to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).'
    case 'port':
      return 'Port: enter a whole number from 0 to 65535 (0 picks a free one).'
    case 'status':
      return 'Status: enter an HTTP status code from 200 to 599.'
    case 'delayMs':
      return `Delay (ms): enter a whole number of milliseconds from 0 to ${MAX_RESPONSE_DELAY_MS} (${MAX_RESPONSE_DELAY_MS / 1000} s).`
    case 'body':
      return 'Body: the response body may be at most 10 MiB.'
    case 'headers': {
      const pair = typeof rest[0] === 'number' ? headers[rest[0]] : undefined
      const which = pair ? ` "${pair[0]}"` : ''
      return `Headers${which}: ${message}.`
    }
    default:
      return `${path.join('.') || 'Endpoint'}: ${message}`
  }
}

type FieldKey = keyof FormState

/** The form's own fields, in the order they are shown. */
const FIELD_ORDER: readonly FieldKey[] = ['name', 'host', 'port', 'status', 'delay', 'headers', 'body']

const FIELD_LABELS: Record<FieldKey, string> = { name: 'Name', host: 'Bind address', port: 'Port', status: 'Status', delay: 'Delay (ms)', headers: 'Headers', body: 'Body' }

/** The field of the form an issue's path (of EndpointDraft, or of its response) is about. */
function fieldOfPath(path: ReadonlyArray<PropertyKey>): FieldKey | null {
  const key = path[0] === 'response' ? path[1] : path[0]
  switch (key) {
    case 'name':
    case 'host':
    case 'port':
    case 'status':
    case 'headers':
    case 'body':
      return key
    case 'delayMs':
      return 'delay'
    default:
      return null
  }
}

/**
 * What is wrong with each of the form's own fields (the first problem found with it), checked with the
 * same schemas the engine applies, all at once.
 */
export function formProblems(form: FormState, otherNames: readonly string[] = []): Partial<Record<FieldKey, string>> {
  const problems: Partial<Record<FieldKey, string>> = {}
  // Two endpoints of one name could not be told apart in the sidebar, the list, its filter or a message naming one.
  const namesake = otherNames.find((other) => nameKey(other) === nameKey(form.name))
  if (namesake !== undefined && form.name.trim() !== '') problems.name = `Name: another endpoint is already called “${namesake}”; give this one a name of its own.`
  const headers = parseHeaderLines(form.headers)
  if (typeof headers === 'string') problems.headers = `Headers: ${headers}`
  const response = ResponseRule.safeParse({ status: Number(form.status), headers: typeof headers === 'string' ? [] : headers, body: form.body, delayMs: Number(form.delay) })
  const draft = EndpointDraft.safeParse({ name: form.name, host: form.host.trim(), port: Number(form.port), response: defaultResponseRule() })
  const issues = [...(response.error?.issues.map((issue) => ({ ...issue, path: ['response', ...issue.path] })) ?? []), ...(draft.error?.issues ?? [])]
  for (const issue of issues) {
    const field = fieldOfPath(issue.path)
    if (field && problems[field] === undefined) problems[field] = endpointFieldError(issue.path, issue.message, typeof headers === 'string' ? [] : headers)
  }
  return problems
}

/** The field of the form a refusal to listen is about. */
function listenFieldOf(code: string | undefined): 'host' | 'port' | null {
  if (code === 'ADDRESS_NOT_AVAILABLE') return 'host'
  if (code === 'PORT_IN_USE' || code === 'PERMISSION_DENIED') return 'port'
  return null
}

/** The config to save, with each target's pause state as it is now (the sidebar may have changed it). */
function withCurrentPauses(config: ForwardConfig, current: Endpoint | undefined): ForwardConfig {
  const paused = new Map((current?.forward?.targets ?? []).map((t) => [t.id, t.paused]))
  return { ...config, targets: config.targets.map((t) => ({ ...t, paused: paused.get(t.id) ?? t.paused })) }
}

export function EndpointEditor({ id, onClose }: { id: string | 'new'; onClose: () => void }) {
  const stores = useStores()
  const { sync, app } = stores
  const endpoint = useApp((s) => (id === 'new' ? undefined : s.endpointsById[id]))
  const hasSecret = useApp((s) => (id === 'new' ? false : s.endpointsById[id]?.signature?.hasSecret === true))
  const forwardThisRunOnly = useApp((s) => (id === 'new' ? false : s.statusById[id]?.forwardThisRunOnly === true))
  // Each target shows where the endpoint's latest request (its path) would go, and a Twilio public URL
  // the URL that request is checked with.
  const examplePath = useTraffic((s) => {
    for (const captureId of s.ids) {
      const capture = s.byId[captureId]
      if (capture?.endpointId === id && capture.target.startsWith('/')) return capture.target.split('?')[0]!
    }
    return null
  })
  const otherNames = useApp(useShallow((s) => s.endpointIds.filter((other) => other !== id).map((other) => s.endpointsById[other]?.name ?? '')))
  const [form, setForm] = useState<FormState>(() => formFrom(endpoint, otherNames))
  const [forwardForm, setForwardForm] = useState<ForwardForm>(() => forwardFormFrom(endpoint?.forward))
  const [signatureForm, setSignatureForm] = useState<SignatureForm>(() => ({
    scheme: endpoint?.signature?.scheme ?? '',
    publicUrl: endpoint?.signature?.publicUrl ?? '',
    secret: '',
  }))
  const statuses = useForward((s) => s.byKey)
  // Targets as they are now that the form no longer has, with requests waiting for them.
  const removedWaiting = (id === 'new' ? [] : (endpoint?.forward?.targets ?? []))
    .filter((target) => !forwardForm.targets.some((t) => t.id === target.id))
    .map((target) => ({ id: target.id, url: target.url, waiting: statuses[targetKey(id, target.id)]?.waiting ?? 0 }))
    .filter((target) => target.waiting > 0)
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [forgetting, setForgetting] = useState(false)
  const [confirmRemove, setConfirmRemove] = useState(false)
  // A field says what is wrong with it once it was left (or a save was tried), and from then on as it is edited.
  const checks = useFieldChecks<FieldKey>()
  const problems = formProblems(form, otherNames)
  const formElement = useRef<HTMLFormElement>(null)
  // Set by a refused save: once the fields are marked, the first one with a problem takes the focus.
  const [focusFirstError, setFocusFirstError] = useState(0)
  useEffect(() => {
    if (focusFirstError === 0) return
    const invalid = formElement.current?.querySelector<HTMLElement>('[aria-invalid="true"]')
    if (invalid) invalid.focus()
    // Nothing to mark: the Save button, which let the focus go while it was disabled, takes it back.
    else if (!formElement.current?.contains(document.activeElement)) formElement.current?.querySelector<HTMLElement>('[data-testid="endpoint-save"]')?.focus()
  }, [focusFirstError])
  // Saved, but the address or port it was saved with cannot be listened on: said at that field while
  // it holds that value.
  const [listenProblem, setListenProblem] = useState<{ key: 'host' | 'port'; value: string; message: string } | null>(null)
  const problemOf = (key: FieldKey) =>
    (checks.shows(key) ? problems[key] : undefined) ?? (listenProblem?.key === key && listenProblem.value === form[key] ? listenProblem.message : undefined)
  const field = (key: FieldKey) => {
    const problem = problemOf(key)
    return {
      value: form[key],
      ...problemAttributes(problem, `endpoint-field-${key}-error`),
      onChange: (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value })),
      onBlur: () => checks.left(key),
    }
  }
  const fieldProblem = (key: FieldKey) => (
    <FieldProblem id={`endpoint-field-${key}-error`} message={problemOf(key)} testId={`endpoint-field-${key}-error`} />
  )

  /** Why the endpoint cannot listen, said at the field it is about (while it holds that value) and below the form. */
  const cannotListen = (outcome: string, code: string | undefined, message: string) => {
    // A port in use already says what to choose instead (another port, or 0); other reasons do not.
    const advice = code === 'PORT_IN_USE' ? '' : ' Change its bind address or port.'
    setError(`${outcome}: ${message.replace(/\.$/, '')}.${advice}`)
    const key = listenFieldOf(code)
    setListenProblem(key ? { key, value: form[key], message } : null)
    setFocusFirstError((n) => n + 1)
  }

  const save = async () => {
    const forward = forwardConfigFrom(forwardForm)
    const signature = signatureFrom(signatureForm)
    const errors = { ...(forward.ok ? {} : forward.errors), ...(signature.ok ? {} : signature.errors) }
    setFieldErrors(errors)
    const found = FIELD_ORDER.filter((key) => problems[key] !== undefined)
    const headers = parseHeaderLines(form.headers)
    const response = ResponseRule.safeParse({ status: Number(form.status), headers, body: form.body, delayMs: Number(form.delay) })
    const draft = EndpointDraft.safeParse({ name: form.name, host: form.host.trim(), port: Number(form.port), response: response.data })
    if (found.length > 0 || !forward.ok || !signature.ok || typeof headers === 'string' || !response.success || !draft.success) {
      checks.checkAll()
      setFocusFirstError((n) => n + 1)
      const forwarding = !forward.ok || !signature.ok
      if (found.length === 1 && !forwarding) return setError(problems[found[0]!]!)
      if (found.length === 0) return setError('Some forwarding or signature settings need attention (marked above).')
      const labels = found.map((key) => FIELD_LABELS[key])
      return setError(`These need attention (marked above): ${[...labels, ...(forwarding ? ['forwarding or signature settings'] : [])].join(', ')}.`)
    }
    const signaturePatch = { scheme: signature.scheme, publicUrl: signature.publicUrl }
    const secret = signatureForm.secret
    setBusy(true)
    setError(null)
    let savedId: string | null = null
    try {
      if (id === 'new') {
        savedId = await sync.createEndpoint({ ...draft.data, forward: forward.config })
        if (signaturePatch.scheme !== null || signaturePatch.publicUrl !== null) await sync.updateEndpoint(savedId, { signature: signaturePatch })
      } else {
        savedId = id
        const current = app.getState().endpointsById[id]
        const { name, host, port } = draft.data
        const patch: EndpointPatch = { name, host, port, response: response.data }
        const nextForward = withCurrentPauses(forward.config, current)
        // Only a changed config is sent: a forward patch makes waiting deliveries try again at once.
        if (JSON.stringify(nextForward) !== JSON.stringify(current?.forward)) patch.forward = nextForward
        if (signaturePatch.scheme !== (current?.signature?.scheme ?? null) || signaturePatch.publicUrl !== (current?.signature?.publicUrl ?? null)) patch.signature = signaturePatch
        await sync.updateEndpoint(id, patch)
      }
      // Only a typed secret replaces the stored one (the engine drops the whitespace around it).
      if (secret.trim() !== '') await setSigningSecret(stores, savedId, secret)
      // Saved, but it cannot listen (an address this machine does not have, a port taken): the editor
      // stays open on it, with the reason, so that the address or port can be changed at once.
      const status = app.getState().statusById[savedId]
      if (status?.state === 'error') {
        if (id === 'new') app.getState().setEditingEndpoint(savedId)
        cannotListen('Saved, but it cannot listen', status.error?.code, status.error?.message ?? 'unknown error')
        return
      }
      app.getState().showToast(id === 'new' ? 'Endpoint created' : 'Endpoint saved')
      onClose()
    } catch (e) {
      // Created, but a later step failed: from now on the editor edits the new endpoint.
      if (id === 'new' && savedId !== null) app.getState().setEditingEndpoint(savedId)
      // A running endpoint that cannot move to the address or port typed stays where it was, unchanged.
      if (e instanceof HookscopeError && listenFieldOf(e.code) !== null) return cannotListen('Not saved', e.code, e.message)
      const message = errorText(e)
      const field = fieldOfEngineError(message, forwardForm)
      if (field) {
        setFieldErrors({ [field.key]: field.message })
        setError('The engine refused a forwarding or signature setting (marked above).')
      } else setError(message)
      setFocusFirstError((n) => n + 1)
    } finally {
      setBusy(false)
    }
  }

  const forget = async () => {
    if (id === 'new') return
    setForgetting(true)
    try {
      await setSigningSecret(stores, id, null)
      app.getState().showToast('Secret forgotten')
    } catch (e) {
      setFieldErrors((errors) => ({ ...errors, 'signature.secret': errorText(e) }))
    } finally {
      setForgetting(false)
    }
  }

  const remove = async () => {
    setConfirmRemove(false)
    try {
      await sync.removeEndpoint(id)
      onClose()
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  // What still waits to be forwarded by it is not delivered once it is gone: said before, not after.
  const waiting = Object.values(statuses).reduce((sum, status) => sum + (status.endpointId === id ? status.waiting : 0), 0)
  const undelivered = waiting > 0 ? ` ${waiting} ${waiting === 1 ? 'request' : 'requests'} waiting to be forwarded will not be delivered.` : ''

  return (
    <>
      <Dialog title={id === 'new' ? 'New endpoint' : `Edit ${endpoint?.name ?? 'endpoint'}`} onClose={onClose} testId="endpoint-editor" wide ownScroll>
        <form
          ref={formElement}
          className="form dialog-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault()
            void save()
          }}
        >
          <div className="dialog-form-fields">
            <label>
              Name
              <input data-testid="endpoint-field-name" {...field('name')} maxLength={100} />
              {fieldProblem('name')}
            </label>
            <div className="form-row">
              <label>
                Bind address
                <input data-testid="endpoint-field-host" {...field('host')} />
                {fieldProblem('host')}
              </label>
              <label>
                {/* One item of the label's column: the hint reads on the label's line, and the input
                    lines up with the bind address's. */}
                <span>
                  Port <span className="muted">(0 picks a free one)</span>
                </span>
                <input data-testid="endpoint-field-port" type="number" min={0} max={65535} {...field('port')} />
                {fieldProblem('port')}
              </label>
            </div>
            <BindAddressNote host={form.host} />
            <fieldset>
              <legend>Response</legend>
              <div className="form-row">
                <label>
                  Status
                  <input data-testid="endpoint-field-status" type="number" min={200} max={599} {...field('status')} />
                  {fieldProblem('status')}
                </label>
                <label>
                  Delay (ms)
                  <input data-testid="endpoint-field-delay" type="number" min={0} max={MAX_RESPONSE_DELAY_MS} {...field('delay')} />
                  {fieldProblem('delay')}
                </label>
              </div>
              <label>
                <span>
                  Headers <span className="muted">(one "Name: value" per line)</span>
                </span>
                <textarea data-testid="endpoint-field-headers" rows={3} spellCheck={false} {...field('headers')} />
                {fieldProblem('headers')}
              </label>
              <label>
                Body
                <textarea data-testid="endpoint-field-body" rows={4} spellCheck={false} {...field('body')} />
                {fieldProblem('body')}
              </label>
              <ResponseFramingNote status={form.status} headers={form.headers} body={form.body} />
            </fieldset>
            <ForwardSettings form={forwardForm} errors={fieldErrors} onChange={setForwardForm} thisRunOnly={forwardThisRunOnly} removedWaiting={removedWaiting} examplePath={examplePath ?? undefined} />
            <SignatureSettings
              form={signatureForm}
              errors={fieldErrors}
              hasSecret={hasSecret}
              onForget={id === 'new' ? null : () => void forget()}
              forgetting={forgetting}
              onChange={setSignatureForm}
              examplePath={examplePath ?? undefined}
            />
          </div>
          {/* Outside the fields' scroll: the buttons, and why a save was refused, stay in view. */}
          <div className="dialog-footer">
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
              <button type="button" data-testid="endpoint-cancel" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="primary" data-testid="endpoint-save" disabled={busy}>
                {id === 'new' ? 'Create' : 'Save'}
              </button>
            </div>
          </div>
        </form>
      </Dialog>
      {/* Over the editor, which stays open under it: cancelled, the focus goes back to Remove. */}
      {confirmRemove && (
        <ConfirmDialog
          title="Remove endpoint"
          message={`Stop and remove "${endpoint?.name ?? ''}"? Its captured requests stay in the history.${undelivered}`}
          confirmLabel="Remove"
          onConfirm={() => void remove()}
          onCancel={() => setConfirmRemove(false)}
          testId="endpoint-remove-confirm"
        />
      )}
    </>
  )
}

/** What the sender gets that differs from what was typed: the engine frames every answer itself (a
 * Content-Length that matches the body, never Transfer-Encoding), and a 204 or 304 carries no body. */
export function responseFramingNotes(status: string, headerText: string, body: string): string[] {
  const headers = parseHeaderLines(headerText)
  if (typeof headers === 'string') return []
  const notes: string[] = []
  const noBody = status.trim() === '204' || status.trim() === '304'
  const bytes = new TextEncoder().encode(body).length
  for (const [name, value] of headers) {
    const lower = name.toLowerCase()
    if (lower === 'content-length' && (noBody || value !== String(bytes))) {
      notes.push(
        noBody
          ? `Content-Length is not sent: a ${status.trim()} response has no body.`
          : `Content-Length is set from the body (${bytes} ${bytes === 1 ? 'byte' : 'bytes'}): the ${JSON.stringify(value)} typed is not sent.`,
      )
    } else if (lower === 'transfer-encoding') {
      notes.push(`Transfer-Encoding is not sent: the body goes out whole, with a Content-Length that matches it.`)
    }
  }
  if (noBody && body !== '') notes.push(`A ${status.trim()} response has no body: the body above is not sent.`)
  return [...new Set(notes)]
}

function ResponseFramingNote({ status, headers, body }: { status: string; headers: string; body: string }) {
  const notes = responseFramingNotes(status, headers, body)
  if (notes.length === 0) return null
  return (
    <div className="viewer-note warning" data-testid="endpoint-response-note">
      {notes.map((note) => (
        <p key={note}>{note}</p>
      ))}
    </div>
  )
}

/** Who can reach the endpoint at the bind address typed: said only of an address that is one. */
function BindAddressNote({ host }: { host: string }) {
  switch (bindAddressKind(host)) {
    case 'loopback':
      return null
    case 'network':
      return (
        <p className="viewer-note warning" data-testid="endpoint-host-note">
          Other machines on your network can send requests to this address.
        </p>
      )
    case 'name':
      return (
        <p className="viewer-note warning" data-testid="endpoint-host-note">
          The endpoint listens on the address this name resolves to: unless that is a loopback address, other machines on your network can send requests to it.
        </p>
      )
    case 'invalid':
      return (
        <p className="viewer-note error" data-testid="endpoint-host-note">
          Not an IP address or host name: enter one such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).
        </p>
      )
  }
}
