// The Forwarding section of the endpoint editor: mode, targets, ordered routes, the default target,
// the Host policy, browser requests, the timeout and the retry schedule. Controlled: the editor owns
// the values and saves them; errors arrive keyed by their path in ForwardConfig. As the endpoint
// editor's own fields do, each field says what is wrong with it once it is left, and as it is edited
// from then on (checked here with the same rules as Save); a refused Save marks every field.
import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { ForwardMode } from '../../../../shared/model'
import {
  errorUnder,
  forwardConfigFrom,
  moveItem,
  newRoute,
  isHttps,
  newTargetId,
  ROUTE_KIND_LABELS,
  routeSummary,
  type FieldErrors,
  type ForwardForm,
  type RouteForm,
  type RouteKind,
  type TargetForm,
} from './forward-form'
import { forwardedUrl } from '../../text/forward-text'
import { FieldProblem, problemAttributes, useFieldChecks, type FieldChecks } from '../field-checks'
import { VisibleText } from '../visible-text'
import { useKeepFocus } from './keep-focus'
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

/** A field of this section, as its problem is shown: a target or a route (by id), or an error key of ForwardConfig. */
type ForwardFieldKey = `target:${string}` | `route:${string}` | 'targets' | 'defaultTargetId' | NumberKey

type NumberKey = 'timeoutMs' | 'retry.maxAttempts' | 'retry.maxAgeMs' | 'retry.baseDelayMs' | 'retry.maxDelayMs'

/**
 * What each field says is wrong with it: what the form's own checks find now, once the field says
 * so; else, until the form is edited, what the last Save was told (the engine's refusals included).
 */
function useForwardProblems(form: ForwardForm, errors: FieldErrors): { checks: FieldChecks<ForwardFieldKey>; problem: (key: ForwardFieldKey, pick: (errors: FieldErrors) => string | undefined) => string | undefined } {
  const checks = useFieldChecks<ForwardFieldKey>()
  // The errors of the last Save, and the form they were about.
  const [saved, setSaved] = useState({ errors, form })
  if (saved.errors !== errors) {
    setSaved({ errors, form })
    // A Save that was refused for the forwarding: every field says its problem from now on.
    if (Object.keys(errors).some((key) => !key.startsWith('signature.'))) checks.checkAll()
  }
  const check = forwardConfigFrom(form)
  const now = check.ok ? {} : check.errors
  return {
    checks,
    problem: (key, pick) => (checks.shows(key) ? pick(now) : undefined) ?? (saved.form === form ? pick(errors) : undefined),
  }
}

export function ForwardSettings({ form, errors, onChange, thisRunOnly = false, removedWaiting = [], examplePath = '/webhooks' }: ForwardSettingsProps) {
  const mode = MODES.find((m) => m.value === form.mode) ?? MODES[0]!
  const { checks, problem } = useForwardProblems(form, errors)
  const numberField = (key: NumberKey) => ({ error: problem(key, (e) => e[key]), onBlur: () => checks.left(key) })
  // A target just added takes the cursor in its URL field, as it is the one thing it needs.
  const urlInputs = useRef(new Map<string, HTMLInputElement>())
  const [focusTargetId, setFocusTargetId] = useState<string | null>(null)
  // A route's ↑ at the top (↓ at the bottom) is disabled once it gets there: the focus goes to its other arrow.
  const section = useKeepFocus<HTMLFieldSetElement>(false)
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
    const target: TargetForm = { id: newTargetId(), url: '', paused: false, acceptSelfSigned: false }
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
    <fieldset ref={section} className="forward-settings" data-testid="forward-settings">
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
            <FieldProblem id="forward-targets-error" message={problem('targets', (e) => e.targets)} testId="forward-targets-error" />
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
              {form.targets.map((target, index) => {
                const targetProblem = problem(`target:${target.id}`, (e) => errorUnder(e, `targets.${index}.`))
                const errorId = `forward-target-${target.id}-error`
                return (
                <li key={target.id} className="forward-item" data-testid="forward-target" data-target-id={target.id} onBlur={() => checks.left(`target:${target.id}`)}>
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
                      {...problemAttributes(targetProblem, errorId)}
                      onChange={(event) => setTarget(index, { url: event.target.value })}
                    />
                    {target.paused && <span className="badge warning">paused</span>}
                    <button type="button" className="small" data-testid="forward-target-remove" aria-label={`Remove target ${index + 1}`} onClick={() => removeTarget(index)}>
                      Remove
                    </button>
                  </div>
                  <FieldProblem id={errorId} message={targetProblem} testId="forward-target-error" />
                  <TargetExample url={target.url} path={examplePath} />
                  {isHttps(target.url) && (
                    <label className="checkbox forward-target-tls">
                      <input
                        type="checkbox"
                        data-testid="forward-target-self-signed"
                        checked={target.acceptSelfSigned}
                        onChange={(event) => setTarget(index, { acceptSelfSigned: event.target.checked })}
                      />
                      Accept a self-signed certificate (a local app's own, or mkcert's)
                    </label>
                  )}
                </li>
                )
              })}
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
                  error={problem(`route:${route.id}`, (e) => errorUnder(e, `routes.${index}.`))}
                  targetError={problem(`route:${route.id}`, (e) => e[`routes.${index}.targetId`]) !== undefined}
                  onLeave={() => checks.left(`route:${route.id}`)}
                  onChange={(patch) => setRoute(index, patch)}
                  onMove={(delta) => onChange((f) => ({ ...f, routes: moveItem(f.routes, index, index + delta) }))}
                  onRemove={() => onChange((f) => ({ ...f, routes: f.routes.filter((_, i) => i !== index) }))}
                />
              ))}
            </ol>
            <label className="inline-label">
              Default target
              <TargetSelect
                testId="forward-default-target"
                value={form.defaultTargetId}
                targets={form.targets}
                noneLabel="None (unmatched requests are not forwarded)"
                problem={problem('defaultTargetId', (e) => e.defaultTargetId)}
                errorId="forward-default-target-error"
                onBlur={() => checks.left('defaultTargetId')}
                onChange={(value) => onChange((f) => ({ ...f, defaultTargetId: value }))}
              />
            </label>
            <FieldProblem id="forward-default-target-error" message={problem('defaultTargetId', (e) => e.defaultTargetId)} testId="forward-default-target-error" />
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
            <NumberField label="Timeout (s)" testId="forward-timeout" value={form.timeoutSeconds} {...numberField('timeoutMs')} onChange={(v) => onChange((f) => ({ ...f, timeoutSeconds: v }))} />
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
                <NumberField label="Max attempts" testId="forward-max-attempts" value={form.maxAttempts} {...numberField('retry.maxAttempts')} onChange={(v) => onChange((f) => ({ ...f, maxAttempts: v }))} />
                <NumberField label="Give up after (h)" testId="forward-max-age" value={form.maxAgeHours} {...numberField('retry.maxAgeMs')} onChange={(v) => onChange((f) => ({ ...f, maxAgeHours: v }))} />
              </div>
              <div className="form-row">
                <NumberField label="First retry after (s)" testId="forward-base-delay" value={form.baseDelaySeconds} {...numberField('retry.baseDelayMs')} onChange={(v) => onChange((f) => ({ ...f, baseDelaySeconds: v }))} />
                <NumberField label="Longest wait (s)" testId="forward-max-delay" value={form.maxDelaySeconds} {...numberField('retry.maxDelayMs')} onChange={(v) => onChange((f) => ({ ...f, maxDelaySeconds: v }))} />
              </div>
              <p className="muted field-hint">The wait doubles after each failed attempt, up to the longest wait.</p>
            </div>
          )}
        </>
      )}
    </fieldset>
  )
}

function NumberField({ label, testId, value, error, onChange, onBlur }: { label: ReactNode; testId: string; value: string; error: string | undefined; onChange: (value: string) => void; onBlur: () => void }) {
  return (
    <label>
      {label}
      <input data-testid={testId} inputMode="decimal" value={value} {...problemAttributes(error, `${testId}-error`)} onChange={(event) => onChange(event.target.value)} onBlur={onBlur} />
      <FieldProblem id={`${testId}-error`} message={error} testId={`${testId}-error`} />
    </label>
  )
}

function targetLabel(target: TargetForm, index: number): string {
  return target.url.trim() ? `${index + 1}. ${target.url.trim()}` : `${index + 1}. (no URL yet)`
}

interface TargetSelectProps {
  value: string
  targets: TargetForm[]
  onChange: (value: string) => void
  testId: string
  noneLabel: string
  /** What is wrong with the choice, shown in the element with `errorId`. */
  problem?: string | undefined
  errorId?: string
  onBlur?: () => void
}

function TargetSelect({ value, targets, onChange, testId, noneLabel, problem, errorId = '', onBlur }: TargetSelectProps) {
  return (
    <select data-testid={testId} value={value} {...problemAttributes(problem, errorId)} onChange={(event) => onChange(event.target.value)} onBlur={onBlur}>
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
  /** The error is about the route's target, not its condition. */
  targetError: boolean
  onChange: (patch: Partial<RouteForm>) => void
  /** Focus left the route: from now on it says what is wrong with it. */
  onLeave: () => void
  onMove: (delta: number) => void
  onRemove: () => void
}

function RouteRow({ route, index, count, targets, error, targetError, onChange, onLeave, onMove, onRemove }: RouteRowProps) {
  const errorId = `forward-route-${route.id}-error`
  const summary = routeSummary(route)
  const matchError = targetError ? undefined : error
  const input = (key: 'prefix' | 'method' | 'name' | 'path' | 'value', placeholder: string, label: string) => (
    <input
      className="grow"
      data-testid={`forward-route-${key}`}
      aria-label={`Route ${index + 1} ${label}`}
      placeholder={placeholder}
      spellCheck={false}
      value={route[key]}
      {...problemAttributes(matchError, errorId)}
      onChange={(event) => onChange({ [key]: event.target.value })}
    />
  )
  return (
    <li className="forward-item" data-testid="forward-route" data-route-id={route.id} onBlur={onLeave}>
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
      {(route.kind === 'header' || route.kind === 'json-field') && (
        <div className="forward-item-row">
          <span className="forward-index" />
          <label className="checkbox">
            <input type="checkbox" data-testid="forward-route-ignore-case" checked={route.ignoreCase} onChange={(event) => onChange({ ignoreCase: event.target.checked })} />
            Ignore case <span className="muted">(Staging, staging and STAGING match alike)</span>
          </label>
        </div>
      )}
      {summary !== null && (
        <p className="muted field-hint forward-route-summary" data-testid="forward-route-summary">
          {summary}
        </p>
      )}
      <div className="forward-item-row">
        <span className="forward-index" />
        <span className="muted">→</span>
        <TargetSelect testId="forward-route-target" value={route.targetId} targets={targets} noneLabel="Choose a target…" problem={targetError ? error : undefined} errorId={errorId} onChange={(value) => onChange({ targetId: value })} />
        <span className="spacer" />
        <button type="button" className="small" data-testid="forward-route-up" data-focus-instead="forward-route-down" aria-label={`Move route ${index + 1} up`} disabled={index === 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className="small" data-testid="forward-route-down" data-focus-instead="forward-route-up" aria-label={`Move route ${index + 1} down`} disabled={index === count - 1} onClick={() => onMove(1)}>
          ↓
        </button>
        <button type="button" className="small" data-testid="forward-route-remove" aria-label={`Remove route ${index + 1}`} onClick={onRemove}>
          Remove
        </button>
      </div>
      <FieldProblem id={errorId} message={error} testId="forward-route-error" />
    </li>
  )
}
