// The workbench's buttons in a capture's detail header: resend as is (r), edit and send (e), save to
// a collection (s) and compare (with another marked request).
import { useWorkbench } from '../../workbench/commands'

export function CaptureActions({ id }: { id: string }) {
  const workbench = useWorkbench()
  const actions = workbench.store.getState()
  return (
    <span className="capture-actions" role="group" aria-label="Resend, edit, save, compare">
      <button type="button" className="small" data-testid="detail-resend" title="Resend as is to its forward target (r); Shift+R for another URL" onClick={() => void workbench.resendAsIs(id)}>
        Resend
      </button>
      <button type="button" className="small" data-testid="detail-edit" title="Edit and send (e)" onClick={() => void workbench.openCapture(id)}>
        Edit
      </button>
      <button type="button" className="small" data-testid="detail-save" title="Save to a collection (s)" onClick={() => actions.setSavePicker({ captureId: id })}>
        Save
      </button>
      <button type="button" className="small" data-testid="detail-compare" title="Compare with another request" onClick={() => workbench.compare({ kind: 'capture', id }, 'This request')}>
        Compare
      </button>
    </span>
  )
}
