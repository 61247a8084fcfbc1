// Start the composer from pasted text: a cURL command (as browsers' "Copy as cURL" write it) or a raw
// HTTP request message. Nothing is run; the text is only read.
import { useState } from 'react'
import { useWorkbench } from '../../workbench/commands'
import { pastedKind } from '../../workbench/composer-draft'
import { Dialog } from '../dialog'

export function PasteDialog({ onClose }: { onClose: () => void }) {
  const workbench = useWorkbench()
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const kind = text.trim() === '' ? null : pastedKind(text)
  return (
    <Dialog title="Paste a cURL command or an HTTP message" onClose={onClose} testId="paste-dialog" wide>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault()
          const problem = workbench.openPasted(text)
          if (problem) setError(problem)
          else onClose()
        }}
      >
        <textarea
          data-testid="paste-text"
          rows={12}
          spellCheck={false}
          placeholder={"curl -X POST https://example.test/hook -H 'Content-Type: application/json' -d '{\"a\":1}'\n\nor\n\nPOST /hook HTTP/1.1\nHost: example.test\nContent-Type: application/json\n\n{\"a\":1}"}
          value={text}
          onChange={(event) => {
            setText(event.target.value)
            setError(null)
          }}
        />
        <p className="muted hint">{kind === null ? 'Paste the text above.' : kind === 'curl' ? 'Read as a cURL command.' : 'Read as a raw HTTP request.'}</p>
        {error && (
          <p className="field-error" data-testid="paste-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="paste-confirm" disabled={kind === null}>
            Open in composer
          </button>
        </div>
      </form>
    </Dialog>
  )
}
