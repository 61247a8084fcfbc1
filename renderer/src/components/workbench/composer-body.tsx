// The composer's body: a CodeMirror editor (JSON checked live, with Format), a name/value table for
// application/x-www-form-urlencoded bodies, or a file for a binary body. The byte count shown is what
// Content-Length will say.
import { lazy, Suspense, useMemo, useState } from 'react'
import { jsonDepth, JSON_MAX_DEPTH, reindentJson } from '../../body/body-format'
import { readFileBytes, useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { bodyBytes, contentTypeOf, editFormField, formFieldsText, isFormType, isJsonType, newFormField, parseFormFields, type FormField } from '../../workbench/composer-draft'
import { formatBytes } from '../../text/format'

const BodyEditor = lazy(() => import('./body-editor').then((module) => ({ default: module.BodyEditor })))

const JSON_CHECK_MAX_CHARS = 4 * 1024 * 1024

export function jsonProblem(text: string): string | null {
  if (text.trim() === '') return null
  if (text.length > JSON_CHECK_MAX_CHARS) return null
  try {
    JSON.parse(text)
    return null
  } catch (error) {
    return (error as Error).message
  }
}

export function ComposerBody() {
  const workbench = useWorkbench()
  const actions = workbench.store.getState()
  const body = useWorkbenchState((s) => s.composer.request.body)
  const revision = useWorkbenchState((s) => s.composer.revision)
  const contentType = useWorkbenchState((s) => contentTypeOf(s.composer.request.headers))
  const formView = useWorkbenchState((s) => s.composer.formView)
  const size = useMemo(() => bodyBytes(body).length, [body])
  const [fileError, setFileError] = useState<string | null>(null)

  const json = body.mode === 'text' && (isJsonType(contentType) || /^\s*[[{]/.test(body.text))
  const problem = json && body.mode === 'text' ? jsonProblem(body.text) : null
  const form = body.mode === 'text' && isFormType(contentType)

  const chooseFile = async (file: File | undefined) => {
    if (!file) return
    try {
      setFileError(null)
      const bytes = await readFileBytes(file)
      actions.setBody({ mode: 'binary', bytes, fileName: file.name }, true)
    } catch (error) {
      setFileError(`Could not read ${file.name}: ${(error as Error).message}`)
    }
  }

  const format = () => {
    if (body.mode !== 'text' || problem !== null || jsonDepth(body.text, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) return
    // A change in the editor, which Ctrl+Z undoes, giving back the bytes as they were.
    actions.setBody({ mode: 'text', text: reindentJson(body.text) })
  }

  return (
    <section className="composer-section" data-testid="composer-body">
      <div className="section-bar">
        <h3>Body</h3>
        <span className="muted" data-testid="composer-body-size">
          {formatBytes(size)}
          {body.mode === 'binary' && body.fileName ? ` from ${body.fileName}` : ''}
        </span>
        <span className="spacer" />
        {form && (
          <div className="segmented" role="group" aria-label="Form body as">
            <button type="button" className={formView === 'table' ? 'small on' : 'small'} aria-pressed={formView === 'table'} data-testid="form-view-table" onClick={() => actions.setComposer({ formView: 'table' })}>
              Table
            </button>
            <button
              type="button"
              className={formView === 'text' ? 'small on' : 'small'}
              aria-pressed={formView === 'text'}
              data-testid="form-view-text"
              onClick={() => {
                actions.setComposer({ formView: 'text' })
                actions.setBody(body, true)
              }}
            >
              Text
            </button>
          </div>
        )}
        {json && (
          <button type="button" className="small" data-testid="composer-format" disabled={problem !== null} onClick={format} title="Re-indent the JSON (values stay exactly as written)">
            Format
          </button>
        )}
        {body.mode === 'binary' && (
          <button type="button" className="small" data-testid="composer-body-as-text" onClick={() => actions.setBody({ mode: 'text', text: new TextDecoder().decode(body.bytes) }, true)}>
            Edit as text
          </button>
        )}
        <label className="file-button small" title="Send a file's bytes as the body">
          Choose file…
          <input type="file" data-testid="composer-body-file" onChange={(event) => void chooseFile(event.target.files?.[0])} />
        </label>
      </div>
      {fileError && <p className="field-error">{fileError}</p>}
      {body.mode === 'binary' ? (
        <p className="viewer-note" data-testid="composer-body-binary">
          A binary body of {formatBytes(body.bytes.length)}{body.fileName ? ` (${body.fileName})` : ''}: it is sent byte for byte. Choose another file to replace it.
        </p>
      ) : form && formView === 'table' ? (
        <FormTable text={body.text} onChange={(text) => actions.setBody({ mode: 'text', text })} />
      ) : (
        <Suspense fallback={<p className="viewer-status">Loading editor…</p>}>
          <BodyEditor key={revision} text={body.text} revision={revision} language={json ? 'json' : null} onChange={(text) => actions.setBody({ mode: 'text', text })} />
        </Suspense>
      )}
      {json && (
        <p className={problem ? 'field-error' : 'muted hint'} data-testid="composer-json-status">
          {problem ? `Not valid JSON: ${problem}` : body.mode === 'text' && body.text.trim() !== '' ? 'Valid JSON' : ''}
        </p>
      )}
    </section>
  )
}

function FormTable({ text, onChange }: { text: string; onChange: (text: string) => void }) {
  const form = useMemo(() => parseFormFields(text), [text])
  const rows = form.fields
  // Only the field edited is encoded again; the others keep their bytes as written.
  const write = (next: FormField[]) => onChange(formFieldsText({ fields: next, trailer: form.trailer }))
  return (
    <div data-testid="composer-form-table">
      <table className="kv-table compact edit-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Value</th>
            <th className="row-actions-head" />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index} data-testid="form-edit-row">
              <td>
                <input aria-label={`Field ${index + 1} name`} data-testid="form-name-input" value={row.name} onChange={(event) => write(rows.map((r, i) => (i === index ? editFormField(r, { name: event.target.value }) : r)))} />
              </td>
              <td>
                <input aria-label={`Field ${index + 1} value`} data-testid="form-value-input" value={row.value} onChange={(event) => write(rows.map((r, i) => (i === index ? editFormField(r, { value: event.target.value }) : r)))} />
              </td>
              <td className="row-actions">
                <button type="button" className="icon-button" aria-label="Remove field" data-testid="form-remove" onClick={() => write(rows.filter((_, i) => i !== index))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="small" data-testid="form-add" onClick={() => write([...rows, newFormField('field', '')])}>
        Add field
      </button>
    </div>
  )
}
