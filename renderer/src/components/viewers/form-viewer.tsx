// application/x-www-form-urlencoded bodies as a table of names and values, in order, read in the
// charset they declare (text/form-fields.ts). A value that is a JSON object or array (Slack's and
// GitHub's `payload=`) is shown re-indented and foldable, as a JSON body is.
import { useMemo } from 'react'
import { utf8Encode } from '../../../../shared/formats/bytes'
import { readFormFields } from '../../text/form-fields'
import { NameValueTable, type NameValue } from '../name-value-table'
import { FormattedViewer } from './formatted-viewer'
import { selectAllWithin } from './select-all'

export function FormViewer({ bytes, contentType = null }: { bytes: Uint8Array; contentType?: string | null }) {
  const { pairs, note } = useMemo(() => readFormFields(bytes, contentType), [bytes, contentType])
  const json = useMemo(() => new Map(pairs.filter((pair) => !pair.valueIsBytes && isJsonDocument(pair.value)).map((pair) => [pair, utf8Encode(pair.value)])), [pairs])
  const renderValue = (pair: NameValue) => {
    const value = json.get(pair)
    return value ? <FormattedViewer bytes={value} kind="json" language="json" testId="form-value-json" wrap name={`Value of ${pair.name}`} /> : null
  }
  return (
    <div className="viewer" data-testid="viewer-form">
      {note && (
        <p className="viewer-note" data-testid="viewer-note">
          {note}
        </p>
      )}
      <div className="viewer-text-region" tabIndex={0} role="group" aria-label="Body as form fields" onKeyDown={selectAllWithin} data-testid="form-fields">
        <NameValueTable pairs={pairs} rowTestId="form-row" renderValue={json.size > 0 ? renderValue : undefined} />
      </div>
    </div>
  )
}

/** A JSON object or array (a bare number or word stays text), short enough to parse here. */
function isJsonDocument(value: string): boolean {
  const text = value.trim()
  if (text.length < 2 || text.length > 4 * 1024 * 1024) return false
  const first = text[0]
  const last = text[text.length - 1]
  if (!((first === '{' && last === '}') || (first === '[' && last === ']'))) return false
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
