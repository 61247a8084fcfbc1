// The composer's header table: every line in order, each editable, switchable on and off, movable
// (buttons, or Alt+↑ / Alt+↓ in a row), with live validation. Content-Length is shown as computed
// from the body and cannot be typed; Transfer-Encoding and other hop-by-hop headers are marked as
// removed when sent (the engine frames the body itself). With re-signing on, the headers the scheme
// writes anew are marked so, since what is typed in them is replaced when sent, and a signature header
// switched off is marked as sent anyway, since re-signing adds the scheme's signature to a request
// that carries none.
import { useShallow } from 'zustand/react/shallow'
import { carriesSignature } from '../../../../shared/signatures'
import { useApp } from '../../state/context'
import { resignedHeaderNames, SCHEME_LABELS } from '../../text/verdict-text'
import { byteStringForInput, computedContentLength, headerNameError, headerValueError, isFramingHeader, isHopByHop, newRowKey, typedToByteString } from '../../workbench/composer-draft'
import { useWorkbench, useWorkbenchState } from '../../workbench/commands'

export function HeaderEditor() {
  const workbench = useWorkbench()
  const headers = useWorkbenchState((s) => s.composer.request.headers)
  const contentLength = useWorkbenchState(useShallow((s) => computedContentLength(s.composer.request)))
  const hasLengthRow = headers.some((row) => row.enabled && isFramingHeader(row.name))
  const actions = workbench.store.getState()
  const { endpointId, resign, renewId } = useWorkbenchState(useShallow((s) => ({ endpointId: s.composer.endpointId, resign: s.composer.resign, renewId: s.composer.renewId })))
  const scheme = useApp((s) => (endpointId ? (s.endpointsById[endpointId]?.signature?.scheme ?? null) : null))
  const resigned = resign && scheme ? new Set(resignedHeaderNames(scheme, renewId, new Set(headers.filter((row) => row.enabled).map((row) => row.name.toLowerCase())))) : null
  const signatureAdded = resign && scheme !== null && !carriesSignature(scheme, headers.filter((row) => row.enabled).map((row) => [row.name, row.value]))

  const focusRow = (key: number) => requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-row-key="${key}"] [data-testid="header-name-input"]`)?.focus())

  return (
    <div className="header-editor" data-testid="header-editor">
      <table className="kv-table compact edit-table">
        <thead>
          <tr>
            <th className="kv-index" title="Sent">On</th>
            <th>Name</th>
            <th>Value</th>
            <th className="row-actions-head" />
          </tr>
        </thead>
        <tbody>
          {headers.map((row, index) => {
            const framing = isFramingHeader(row.name)
            const nameError = row.enabled ? headerNameError(row.name) : null
            const valueError = row.enabled && !framing ? headerValueError(row.value) : null
            return (
              <tr
                key={row.key}
                data-testid="header-edit-row"
                data-row-key={row.key}
                className={row.enabled ? undefined : 'disabled-row'}
                onKeyDown={(event) => {
                  if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
                    event.preventDefault()
                    actions.moveHeader(row.key, event.key === 'ArrowUp' ? -1 : 1)
                    const target = event.target as HTMLElement
                    const testId = target.dataset.testid
                    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-row-key="${row.key}"] [data-testid="${testId}"]`)?.focus())
                  }
                }}
              >
                <td className="kv-index">
                  <input
                    type="checkbox"
                    aria-label={`Send header ${index + 1}`}
                    data-testid="header-enabled"
                    checked={row.enabled}
                    onChange={(event) => actions.updateHeader(row.key, { enabled: event.target.checked })}
                  />
                </td>
                <td>
                  <input
                    className={nameError ? 'invalid' : undefined}
                    aria-label={`Header ${index + 1} name`}
                    aria-invalid={nameError !== null}
                    data-testid="header-name-input"
                    value={byteStringForInput(row.name)}
                    spellCheck={false}
                    onChange={(event) => actions.updateHeader(row.key, { name: typedToByteString(event.target.value) })}
                  />
                  {nameError && (
                    <span className="field-error" data-testid="header-name-error">
                      {nameError}
                    </span>
                  )}
                </td>
                <td>
                  {framing ? (
                    <span className="computed" data-testid="content-length-computed" title="Follows the body">
                      {contentLength ?? 0} <span className="muted">(follows the body)</span>
                    </span>
                  ) : (
                    <>
                      <input
                        className={valueError ? 'invalid' : undefined}
                        aria-label={`Header ${index + 1} value`}
                        aria-invalid={valueError !== null}
                        data-testid="header-value-input"
                        value={byteStringForInput(row.value)}
                        spellCheck={false}
                        onChange={(event) => actions.updateHeader(row.key, { value: typedToByteString(event.target.value) })}
                      />
                      {valueError && (
                        <span className="field-error" data-testid="header-value-error">
                          {valueError}
                        </span>
                      )}
                      {row.enabled && isHopByHop(row.name) && <span className="muted hint">Removed when sent: the body is framed anew.</span>}
                      {row.enabled && scheme && resigned?.has(row.name.toLowerCase()) && (
                        <span className="muted hint" data-testid="header-resigned">
                          Replaced when sent: re-signed ({SCHEME_LABELS[scheme]}). Turn re-signing off to send it as typed.
                        </span>
                      )}
                      {!row.enabled && signatureAdded && carriesSignature(scheme, [[row.name, row.value]]) && (
                        <span className="muted hint" data-testid="header-resign-adds">
                          Sent anyway: re-signing ({SCHEME_LABELS[scheme]}) adds it. Turn re-signing off to send the request without it.
                        </span>
                      )}
                    </>
                  )}
                </td>
                <td className="row-actions">
                  <button type="button" className="icon-button" aria-label="Move up" title="Move up (Alt+↑)" data-testid="header-up" disabled={index === 0} onClick={() => actions.moveHeader(row.key, -1)}>
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label="Move down"
                    title="Move down (Alt+↓)"
                    data-testid="header-down"
                    disabled={index === headers.length - 1}
                    onClick={() => actions.moveHeader(row.key, 1)}
                  >
                    ↓
                  </button>
                  <button type="button" className="icon-button" aria-label="Remove header" title="Remove" data-testid="header-remove" onClick={() => actions.removeHeader(row.key)}>
                    ×
                  </button>
                </td>
              </tr>
            )
          })}
          {!hasLengthRow && contentLength !== null && (
            <tr data-testid="content-length-added">
              <td className="kv-index" />
              <td className="muted">Content-Length</td>
              <td>
                <span className="computed" data-testid="content-length-computed">
                  {contentLength} <span className="muted">(added when sent)</span>
                </span>
              </td>
              <td />
            </tr>
          )}
        </tbody>
      </table>
      <button
        type="button"
        className="small"
        data-testid="header-add"
        onClick={() => {
          const key = newRowKey()
          actions.addHeader({ key, name: '', value: '', enabled: true })
          focusRow(key)
        }}
      >
        Add header
      </button>
    </div>
  )
}
