// Running a collection (or one folder): where to send (each item's own URL, a forward target, or any
// base URL), a delay between requests, stop on the first failure, re-signing where an item says so
// (offered only when an endpoint can re-sign one of them; when the endpoints set to re-sign them have
// no secret yet, shown off with what to do), and, for items saved without re-signing that carry a signature (saved by an earlier version, or
// imported), re-signing with the secret of an endpoint chosen for their scheme.
// Requests whose own URL is a Hookscope endpoint's (saved from its captures) would be captured there
// again: the panel says so, and sends them to that endpoint's forward target by default when it has
// exactly one, their saved URLs left as they are.
// The options are kept per collection and folder in this browser's storage (`run-storage.ts`).
// Progress and results arrive live from the collections.run event; each result opens its replay. The
// panel opened again, or after a reload, shows the run of its collection or folder still in progress
// (with its Stop), or its last one.
import { useEffect, useId, useMemo, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useApp } from '../../state/context'
import type { RunTarget } from '../../state/workbench-store'
import { formatDuration, statusClassOf } from '../../text/format'
import { useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { urlError, withDefaultScheme } from '../../workbench/composer-draft'
import { itemsOfRun, ownEndpointRun, type OwnEndpointRun } from '../../workbench/run-destination'
import { storedRunOptions, storeRunOptions, type RunOptions } from '../../workbench/run-storage'
import { sendTimeoutError, sendTimeoutMs } from '../../workbench/composer-storage'
import { carriedSignature, resignCandidates, resignSetupAdvice, resignWithOf, schemesInWords, staleWords, unsignedGroups, type UnsignedGroup } from '../../workbench/resign-offer'
import type { ItemInfo } from '../../../../shared/collections'
import type { Endpoint } from '../../../../shared/model'
import { carriesSignature, type Verdict } from '../../../../shared/signatures'
import { refusedSignature } from '../../text/verdict-text'
import { VisibleText } from '../visible-text'

const OWN = ''
const CUSTOM = '__custom__'

/**
 * Opens the run panel for `target` and takes the focus to its first option: the panel stands below the
 * collection's tree and entry, out of view in a short window, and a Run… pressed there must show something.
 */
export function openRunPanel(setRunTarget: (target: RunTarget) => void, target: RunTarget): void {
  setRunTarget(target)
  requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="run-panel"] [data-testid="run-target"]')?.focus())
}

export function RunPanel({ target }: { target: RunTarget }) {
  const workbench = useWorkbench()
  const actions = workbench.store.getState()
  // Its run still in progress (or its last), after a reload or with the panel closed meanwhile.
  useEffect(() => {
    void workbench.findRun(target)
  }, [workbench, target])
  const runId = useWorkbenchState((s) => s.runId)
  const run = useApp((s) => (runId ? (s.runs[runId] ?? null) : null))
  const targets = useApp(useShallow((s) => [...new Set(s.endpointIds.flatMap((id) => s.endpointsById[id]?.forward.targets.map((t) => t.url) ?? []))]))
  const collection = useWorkbenchState((s) => (s.collection?.id === target.collectionId ? s.collection : null))
  const endpointIds = useApp((s) => s.endpointIds)
  const endpointsById = useApp((s) => s.endpointsById)
  const statusById = useApp((s) => s.statusById)
  const own = useMemo(() => {
    if (!collection) return null
    const endpoints = endpointIds.flatMap((id) => endpointsById[id] ?? [])
    return ownEndpointRun(itemsOfRun(collection, target.folderId), endpoints, statusById)
  }, [collection, target.folderId, endpointIds, endpointsById, statusById])
  const endpoints = useMemo(() => endpointIds.flatMap((id) => endpointsById[id] ?? []), [endpointIds, endpointsById])
  const unsigned = useMemo(() => (collection ? unsignedGroups(itemsOfRun(collection, target.folderId), new Set(endpointIds)) : []), [collection, target.folderId, endpointIds])
  const reach = useMemo(() => (collection ? resignReach(itemsOfRun(collection, target.folderId), endpoints) : ({ kind: 'none' } as const)), [collection, target.folderId, endpoints])
  const reasonId = useId()
  // As last set up for this collection or folder, kept in this browser's storage.
  const [options, setOptions] = useState<RunOptions>(() => storedRunOptions(target))
  const update = (patch: Partial<RunOptions>) =>
    setOptions((current) => {
      const next = { ...current, ...patch }
      storeRunOptions(target, next)
      return next
    })
  const { custom, delay, timeout, stopOnFailure, resign, resignChoice } = options
  const timeoutProblem = sendTimeoutError(timeout)
  // Untouched, each group is re-signed with the one endpoint that can, when there is exactly one.
  const resignWith = resignWithOf(
    unsigned,
    Object.fromEntries(unsigned.map((group) => [group.key, resignerOf(group, endpoints, resignChoice[group.key])])),
  )
  // Untouched (or a target since gone), the choice follows what the run's requests point at.
  const chosen = options.choice !== null && (options.choice === OWN || options.choice === CUSTOM || targets.includes(options.choice)) ? options.choice : null
  const choice = chosen ?? own?.forwardTarget ?? OWN
  // A base URL typed without its scheme goes over http://, as the Composer sends it.
  const baseUrl = choice === OWN ? null : choice === CUSTOM ? (withDefaultScheme(custom.trim()) ?? custom.trim()) : choice
  const problem = baseUrl !== null ? urlError(baseUrl) : null
  const delayMs = Math.max(0, Math.min(60_000, Math.round(Number(delay) || 0)))
  const running = run?.state === 'running'
  const percent = run && run.total > 0 ? Math.round((run.done / run.total) * 100) : 0
  const failed = run ? run.results.filter((result) => !result.ok).length : 0

  return (
    <section className="run-panel" data-testid="run-panel" aria-label="Run">
      <div className="section-bar">
        <h3>
          Run <VisibleText value={target.label} />
        </h3>
        <span className="spacer" />
        <button
          type="button"
          className="icon-button"
          aria-label="Close the run"
          data-testid="run-close"
          onClick={() => {
            actions.setRunTarget(null)
            actions.setRunId(null)
          }}
        >
          ×
        </button>
      </div>
      <form
        className="run-form"
        onSubmit={(event) => {
          event.preventDefault()
          if (problem || timeoutProblem || running) return
          // Re-signing no endpoint can do is not asked for: what it would re-sign is sent as saved, as the panel says.
          void workbench.run({ collectionId: target.collectionId, folderId: target.folderId, baseUrl, delayMs, stopOnFailure, resign: resign && reach.kind === 'usable', resignWith, timeoutMs: sendTimeoutMs(timeout) })
        }}
      >
        <label className="inline-field">
          <span>Send to</span>
          <select data-testid="run-target" value={choice} onChange={(event) => update({ choice: event.target.value })}>
            <option value={OWN}>Each item’s own URL</option>
            {targets.map((url) => (
              <option key={url} value={url}>
                {url}
              </option>
            ))}
            <option value={CUSTOM}>Another base URL…</option>
          </select>
        </label>
        {own && <OwnEndpointNote own={own} sendsOwn={choice === OWN} />}
        {choice === CUSTOM && <input aria-label="Base URL" data-testid="run-custom-url" placeholder="http://localhost:3000" value={custom} onChange={(event) => update({ custom: event.target.value })} />}
        <label className="inline-field">
          <span>Delay (ms)</span>
          <input type="number" min={0} max={60000} step={1} data-testid="run-delay" value={delay} onChange={(event) => update({ delay: event.target.value })} />
        </label>
        <label className="inline-field" title="How long each request waits for its answer before it counts as failed (1 s to 10 min)">
          <span>Timeout (s)</span>
          <input
            className={timeoutProblem ? 'timeout-input invalid' : 'timeout-input'}
            aria-invalid={timeoutProblem ? true : undefined}
            aria-describedby={timeoutProblem ? 'run-timeout-error' : undefined}
            data-testid="run-timeout"
            inputMode="decimal"
            size={5}
            value={timeout}
            spellCheck={false}
            onChange={(event) => update({ timeout: event.target.value })}
          />
        </label>
        <label className="checkbox">
          <input type="checkbox" data-testid="run-stop" checked={stopOnFailure} onChange={(event) => update({ stopOnFailure: event.target.checked })} /> Stop on failure
        </label>
        {reach.kind === 'usable' && (
          <label className="checkbox">
            <input type="checkbox" data-testid="run-resign" checked={resign} onChange={(event) => update({ resign: event.target.checked })} /> Re-sign where configured
          </label>
        )}
        {reach.kind === 'no-secret' && (
          <span className="run-resign-off">
            <label className="checkbox">
              <input type="checkbox" data-testid="run-resign" checked={false} disabled aria-describedby={reasonId} /> Re-sign where configured
            </label>
            <span className="muted" id={reasonId} data-testid="run-resign-reason">
              <VisibleText value={reach.reason} />
            </span>
          </span>
        )}
        {unsigned.map((group) => (
          <UnsignedNote
            key={group.key}
            group={group}
            endpoints={endpoints}
            chosen={resignerOf(group, endpoints, resignChoice[group.key])}
            onChoose={(endpointId) => update({ resignChoice: { ...resignChoice, [group.key]: endpointId } })}
          />
        ))}
        <button type="submit" className="primary" data-testid="run-start" disabled={running || problem !== null || timeoutProblem !== null}>
          {running ? 'Running…' : 'Start'}
        </button>
        {running && runId && (
          <button type="button" data-testid="run-cancel" onClick={() => void workbench.cancelRun(runId)}>
            Stop
          </button>
        )}
        {!running && run && failed > 0 && (
          <button
            type="button"
            data-testid="run-failed-again"
            title="A new run of the requests that failed (refused, timed out, an error, or an answer outside 200–399), in the same order, with the options this run had"
            onClick={() =>
              void workbench.rerunFailed(run.runId).then(() =>
                // The button goes while the new run runs: the keyboard stays in the panel, on Stop while there is one.
                requestAnimationFrame(() => {
                  const panel = document.querySelector('[data-testid="run-panel"]')
                  const next = ['run-cancel', 'run-failed-again', 'run-start'].map((id) => panel?.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)).find((button) => button && !button.disabled)
                  next?.focus()
                }),
              )
            }
          >
            Run failed again ({failed})
          </button>
        )}
      </form>
      {baseUrl !== null && problem && <p className="field-error">{problem}</p>}
      {timeoutProblem && (
        <p className="field-error" id="run-timeout-error" data-testid="run-timeout-error">
          {timeoutProblem}
        </p>
      )}
      {run && (
        <>
          <div className="run-progress" role="progressbar" aria-label="Run progress" aria-valuemin={0} aria-valuemax={run.total} aria-valuenow={run.done} data-testid="run-progress" data-state={run.state}>
            <div className={`run-progress-bar ${run.state}`} style={{ width: `${percent}%` }} />
          </div>
          <p className="muted" data-testid="run-progress-text">
            {run.done} of {run.total} sent · {run.state}
            {failed > 0 ? ` · ${failed} failed` : ''}
          </p>
          <table className="kv-table compact run-results" data-testid="run-results">
            <thead>
              <tr>
                <th>#</th>
                <th>Request</th>
                <th>Status</th>
                <th>Time</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {run.results.map((result, index) => (
                // The row keeps its table semantics; the request's name is the control that opens what was
                // sent (a button: Tab reaches it, Enter and Space press it), and a click anywhere on the row
                // does the same for the mouse.
                <tr
                  key={`${result.itemId}-${index}`}
                  className={result.replayId ? `${result.ok ? 'run-ok' : 'run-failed'} run-opens` : result.ok ? 'run-ok' : 'run-failed'}
                  data-testid="run-result"
                  data-ok={result.ok ? 'true' : 'false'}
                  onClick={(event) => {
                    if (result.replayId && !(event.target instanceof Element && event.target.closest('button'))) void workbench.openReplay(result.replayId)
                  }}
                >
                  <td className="kv-index muted">{index + 1}</td>
                  <td>
                    {result.replayId ? (
                      <button
                        type="button"
                        className="link-button run-result-open"
                        data-testid="run-result-open"
                        title="Open what was sent and what came back"
                        onClick={() => void workbench.openReplay(result.replayId!)}
                      >
                        <VisibleText value={result.name} />
                      </button>
                    ) : (
                      <VisibleText value={result.name} />
                    )}
                  </td>
                  <td className={`status ${statusClassOf(result.status)}`} data-testid="run-result-status">
                    {result.status ?? '—'}
                  </td>
                  <td>{formatDuration(result.durationMs)}</td>
                  <td className="field-error-text" data-testid="run-result-error">
                    {result.error ? <VisibleText value={result.error} /> : !result.ok ? signatureReason(result.signature) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}

/** That the run's requests point at Hookscope's own endpoint(s): sent to their own URL they are captured there again. */
function OwnEndpointNote({ own, sendsOwn }: { own: OwnEndpointRun; sendsOwn: boolean }) {
  const statusById = useApp((s) => s.statusById)
  const named = own.endpoints.map((endpoint, index) => (
    <span key={endpoint.id}>
      {index > 0 && (index === own.endpoints.length - 1 ? ' and ' : ', ')}“<VisibleText value={endpoint.name} />”{statusById[endpoint.id]?.url ? ` (${statusById[endpoint.id]!.url})` : ''}
    </span>
  ))
  const forwarded = own.endpoints.some((endpoint) => endpoint.forward.mode !== 'off' && endpoint.forward.targets.length > 0) ? ', and forwarded' : ''
  const all = own.count === own.total
  const one = own.count === 1 && !all
  const who = all ? 'These requests point' : `${own.count} of these ${own.total} requests ${one ? 'points' : 'point'}`
  const where = own.endpoints.length === 1 ? 'Hookscope’s endpoint' : 'Hookscope’s endpoints'
  const instead = !sendsOwn && own.forwardTarget !== null
  return (
    <p className="viewer-note warning" data-testid="run-own-endpoint">
      {who} at {where} {named}:{' '}
      {instead ? `they go to its forward target instead. Sent to their own URL, they would be captured there again${forwarded}.` : `${one ? 'it' : 'they'} will be captured there again${forwarded}.`}
    </p>
  )
}

/**
 * What "Re-sign where configured" can do in a run of these items: re-sign (an item is set to be re-signed
 * by an endpoint that has its secret, or was re-signed by one since removed and an endpoint of its
 * scheme can take over); nothing until the endpoints set to re-sign some of them get a secret (why, and
 * what to do); or nothing at all (none is set to be re-signed), when the option is not shown.
 */
type ResignReach = { kind: 'usable' } | { kind: 'no-secret'; reason: string } | { kind: 'none' }

function resignReach(items: readonly Pick<ItemInfo, 'signature' | 'request'>[], endpoints: readonly Endpoint[]): ResignReach {
  const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]))
  const withoutSecret = new Map<string, Endpoint>()
  let waiting = 0
  for (const item of items) {
    // As the engine runs it: only an item set to be re-signed that carries its scheme's signature is;
    // one saved without re-signing is re-signed (or not) by the endpoint chosen for it, whatever this says.
    if (!item.signature || !carriesSignature(item.signature.scheme, item.request.headers)) continue
    const endpoint = byId.get(item.signature.endpointId)
    if (!endpoint) {
      const carried = carriedSignature(item.request.headers)
      if (carried && resignCandidates(carried.schemes, endpoints).usable.length > 0) return { kind: 'usable' }
      continue
    }
    if (endpoint.signature.hasSecret) return { kind: 'usable' }
    withoutSecret.set(endpoint.id, endpoint)
    waiting++
  }
  if (waiting === 0) return { kind: 'none' }
  const names = [...withoutSecret.values()].map((endpoint) => `“${endpoint.name}”`)
  const named = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`
  const one = names.length === 1
  const requests = waiting === 1 ? 'The request set to be re-signed is' : `The ${waiting} requests set to be re-signed are`
  return {
    kind: 'no-secret',
    reason: `${requests} sent as saved: ${named} ${one ? 'has' : 'have'} no signing secret yet. Store ${one ? 'it in its' : 'them in their'} signature settings to re-sign ${waiting === 1 ? 'it' : 'them'}.`,
  }
}

/** The endpoint that re-signs a group: the one chosen while it can, else the only one that can, else none. */
function resignerOf(group: UnsignedGroup, endpoints: readonly Endpoint[], chosen: string | undefined): string {
  const { usable } = resignCandidates(group.schemes, endpoints)
  if (chosen !== undefined && (chosen === '' || usable.some((endpoint) => endpoint.id === chosen))) return chosen
  return usable.length === 1 ? usable[0]!.id : ''
}

/** Items that carry a signature nothing re-signs (saved without re-signing, or their endpoint removed): sent as saved, the app refuses them once stale. */
function UnsignedNote({ group, endpoints, chosen, onChoose }: { group: UnsignedGroup; endpoints: readonly Endpoint[]; chosen: string; onChoose: (endpointId: string) => void }) {
  const { usable, noSecret } = resignCandidates(group.schemes, endpoints)
  const many = group.count > 1
  const words = schemesInWords(group.schemes)
  return (
    <div className="viewer-note warning run-unsigned" data-testid="run-unsigned" data-schemes={group.key}>
      <p>
        {many ? `${group.count} of these requests carry` : 'One of these requests carries'} a {words} signature ({group.header}) that nothing re-signs: sent as saved,{' '}
        {staleWords(group.schemes, many)}.
      </p>
      {usable.length > 0 ? (
        <label className="inline-field">
          <span>Re-sign {many ? 'them' : 'it'} with</span>
          <select aria-label={`Re-sign the ${words} requests with`} data-testid="run-resign-with" value={chosen} onChange={(event) => onChoose(event.target.value)}>
            <option value="">Nothing: send {many ? 'them' : 'it'} as saved</option>
            {usable.map((endpoint) => (
              <option key={endpoint.id} value={endpoint.id}>
                {endpoint.name}’s secret
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p data-testid="run-resign-none">
          {resignSetupAdvice(group.schemes, noSecret, many)}
        </p>
      )}
    </div>
  )
}

/** Why the app refused an item, when its signature explains it (a stale timestamp, say). */
function signatureReason(verdict: Verdict | null | undefined): string {
  const refused = refusedSignature(verdict)
  if (!refused) return ''
  return `${refused.headline}: the app would refuse it`
}
