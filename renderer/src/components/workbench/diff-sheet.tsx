// Two requests side by side as a difference: method and URL, headers order-aware (added, removed,
// changed, moved; duplicates compared with their own counterpart), and the body compared as JSON
// (changed paths, old → new) or line by line. Everything shown is captured text, never markup.
import { useEffect, useState } from 'react'
import { diffRequests, type ComparableRequest, type RequestDiff } from '../../diff/request-diff'
import { withContext } from '../../diff/line-diff'
import type { RequestRef } from '../../state/workbench-store'
import { formatBytes } from '../../text/format'
import { messageOf, useWorkbench } from '../../workbench/commands'
import { Dialog } from '../dialog'
import { VisibleText } from '../visible-text'

type Loaded = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'done'; left: ComparableRequest; right: ComparableRequest; diff: RequestDiff }

const KIND_LABEL = { same: '', changed: 'changed', moved: 'moved', added: 'added', removed: 'removed' } as const

export function DiffSheet({ left, right, onClose }: { left: RequestRef; right: RequestRef; onClose: () => void }) {
  const workbench = useWorkbench()
  const [state, setState] = useState<Loaded>({ status: 'loading' })
  const [showSame, setShowSame] = useState(true)
  useEffect(() => {
    let alive = true
    Promise.all([workbench.loadComparable(left), workbench.loadComparable(right)]).then(
      ([a, b]) => alive && setState({ status: 'done', left: a, right: b, diff: diffRequests(a, b) }),
      (error: unknown) => alive && setState({ status: 'failed', message: messageOf(error) }),
    )
    return () => {
      alive = false
    }
  }, [workbench, left, right])

  return (
    <Dialog title="Compare requests" onClose={onClose} testId="diff-sheet" wide>
      {state.status === 'loading' ? (
        <p className="viewer-status">Loading both requests…</p>
      ) : state.status === 'failed' ? (
        <p className="viewer-note error" data-testid="diff-error">
          {state.message}
        </p>
      ) : (
        <DiffContent left={state.left} right={state.right} diff={state.diff} showSame={showSame} onShowSame={setShowSame} />
      )}
    </Dialog>
  )
}

function DiffContent({ left, right, diff, showSame, onShowSame }: { left: ComparableRequest; right: ComparableRequest; diff: RequestDiff; showSame: boolean; onShowSame: (show: boolean) => void }) {
  const changedHeaders = diff.headers.filter((row) => row.kind !== 'same').length
  return (
    <div className="diff" data-testid="diff-content">
      <p className="diff-sides">
        <span className="diff-old">
          − <VisibleText value={left.label} byteString />
        </span>
        <span className="diff-new">
          + <VisibleText value={right.label} byteString />
        </span>
      </p>
      <table className="kv-table compact diff-table">
        <tbody>
          <tr className={diff.method.changed ? 'diff-changed' : undefined} data-testid="diff-method">
            <td className="kv-name">Method</td>
            <td>
              {diff.method.changed ? (
                <>
                  <del>
                    <VisibleText value={diff.method.before} byteString />
                  </del>{' '}
                  → <ins><VisibleText value={diff.method.after} byteString /></ins>
                </>
              ) : (
                <VisibleText value={diff.method.after} byteString />
              )}
            </td>
          </tr>
          <tr className={diff.url.changed ? 'diff-changed' : undefined} data-testid="diff-url">
            <td className="kv-name">URL</td>
            <td className="kv-value">
              {diff.url.changed ? (
                <>
                  <del>
                    <VisibleText value={diff.url.before} byteString />
                  </del>
                  <br />
                  <ins>
                    <VisibleText value={diff.url.after} byteString />
                  </ins>
                </>
              ) : (
                <VisibleText value={diff.url.after} byteString />
              )}
            </td>
          </tr>
        </tbody>
      </table>

      <div className="section-bar">
        <h3>Headers</h3>
        <span className="muted" data-testid="diff-header-summary">
          {changedHeaders === 0 ? 'identical' : `${changedHeaders} ${changedHeaders === 1 ? 'difference' : 'differences'}`}
        </span>
        <span className="spacer" />
        <label className="checkbox">
          <input type="checkbox" checked={showSame} data-testid="diff-show-same" onChange={(event) => onShowSame(event.target.checked)} /> Show unchanged
        </label>
      </div>
      <table className="kv-table compact diff-table" data-testid="diff-headers">
        <thead>
          <tr>
            <th className="kv-index" />
            <th>Name</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {diff.headers
            .filter((row) => showSame || row.kind !== 'same')
            .map((row, index) => (
              <tr key={index} className={`diff-${row.kind}`} data-testid="diff-header-row" data-kind={row.kind}>
                <td className="kv-index">
                  <span className="diff-mark">{KIND_LABEL[row.kind]}</span>
                  {row.moved && row.kind === 'changed' && <span className="diff-mark"> moved</span>}
                </td>
                <td className="kv-name" data-testid="diff-header-name">
                  {row.oldName && (
                    <del>
                      <VisibleText value={row.oldName} byteString />{' '}
                    </del>
                  )}
                  <VisibleText value={row.name} byteString />
                </td>
                <td className="kv-value" data-testid="diff-header-before">
                  {row.before !== null && (row.kind === 'same' ? <VisibleText value={row.before} byteString /> : <del><VisibleText value={row.before} byteString /></del>)}
                  {row.beforeIndex !== null && row.kind === 'moved' && <span className="muted"> (#{row.beforeIndex + 1})</span>}
                </td>
                <td className="kv-value" data-testid="diff-header-after">
                  {row.after !== null && (row.kind === 'same' ? <VisibleText value={row.after} byteString /> : <ins><VisibleText value={row.after} byteString /></ins>)}
                  {row.afterIndex !== null && row.kind === 'moved' && <span className="muted"> (#{row.afterIndex + 1})</span>}
                </td>
              </tr>
            ))}
        </tbody>
      </table>

      <div className="section-bar">
        <h3>Body</h3>
        <span className="muted">
          {formatBytes(left.body.length)} → {formatBytes(right.body.length)}
        </span>
      </div>
      <BodyDiffView diff={diff} />
    </div>
  )
}

function BodyDiffView({ diff }: { diff: RequestDiff }) {
  const body = diff.body
  switch (body.kind) {
    case 'same':
      return (
        <p className="muted" data-testid="diff-body-same">
          {body.size === 0 ? 'Neither has a body.' : 'The bodies are byte for byte the same.'}
        </p>
      )
    case 'binary':
      return (
        <p className="muted" data-testid="diff-body-binary">
          Binary bodies that differ ({formatBytes(body.beforeSize)} and {formatBytes(body.afterSize)}).
        </p>
      )
    case 'json':
      return body.changes.length === 0 ? (
        <p className="muted" data-testid="diff-body-json-same">
          The same JSON; only its formatting differs.
        </p>
      ) : (
        <table className="kv-table compact diff-table" data-testid="diff-body-json">
          <thead>
            <tr>
              <th className="kv-index" />
              <th>Path</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {body.changes.map((change, index) => (
              <tr key={index} className={`diff-${change.kind}`} data-testid="diff-json-change" data-kind={change.kind}>
                <td className="kv-index">
                  <span className="diff-mark">{change.kind}</span>
                </td>
                <td className="kv-name" data-testid="diff-json-path">
                  <VisibleText value={change.path} />
                </td>
                <td className="kv-value" data-testid="diff-json-before">
                  {change.before !== null && (
                    <del>
                      <VisibleText value={change.before} />
                    </del>
                  )}
                </td>
                <td className="kv-value" data-testid="diff-json-after">
                  {change.after !== null && (
                    <ins>
                      <VisibleText value={change.after} />
                    </ins>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )
    case 'lines':
      return (
        <pre className="line-diff" data-testid="diff-body-lines">
          {withContext(body.ops).map((line, index) =>
            line.kind === 'gap' ? (
              <div key={index} className="diff-gap">
                … {line.hidden} unchanged {line.hidden === 1 ? 'line' : 'lines'} …
              </div>
            ) : (
              <div key={index} className={`diff-line diff-${line.kind}`} data-testid="diff-line" data-kind={line.kind}>
                <span className="diff-gutter">{line.kind === 'added' ? '+' : line.kind === 'removed' ? '−' : ' '}</span>
                <VisibleText value={line.text} />
              </div>
            ),
          )}
        </pre>
      )
  }
}
