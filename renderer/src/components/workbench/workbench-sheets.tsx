// The workbench's dialogs, wherever they were opened from: the comparison, "save to collection",
// "resend to…", "paste cURL / HTTP", the question before the Composer's unsaved changes to an
// item are replaced by another request, and the one when Update item finds the item changed elsewhere.
import { useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { ConfirmDialog, Dialog } from '../dialog'
import { VisibleText } from '../visible-text'
import { DiffSheet } from './diff-sheet'
import { PasteDialog } from './paste-dialog'
import { ResendPrompt } from './resend-prompt'
import { SavePicker } from './save-picker'
import '../../styles/workbench.css'

export function WorkbenchSheets() {
  const workbench = useWorkbench()
  const actions = workbench.store.getState()
  const diff = useWorkbenchState((s) => s.diff)
  const savePicker = useWorkbenchState((s) => s.savePicker)
  const resendPrompt = useWorkbenchState((s) => s.resendPrompt)
  const pasteOpen = useWorkbenchState((s) => s.pasteOpen)
  const discard = useWorkbenchState((s) => s.discardConfirm)
  const conflict = useWorkbenchState((s) => s.itemConflict)
  return (
    <>
      {diff && <DiffSheet left={diff.left} right={diff.right} onClose={() => actions.setDiff(null)} />}
      {savePicker && <SavePicker source={savePicker} onClose={() => actions.setSavePicker(null)} />}
      {resendPrompt && <ResendPrompt captureId={resendPrompt.captureId} resign={resendPrompt.resign === true} onClose={() => actions.setResendPrompt(null)} />}
      {pasteOpen && <PasteDialog onClose={() => actions.setPasteOpen(false)} />}
      {discard && (
        <ConfirmDialog
          title="Discard your changes?"
          message={`The Composer holds changes to “${discard.name}” that are not saved to it. Opening another request discards them; Cancel keeps them, to save with Update item.`}
          confirmLabel="Discard changes"
          onConfirm={() => {
            actions.setDiscardConfirm(null)
            discard.open()
          }}
          onCancel={() => actions.setDiscardConfirm(null)}
          testId="composer-discard-confirm"
        />
      )}
      {conflict && (
        <Dialog title="Changed elsewhere" onClose={() => actions.setItemConflict(null)} testId="composer-item-conflict">
          <p>
            “<VisibleText value={conflict.name} />” was changed and saved elsewhere (in another window) since you opened it here. Overwrite it with your request, keep the version saved there (your
            changes here are given up), or cancel to decide later.
          </p>
          <div className="dialog-actions">
            <button type="button" data-testid="item-conflict-cancel" onClick={() => actions.setItemConflict(null)}>
              Cancel
            </button>
            <button type="button" data-testid="item-conflict-keep-theirs" onClick={() => void workbench.keepTheirs()}>
              Keep theirs
            </button>
            <button type="button" className="danger" data-testid="item-conflict-overwrite" onClick={() => void workbench.updateItemRequest({ overwrite: true })}>
              Overwrite
            </button>
          </div>
        </Dialog>
      )}
    </>
  )
}
