// The workbench's dialogs, wherever they were opened from: the comparison, "save to collection",
// "resend to…", "paste cURL / HTTP", and the question before the Composer's unsaved changes to an
// item are replaced by another request.
import { useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { ConfirmDialog } from '../dialog'
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
    </>
  )
}
