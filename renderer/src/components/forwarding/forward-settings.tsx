// The Forwarding section of the endpoint editor: mode, targets, ordered routes, the default target,
// the Host policy, browser requests, the timeout and the retry schedule. Controlled: the editor owns
// the values and saves them; errors arrive keyed by their path in ForwardConfig.
import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { ForwardMode } from '../../../../shared/model'
import {
  errorUnder,
  moveItem,
  newRoute,
  newTargetId,
  ROUTE_KIND_LABELS,
  type FieldErrors,
  type ForwardForm,
  type RouteForm,
  type RouteKind,
  type TargetForm,
} from './forward-form'
import { forwardedUrl } from '../../text/forward-text'
import { VisibleText } from '../visible-text'
import '../../styles/forwarding.css'

const MODES: Array<{ value: ForwardMode; label: string; hint: string }> = [
  { value: 'off', label: 'Off', hint: 'Requests are captured and answered, nothing is forwarded.' },
  { value: 'async', label: 'Async', hint: 'The sender gets this endpoint’s response at once; delivery happens from a queue per target that retries while your app is down.' },
  { value: 'proxy', label: 'Proxy', hint: 'The sender gets your app’s answer (status, headers, body), relayed as it came; 502 or 504 when the target is down or silent.' },
]

/** Where a request goes for a target's URL as typed: "A request to /webhooks goes to http://localhost:3000/webhooks". */
function TargetExample({ url, path }: { url: string; path: string }) {
  const upstream = forwardedUrl(url, path)
  if (upstream === null) return null
  return (
    <span className="muted field-hint" data-testid="forward-target-example">
      A request to <VisibleText value={path} byteString /> goes to <VisibleText value={upstream} byteString />
    </span>
  )
}

export function FieldError({ message, testId }: { message: string | undefined; testId: string }) {
  if (!message) return null
  return (
    <span className="field-error" role="alert" data-testid={testId}>
      {message}
    </span>
  )
}

interface ForwardSettingsProps {
  form: ForwardForm
  errors: FieldErrors
  onChange: (update: (form: ForwardForm) => ForwardForm) => void
  /** This run forwards by `hookscope serve --forward`, which is not saved. */
  thisRunOnly?: boolean
  /** Saved targets taken out of the form while requests wait for them: saving fails those requests. */
  removedWaiting?: ReadonlyArray<{ id: string; url: string; waiting: number }>
  /** A request path to show each target's upstream URL with: the endpoint's latest request's, say. */
  examplePath?: string
}

export function ForwardSettings({ form, errors, onChange, thisRunOnly = false, removedWaiting = [], examplePath = '/webhooks' }: ForwardSettingsProps) {
  const mode = MODES.find((m) => m.value === form.mode) ?? MODES[0]!
  // A target just added takes the cursor in its URL field, as it is the one thing it needs.
  const urlInputs = useRef(new Map<string, HTMLInputElement>())
  const [focusTargetId, setFocusTargetId] = useState<string | null>(null)
  useEffect(() => {
    if (focusTargetId === null) return
    const input = urlInputs.current.get(focusTargetId)
    if (!input) return
    input.focus()
    setFocusTargetId(null)
  }, [focusTargetId, form.targets])
  const setTarget = (index: number, patch: Partial<TargetForm>) =>
    onChange((f) => ({ ...f, targets: f.targets.map((t, i) => (i === index ? { ...t, ...patch } : t)) }))
  const addTarget = () => {
    const target: TargetForm = { id: newTargetId(), url: '', paused: false }
    onChange((f) => ({ ...f, targets: [...f.targets, target], defaultTargetId: f.defaultTargetId || target.id }))
    setFocusTargetId(target.id)
  }
  const removeTarget = (index: number) =>
    onChange((f) => {
      const removed = f.targets[index]!.id
      const targets = f.targets.filter((_, i) => i !== index)
      return {
        ...f,
        targets,
        // Routes to it keep their place and ask for another target, rather than vanish.
        routes: f.routes.map((r) => (r.targetId === removed ? { ...r, targetId: '' } : r)),
        defaultTargetId: f.defaultTargetId === removed ? (targets[0]?.id ?? '') : f.defaultTargetId,
      }
    })
  const setRoute = (index: number, patch: Partial<RouteForm>) => onChange((f) => ({ ...f, routes: f.routes.map((r, i) => (i === index ? { ...r, ...patch } : r)) }))

  return (
    <fieldset className="forward-settings" data-testid="forward-settings">
      <legend>Forwarding</legend>
      {thisRunOnly && (
        <p className="viewer-note" data-testid="forward-run-only">
          This run forwards as <code>hookscope serve --forward</code> asked, and that is not saved: the next start
          without the flag forwards as before. Saving a change to the forwarding here saves it, and it applies from then on.
        </p>
      )}
      <div className="form-row">
        <label>
          Mode
          <select data-testid="forward-mode" value={form.mode} onChange={(event) => onChange((f) => ({ ...f, mode: event.target.value as ForwardMode }))}>
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted field-hint" data-testid="forward-mode-hint">
        {mode.hint}
      </p>
      {form.mode !== 'off' && (
        <>
          <div className="forward-block">
            <div className="forward-block-head">
              <strong>Targets</strong>
              <span className="muted">The request’s own path and query are appended to the URL.</span>
              <span className="spacer" />
              <button type="button" className="small" data-testid="forward-add-target" onClick={addTarget}>
                + Target
              </button>
            </div>
            <FieldError message={errors.targets} testId="forward-targets-error" />
            {removedWaiting.map((removed) => (
              <p key={removed.id} className="viewer-note warning" role="alert" data-testid="forward-removed-waiting">
                {removed.waiting === 1 ? '1 request waits' : `${removed.waiting} requests wait`} for the removed target <code>{removed.url}</code>. Saving
                fails {removed.waiting === 1 ? 'it' : 'them'} (each can then be retried from its Forwarding tab, and goes where the routes send it
                then). To deliver {removed.waiting === 1 ? 'it' : 'them'} to another address, Cancel and change that target’s URL instead: what waits
                follows the new URL.
              </p>
            ))}
            {form.targets.length === 0 && <p className="muted field-hint">No target yet.</p>}
            <ol className="forward-items">
              {form.targets.map((target, index) => (
                <li key={target.id} className="forward-item" data-testid="forward-target" data-target-id={target.id}>
                  <div className="forward-item-row">
                    <span className="forward-index muted">{index + 1}</span>
                    <input
                      className="grow"
                      data-testid="forward-target-url"
                      ref={(input) => {
                        if (input) urlInputs.current.set(target.id, input)
                        else urlInputs.current.delete(target.id)
                      }}
                      aria-label={`Target ${index + 1} URL`}
                      placeholder="http://localhost:3000"
                      spellCheck={false}
                      value={target.url}
                      aria-invalid={errorUnder(errors, `targets.${index}.`) ? true : undefined}
                      onChange={(event) => setTarget(index, { url: event.target.value })}
                    />
                    {target.paused && <span className="badge warning">paused</span>}
                    <button type="button" className="small" data-testid="forward-target-remove" aria-label={`Remove target ${index + 1}`} onClick={() => removeTarget(index)}>
                      Remove
                    </button>
                  </div>
                  <FieldError message={errorUnder(errors, `targets.${index}.`)} testId="forward-target-error" />
                  <TargetExample url={target.url} path={examplePath} />
                </li>
              ))}
            </ol>
          </div>

          <div className="forward-block">
            <div className="forward-block-head">
              <strong>Routes</strong>
              <span className="muted">First match wins; the rest go to the default target.</span>
              <span className="spacer" />
              <button
                type="button"
                className="small"
                data-testid="forward-add-route"
                disabled={form.targets.length === 0}
                onClick={() => onChange((f) => ({ ...f, routes: [...f.routes, newRoute(f.targets[0]?.id ?? '')] }))}
              >
                + Route
              </button>
            </div>
            <ol className="forward-items">
              {form.routes.map((route, index) => (
                <RouteRow
                  key={route.id}
                  route={route}
                  index={index}
                  count={form.routes.length}
                  targets={form.targets}
                  error={errorUnder(errors, `routes.${index}.`)}
                  onChange={(patch) => setRoute(index, patch)}
                  onMove={(delta) => onChange((f) => ({ ...f, routes: moveItem(f.routes, index, index + delta) }))}
                  onRemove={() => onChange((f) => ({ ...f, routes: f.routes.filter((_, i) => i !== index) }))}
                />
              ))}
            </ol>
            <label className="inline-label">
              Default target
              <TargetSelect testId="forward-default-target" value={form.defaultTargetId} targets={form.targets} noneLabel="None (unmatched requests are not forwarded)" onChange={(value) => onChange((f) => ({ ...f, defaultTargetId: value }))} />
            </label>
            <FieldError message={errors.defaultTargetId} testId="forward-default-target-error" />
            {form.defaultTargetId === '' && form.targets.length > 0 && form.routes.length === 0 && (
              <p className="viewer-note warning" data-testid="forward-nothing-routed">
                With no default target and no routes, nothing is forwarded.
              </p>
            )}
          </div>

          <div className="form-row">
            <label>
              Host header
              <select data-testid="forward-host" value={form.host} onChange={(event) => onChange((f) => ({ ...f, host: event.target.value as ForwardForm['host'] }))}>
                <option value="rewrite">Rewrite to the target’s host</option>
                <option value="keep">Keep as received</option>
              </select>
            </label>
            <NumberField label="Timeout (s)" testId="forward-timeout" value={form.timeoutSeconds} error={errors.timeoutMs} onChange={(v) => onChange((f) => ({ ...f, timeoutSeconds: v }))} />
          </div>
          <label className="checkbox">
            <input type="checkbox" data-testid="forward-allow-browser" checked={form.allowBrowser} onChange={(event) => onChange((f) => ({ ...f, allowBrowser: event.target.checked }))} />
            Allow browser-originated requests <span className="muted">(a web page could otherwise reach your app through this endpoint)</span>
          </label>
          {form.mode === 'async' && (
            <label className="checkbox">
              <input type="checkbox" data-testid="forward-resign-stale" checked={form.resignStale} onChange={(event) => onChange((f) => ({ ...f, resignStale: event.target.checked }))} />
              Re-sign deliveries that wait past the signature’s tolerance{' '}
              <span className="muted">(with the endpoint’s signing secret and a fresh timestamp; the body is sent unchanged)</span>
            </label>
          )}
          {form.mode === 'async' && (
            <div className="forward-retry">
              <strong>Retries</strong>
              <div className="form-row">
                <NumberField label="Max attempts" testId="forward-max-attempts" value={form.maxAttempts} error={errors['retry.maxAttempts']} onChange={(v) => onChange((f) => ({ ...f, maxAttempts: v }))} />
                <NumberField label="Give up after (h)" testId="forward-max-age" value={form.maxAgeHours} error={errors['retry.maxAgeMs']} onChange={(v) => onChange((f) => ({ ...f, maxAgeHours: v }))} />
              </div>
              <div className="form-row">
                <NumberField label="First retry after (s)" testId="forward-base-delay" value={form.baseDelaySeconds} error={errors['retry.baseDelayMs']} onChange={(v) => onChange((f) => ({ ...f, baseDelaySeconds: v }))} />
                <NumberField label="Longest wait (s)" testId="forward-max-delay" value={form.maxDelaySeconds} error={errors['retry.maxDelayMs']} onChange={(v) => onChange((f) => ({ ...f, maxDelaySeconds: v }))} />
              </div>
              <p className="muted field-hint">The wait doubles after each failed attempt, up to the longest wait.</p>
            </div>
          )}
        </>
      )}
    </fieldset>
  )
}

function NumberField({ label, testId, value, error, onChange }: { label: ReactNode; testId: string; value: string; error: string | undefined; onChange: (value: string) => void }) {
  return (
    <label>
      {label}
      <input data-testid={testId} inputMode="decimal" value={value} aria-invalid={error ? true : undefined} onChange={(event) => onChange(event.target.value)} />
      <FieldError message={error} testId={`${testId}-error`} />
    </label>
  )
}

function targetLabel(target: TargetForm, index: number): string {
  return target.url.trim() ? `${index + 1}. ${target.url.trim()}` : `${index + 1}. (no URL yet)`
}

function TargetSelect({ value, targets, onChange, testId, noneLabel }: { value: string; targets: TargetForm[]; onChange: (value: string) => void; testId: string; noneLabel: string }) {
  return (
    <select data-testid={testId} value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">{noneLabel}</option>
      {targets.map((target, index) => (
        <option key={target.id} value={target.id}>
          {targetLabel(target, index)}
        </option>
      ))}
    </select>
  )
}

interface RouteRowProps {
  route: RouteForm
  index: number
  count: number
  targets: TargetForm[]
  error: string | undefined
  onChange: (patch: Partial<RouteForm>) => void
  onMove: (delta: number) => void
  onRemove: () => void
}

function RouteRow({ route, index, count, targets, error, onChange, onMove, onRemove }: RouteRowProps) {
  const input = (key: 'prefix' | 'method' | 'name' | 'path' | 'value', placeholder: string, label: string) => (
    <input
      className="grow"
      data-testid={`forward-route-${key}`}
      aria-label={`Route ${index + 1} ${label}`}
      placeholder={placeholder}
      spellCheck={false}
      value={route[key]}
      onChange={(event) => onChange({ [key]: event.target.value })}
    />
  )
  return (
    <li className="forward-item" data-testid="forward-route" data-route-id={route.id}>
      <div className="forward-item-row">
        <span className="forward-index muted">{index + 1}</span>
        <select data-testid="forward-route-kind" aria-label={`Route ${index + 1} condition`} value={route.kind} onChange={(event) => onChange({ kind: event.target.value as RouteKind })}>
          {(Object.keys(ROUTE_KIND_LABELS) as RouteKind[]).map((kind) => (
            <option key={kind} value={kind}>
              {ROUTE_KIND_LABELS[kind]}
            </option>
          ))}
        </select>
        {route.kind === 'path-prefix' && input('prefix', '/stripe', 'path prefix')}
        {route.kind === 'method' && input('method', 'POST', 'method')}
        {route.kind === 'header' && (
          <>
            {input('name', 'X-GitHub-Event', 'header name')}
            <span className="muted">=</span>
            {input('value', 'push', 'header value')}
          </>
        )}
        {route.kind === 'json-field' && (
          <>
            {input('path', 'type', 'JSON field path')}
            <span className="muted">=</span>
            {input('value', 'invoice.paid', 'JSON field value')}
          </>
        )}
      </div>
      <div className="forward-item-row">
        <span className="forward-index" />
        <span className="muted">→</span>
        <TargetSelect testId="forward-route-target" value={route.targetId} targets={targets} noneLabel="Choose a target…" onChange={(value) => onChange({ targetId: value })} />
        <span className="spacer" />
        <button type="button" className="small" data-testid="forward-route-up" aria-label={`Move route ${index + 1} up`} disabled={index === 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className="small" data-testid="forward-route-down" aria-label={`Move route ${index + 1} down`} disabled={index === count - 1} onClick={() => onMove(1)}>
          ↓
        </button>
        <button type="button" className="small" data-testid="forward-route-remove" aria-label={`Remove route ${index + 1}`} onClick={onRemove}>
          Remove
        </button>
      </div>
      <FieldError message={error} testId="forward-route-error" />
    </li>
  )
}
