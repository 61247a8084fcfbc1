// The composer: edit a request (method, URL, headers, body), choose where it goes (the endpoint's
// forward targets first, or any URL), re-sign it, send it, and read what came back beside the list
// of its replays. Ctrl+Enter (⌘+Enter) sends, and Ctrl+S (⌘+S) updates the item it was opened from or
// saves it to a collection, wherever the focus is while the composer is shown (after `e` opened it
// from the list, the focus is on no control at all), unless a dialog is open over it.
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { toRawHttp } from '../../../../shared/formats/raw-http'
import { isSaveKey, isSendKey } from '../../keyboard/shortcuts'
import { useApp, useStores } from '../../state/context'
import { copyText } from '../../text/clipboard'
import { formatBytes } from '../../text/format'
import { resignLabel, SCHEME_SIGNS } from '../../text/verdict-text'
import { isHttpsUrl, messageOf, targetAcceptsSelfSigned, useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { RemovedEndpointNote } from './removed-endpoint-note'
import { carriedSignature, resignCandidates, resignSetupAdvice, schemesInWords, staleWords } from '../../workbench/resign-offer'
import type { Endpoint } from '../../../../shared/model'
import { carriesSignature, SIGNATURE_HEADERS, type SchemeId } from '../../../../shared/signatures'
import { byteStringForInput, editUrl, problemsOf, retarget, wireSpec, withDefaultScheme } from '../../workbench/composer-draft'
import { sendTimeoutError, storeSendTimeout } from '../../workbench/composer-storage'
import { VisibleText } from '../visible-text'
import { ComposerBody } from './composer-body'
import { HeaderEditor } from './header-editor'
import { ReplaysList } from './replays-list'
import { ResponsePanel } from './response-panel'
import '../../styles/workbench.css'

const COMMON_METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE', 'HEAD', 'OPTIONS']

function SourceLabel() {
  const source = useWorkbenchState((s) => s.composer.source)
  const workbench = useWorkbench()
  const unsaved = useWorkbenchState((s) => s.composer.request !== s.composer.baseline && workbench.unsavedItem() !== null)
  const changed = unsaved ? (
    <span className="composer-unsaved" data-testid="composer-unsaved">
      {' '}
      · changed, not saved to it
    </span>
  ) : null
  switch (source.kind) {
    case 'blank':
      return <span className="muted">New request</span>
    case 'capture':
      return <span className="muted">From a captured request</span>
    case 'item':
      return (
        <span className="muted">
          From the collection item “<VisibleText value={source.name} />”{changed}
        </span>
      )
    case 'replay':
      return <span className="muted">From a replay</span>
    case 'pasted':
      return <span className="muted">From a pasted {source.format === 'curl' ? 'cURL command' : 'HTTP message'}</span>
    case 'restored':
      return (
        <span className="muted" data-testid="composer-restored">
          The draft you were editing
          {source.item && (
            <>
              {' '}
              from the collection item “<VisibleText value={source.item.name} />”{changed}
            </>
          )}
          {source.bodyOmitted !== null && ` (its body, ${formatBytes(source.bodyOmitted)}, was too large to keep)`}
        </span>
      )
  }
}

/** Says, before a send fails with a refused connection, that the URL names the address of a removed
 * endpoint: the one a saved item or a capture came to. */
function EndpointRemoved() {
  const endpoint = useWorkbenchState((s) => (s.composer.source.kind === 'item' || s.composer.source.kind === 'capture' ? (s.composer.source.endpoint ?? null) : null))
  const atItsAddress = useWorkbenchState((s) => endpoint !== null && urlIsAt(s.composer.request.url, endpoint.origin))
  return (
    <RemovedEndpointNote endpoint={atItsAddress ? endpoint : null} testId="composer-endpoint-removed" error>
      , so a send there fails. Change the URL to send the request elsewhere.
    </RemovedEndpointNote>
  )
}

function urlIsAt(url: string, origin: string): boolean {
  const lower = url.toLowerCase()
  const base = origin.toLowerCase()
  return lower === base || (lower.startsWith(base) && '/?#'.includes(lower[base.length]!))
}

function TargetPicker() {
  const workbench = useWorkbench()
  const endpointId = useWorkbenchState((s) => s.composer.endpointId)
  const url = useWorkbenchState((s) => s.composer.request.url)
  const targets = useApp(useShallow((s) => (endpointId ? (s.endpointsById[endpointId]?.forward.targets.map((t) => t.url) ?? []) : [])))
  const endpoint = useApp((s) => (endpointId ? s.endpointsById[endpointId] : undefined))
  const endpointUrl = useApp((s) => (endpointId ? (s.statusById[endpointId]?.url ?? null) : null))
  if (targets.length === 0) return null
  const bases = endpointUrl ? [...targets, endpointUrl] : targets
  const current = targets.find((t) => url === t || url.startsWith(`${t.replace(/\/+$/, '')}/`) || url.startsWith(`${t.replace(/\/+$/, '')}?`)) ?? ''
  return (
    <label className="inline-field">
      <span className="muted">Send to</span>
      <select
        aria-label="Forward target"
        data-testid="composer-target"
        value={current}
        onChange={(event) => {
          if (!event.target.value) return
          workbench.store.getState().setRequest({ url: retarget(url, event.target.value, bases) })
          // Sent as forwarding sends to that target: accepting its own certificate if it does.
          workbench.store.getState().setComposer({ acceptSelfSigned: targetAcceptsSelfSigned(endpoint, event.target.value) })
        }}
      >
        {targets.map((target) => (
          <option key={target} value={target}>
            {target}
          </option>
        ))}
        <option value="">The URL as written</option>
      </select>
    </label>
  )
}

/** For an https:// URL: whether the send accepts a certificate no trusted authority vouches for. */
function SelfSignedOption() {
  const workbench = useWorkbench()
  const secure = useWorkbenchState((s) => isHttpsUrl(s.composer.request.url))
  const accept = useWorkbenchState((s) => s.composer.acceptSelfSigned)
  if (!secure) return null
  return (
    <label className="checkbox composer-tls" title="Send without checking that a trusted authority vouches for the app’s certificate">
      <input type="checkbox" data-testid="composer-accept-self-signed" checked={accept} onChange={(event) => workbench.store.getState().setComposer({ acceptSelfSigned: event.target.checked })} /> Accept a self-signed certificate (a local app’s own, or mkcert’s)
    </label>
  )
}

/** How long a send waits for the answer: kept for the next sends, and in this browser's storage. */
function TimeoutField() {
  const workbench = useWorkbench()
  const timeout = useWorkbenchState((s) => s.composer.timeoutSeconds)
  const error = sendTimeoutError(timeout)
  return (
    <span className="timeout-field">
      <label className="inline-field" title="How long to wait for the answer before giving up (1 s to 10 min)">
        <span className="muted">Timeout (s)</span>
        <input
          className={error ? 'timeout-input invalid' : 'timeout-input'}
          aria-label="Timeout in seconds"
          aria-invalid={error ? true : undefined}
          data-testid="composer-timeout"
          inputMode="decimal"
          size={5}
          value={timeout}
          spellCheck={false}
          onChange={(event) => {
            workbench.store.getState().setComposer({ timeoutSeconds: event.target.value })
            storeSendTimeout(event.target.value)
          }}
        />
      </label>
      {error && (
        <span className="field-error" data-testid="composer-timeout-error">
          {error}
        </span>
      )}
    </span>
  )
}

/**
 * A request that carries a provider's signature which nothing re-signs (a collection item saved before
 * items kept how they are signed, an imported or pasted one): sent as it is, the app refuses it once
 * stale. Offers the endpoints that check that scheme with a secret, or says how to get one.
 */
function StaleSignatureOffer({ endpoints, scheme }: { endpoints: readonly Endpoint[]; scheme: SchemeId | null }) {
  const workbench = useWorkbench()
  const headers = useWorkbenchState((s) => s.composer.request.headers)
  const carried = useMemo(() => carriedSignature(headers.filter((row) => row.enabled).map((row) => [row.name, row.value] as [string, string])), [headers])
  if (!carried || (scheme !== null && carried.schemes.includes(scheme))) return null
  const { usable, noSecret } = resignCandidates(carried.schemes, endpoints)
  const words = schemesInWords(carried.schemes)
  return (
    <div className="viewer-note warning composer-stale-signature" data-testid="composer-stale-signature">
      <p>
        This request carries a {words} signature ({carried.header}) that nothing re-signs: sent as it is, {staleWords(carried.schemes, false)}.
      </p>
      {usable.length > 0 ? (
        <label className="inline-field">
          <span>Re-sign it with</span>
          <select
            aria-label={`Re-sign the ${words} signature with`}
            data-testid="composer-resign-with"
            value=""
            onChange={(event) => {
              if (event.target.value) workbench.store.getState().setComposer({ endpointId: event.target.value, resign: true })
            }}
          >
            <option value="">Choose an endpoint…</option>
            {usable.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}’s secret
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p data-testid="composer-resign-none">
          {resignSetupAdvice(carried.schemes, noSecret)}
        </p>
      )}
    </div>
  )
}

function SigningOptions() {
  const workbench = useWorkbench()
  const actions = workbench.store.getState()
  const { endpointId, resign, renewId, originId } = useWorkbenchState(useShallow((s) => ({ endpointId: s.composer.endpointId, resign: s.composer.resign, renewId: s.composer.renewId, originId: s.composer.originId })))
  const endpoints = useApp(useShallow((s) => s.endpointIds.map((id) => s.endpointsById[id]).filter((e) => e !== undefined)))
  const endpoint = endpoints.find((e) => e.id === endpointId)
  const scheme = endpoint?.signature.scheme ?? null
  // Re-signing gives a request that carries none of the scheme's signature one (its header switched off, removed or never there).
  const addsSignature = useWorkbenchState((s) => resign && scheme !== null && !carriesSignature(scheme, s.composer.request.headers.filter((row) => row.enabled).map((row) => [row.name, row.value])))
  return (
    <div className="signing-options" data-testid="composer-signing">
      <StaleSignatureOffer endpoints={endpoints} scheme={scheme} />
      {!originId && (
        <label className="inline-field">
          <span className="muted">Endpoint</span>
          <select
            aria-label="Endpoint"
            data-testid="composer-endpoint"
            value={endpointId ?? ''}
            onChange={(event) => {
              const next = endpoints.find((e) => e.id === event.target.value)
              actions.setComposer({ endpointId: next?.id ?? null, resign: Boolean(next?.signature.scheme && next.signature.hasSecret) })
            }}
          >
            <option value="">None</option>
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {scheme ? (
        <>
          <label className="checkbox" title={endpoint?.signature.hasSecret ? undefined : 'This endpoint has no signing secret yet'}>
            <input type="checkbox" data-testid="composer-resign" checked={resign} onChange={(event) => actions.setComposer({ resign: event.target.checked })} /> {resignLabel(scheme)}
          </label>
          {originId && endpoint && (
            <span className="muted" data-testid="composer-resign-endpoint">
              Secret of “<VisibleText value={endpoint.name} />”
            </span>
          )}
          {SCHEME_SIGNS[scheme].messageId && (
            <label className="checkbox">
              <input type="checkbox" data-testid="composer-renew-id" disabled={!resign} checked={renewId} onChange={(event) => actions.setComposer({ renewId: event.target.checked })} /> Renew the message id
            </label>
          )}
          {!endpoint?.signature.hasSecret && <span className="field-error">No signing secret: add one in the endpoint’s signature settings.</span>}
          {addsSignature && (
            <span className="muted" data-testid="composer-resign-adds">
              This request sends no {SIGNATURE_HEADERS[scheme][0]} header: re-signing adds one. Turn re-signing off to send it without.
            </span>
          )}
        </>
      ) : (
        endpoint && <span className="muted">{endpoint.name} checks no signature: the request is sent as edited.</span>
      )}
    </div>
  )
}

/**
 * The URL, shown as its bytes read as UTF-8. What is typed into it is percent-encoded where a URL
 * cannot carry it as is (see `editUrl`), so the field reads as the request line will; the caret stays
 * after what was typed.
 */
function UrlInput({ url, invalid }: { url: string; invalid: boolean }) {
  const workbench = useWorkbench()
  const input = useRef<HTMLInputElement>(null)
  const caret = useRef<number | null>(null)
  useLayoutEffect(() => {
    const at = caret.current
    caret.current = null
    if (at !== null && input.current && document.activeElement === input.current) input.current.setSelectionRange(at, at)
  }, [url])
  return (
    <input
      ref={input}
      className={invalid ? 'url-input invalid' : 'url-input'}
      aria-label="URL"
      aria-invalid={invalid ? true : undefined}
      aria-describedby={invalid ? 'composer-url-error' : undefined}
      data-testid="composer-url"
      value={byteStringForInput(url)}
      spellCheck={false}
      onChange={(event) => {
        const edit = editUrl(workbench.store.getState().composer.request.url, event.target.value)
        if (edit.url !== url) caret.current = edit.caret
        workbench.store.getState().setRequest({ url: edit.url })
      }}
      onBlur={() => {
        // Typed without its scheme, it is sent over http://, as in Postman: the field says so once left.
        const schemed = withDefaultScheme(workbench.store.getState().composer.request.url)
        if (schemed !== null) workbench.store.getState().setRequest({ url: schemed })
      }}
    />
  )
}

export function ComposerView() {
  const stores = useStores()
  const workbench = useWorkbench()
  const actions = workbench.store.getState()
  const { method, url, loading, sending, error, source } = useWorkbenchState(
    useShallow((s) => ({ method: s.composer.request.method, url: s.composer.request.url, loading: s.composer.loading, sending: s.composer.sending, error: s.composer.error, source: s.composer.source })),
  )
  const problems = useWorkbenchState(useShallow((s) => {
    const p = problemsOf(s.composer.request)
    return { method: p.method, url: p.url, count: p.count, headers: Object.keys(p.headers).length }
  }))
  const timeoutInvalid = useWorkbenchState((s) => sendTimeoutError(s.composer.timeoutSeconds) !== null)

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (document.querySelector('[role="dialog"]')) return
      if (isSendKey(event)) {
        event.preventDefault()
        void workbench.send()
      } else if (isSaveKey(event)) {
        // As Postman's Ctrl+S: the item it came from is updated; anything else is saved to a collection.
        event.preventDefault()
        const { source, loading } = workbench.store.getState().composer
        if (loading) return
        if (source.kind === 'item' || (source.kind === 'restored' && source.item && source.bodyOmitted === null)) void workbench.updateItemRequest()
        else workbench.store.getState().setSavePicker(workbench.composerSaveSource())
      }
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [workbench])

  const copyRaw = async () => {
    try {
      const bytes = toRawHttp(wireSpec(workbench.store.getState().composer.request))
      const copied = await copyText(new TextDecoder().decode(bytes))
      stores.app.getState().showToast(copied ? 'Copied as raw HTTP' : 'The clipboard refused the text', copied ? 'info' : 'error')
    } catch (err) {
      stores.app.getState().showToast(`Could not copy: ${messageOf(err)}`, 'error')
    }
  }

  return (
    <main
      className="main-view workbench-view composer-view"
      data-testid="composer-view"
      aria-label="Composer"
      tabIndex={-1}
      data-view-region
    >
      <div className="workbench-toolbar composer-toolbar">
        <h2>Composer</h2>
        <SourceLabel />
        <span className="spacer" />
        {/* One group, which moves below the title as a whole when the window is too narrow for both. */}
        <span className="toolbar-actions">
          <button type="button" data-testid="composer-new" onClick={() => workbench.openBlank()}>
            New
          </button>
          <button type="button" data-testid="composer-paste" title="Start from a cURL command or a raw HTTP message" onClick={() => actions.setPasteOpen(true)}>
            Paste<span className="wide-label"> cURL / HTTP</span>…
          </button>
          <button type="button" data-testid="composer-copy-raw" onClick={() => void copyRaw()}>
            Copy as raw HTTP
          </button>
          <button type="button" data-testid="composer-compare" onClick={() => workbench.compare({ kind: 'draft', draft: workbench.composerDraft(), label: 'The composer’s request' }, 'The composer’s request')}>
            Compare
          </button>
          {(source.kind === 'item' || (source.kind === 'restored' && source.item && source.bodyOmitted === null)) && (
            <button type="button" data-testid="composer-update-item" title="Save the request to the item it came from (Ctrl+S)" onClick={() => void workbench.updateItemRequest()}>
              Update item
            </button>
          )}
          <button
            type="button"
            data-testid="composer-save"
            title={source.kind === 'item' || (source.kind === 'restored' && source.item && source.bodyOmitted === null) ? 'Save as a new item in a collection' : 'Save to a collection (Ctrl+S)'}
            onClick={() => actions.setSavePicker(workbench.composerSaveSource())}
          >
            Save to collection…
          </button>
        </span>
      </div>
      {loading ? (
        <p className="viewer-status">Loading the request…</p>
      ) : (
        <div className="composer-columns">
          <div className="composer-request" data-testid="composer-request">
            <div className="request-line">
              <input
                className={problems.method ? 'method-input invalid' : 'method-input'}
                aria-label="Method"
                aria-invalid={problems.method ? true : undefined}
                aria-describedby={problems.method ? 'composer-method-error' : undefined}
                data-testid="composer-method"
                list="composer-methods"
                value={method}
                spellCheck={false}
                onChange={(event) => actions.setRequest({ method: event.target.value.trim() })}
              />
              <datalist id="composer-methods">
                {COMMON_METHODS.map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
              <UrlInput url={url} invalid={problems.url !== null} />
              {sending ? (
                <>
                  <span className="muted sending-status" role="status" data-testid="composer-sending">
                    Sending…
                  </span>
                  <button type="button" data-testid="composer-cancel" title="Stop waiting for the answer (the replay is kept, as cancelled)" onClick={() => void workbench.cancelSend()}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" className="primary" data-testid="composer-send" disabled={problems.count > 0 || timeoutInvalid} title="Send (Ctrl+Enter)" onClick={() => void workbench.send()}>
                  Send
                </button>
              )}
            </div>
            {problems.method && (
              <p className="field-error" id="composer-method-error" data-testid="composer-method-error">
                {problems.method}
              </p>
            )}
            {problems.url && (
              <p className="field-error" id="composer-url-error" data-testid="composer-url-error">
                {problems.url}
              </p>
            )}
            <SelfSignedOption />
            <EndpointRemoved />
            <div className="request-options">
              <TargetPicker />
              <TimeoutField />
              <SigningOptions />
            </div>
            <p className="muted hint">Redirects are never followed: a 3xx answer is shown as it came.</p>
            {error && (
              <p className="viewer-note error" data-testid="composer-error">
                {error}
              </p>
            )}
            <section className="composer-section">
              <div className="section-bar">
                <h3>Headers</h3>
                {problems.headers > 0 && (
                  <span className="field-error" data-testid="composer-headers-to-fix">
                    {problems.headers} to fix
                  </span>
                )}
              </div>
              <HeaderEditor />
            </section>
            <ComposerBody />
          </div>
          <div className="composer-result">
            <ResponsePanel />
            <ReplaysList />
          </div>
        </div>
      )}
    </main>
  )
}
