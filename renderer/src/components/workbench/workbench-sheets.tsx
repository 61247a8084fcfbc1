// The workbench's dialogs, wherever they were opened from: the comparison, "save to collection",
// "resend to…" and "paste cURL / HTTP".
import { useWorkbench, useWorkbenchState } from '../../workbench/commands'
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
  return (
    <>
      {diff && <DiffSheet left={diff.left} right={diff.right} onClose={() => actions.setDiff(null)} />}
      {savePicker && <SavePicker source={savePicker} onClose={() => actions.setSavePicker(null)} />}
      {resendPrompt && <ResendPrompt captureId={resendPrompt.captureId} resign={resendPrompt.resign === true} onClose={() => actions.setResendPrompt(null)} />}
      {pasteOpen && <PasteDialog onClose={() => actions.setPasteOpen(false)} />}
    </>
  )
}
