// The bar above a body viewer: how to view it, raw or decoded, its size, and saving it whole. Used for
// request bodies, forwarding answers and replays alike.
import type { ReactNode } from 'react'
import type { ViewChoice } from './body-content'

export const VIEW_CHOICES: Array<{ value: ViewChoice; label: string }> = [
  { value: 'auto', label: 'Automatic' },
  { value: 'json', label: 'JSON' },
  { value: 'form', label: 'Form' },
  { value: 'xml', label: 'XML' },
  { value: 'html', label: 'HTML (as text)' },
  { value: 'text', label: 'Text' },
  { value: 'image', label: 'Image' },
  { value: 'hex', label: 'Hex' },
]

export interface BodyToolbarProps {
  /** Test ids: `${prefix}-view-as`, and the ids given for the raw toggle, size and save button. */
  testIds: { viewAs: string; raw: string; size: string; save: string }
  choice: ViewChoice
  onChoice: (choice: ViewChoice) => void
  decode: boolean
  onDecode: (decode: boolean) => void
  size: ReactNode
  save: { label: string; saving: boolean; onSave: () => void } | null
}

export function BodyToolbar({ testIds, choice, onChoice, decode, onDecode, size, save }: BodyToolbarProps) {
  return (
    <div className="body-toolbar">
      <label>
        View as{' '}
        <select data-testid={testIds.viewAs} value={choice} onChange={(event) => onChoice(event.target.value as ViewChoice)}>
          {VIEW_CHOICES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" data-testid={testIds.raw} checked={!decode} onChange={(event) => onDecode(!event.target.checked)} /> Raw bytes (no decoding)
      </label>
      <span className="spacer" />
      <span className="muted" data-testid={testIds.size}>
        {size}
      </span>
      {save && (
        <button type="button" data-testid={testIds.save} onClick={save.onSave} disabled={save.saving}>
          {save.saving ? 'Saving…' : save.label}
        </button>
      )}
    </div>
  )
}
