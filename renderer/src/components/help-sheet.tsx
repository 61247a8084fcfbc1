// Every keyboard shortcut, read from the same table the key handler uses.
import { keyLabel, SHORTCUTS } from '../keyboard/shortcuts'
import { Dialog } from './dialog'

export function HelpSheet({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="help-sheet">
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.action} data-testid="shortcut-row">
              <td className="shortcut-keys">
                {shortcut.keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 && <span className="muted"> or </span>}
                    <kbd>{keyLabel(key)}</kbd>
                  </span>
                ))}
              </td>
              <td>{shortcut.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  )
}
