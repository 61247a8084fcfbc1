// Every keyboard shortcut, read from the same table the key handler uses, then the keys that act where
// the focus is (the Composer, tabs, collections, dialogs).
import { FOCUS_SHORTCUTS, keyLabel, SHORTCUTS } from '../keyboard/shortcuts'
import { Dialog } from './dialog'

export function HelpSheet({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="help-sheet" ownScroll>
      {/* Longer than the dialog's height: a region that takes the focus, so the arrows scroll it. */}
      <div className="help-scroll" role="region" aria-label="Shortcuts" tabIndex={0} data-autofocus>
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
        <h3 className="shortcut-heading">Where the focus is</h3>
        <table className="shortcut-table">
          <tbody>
            {FOCUS_SHORTCUTS.map((shortcut) => (
              <tr key={`${shortcut.where} ${shortcut.label}`} data-testid="focus-shortcut-row">
                <td className="shortcut-keys">
                  {shortcut.keys.map((key, index) => (
                    <span key={key}>
                      {index > 0 && <span className="muted"> </span>}
                      <kbd>{keyLabel(key)}</kbd>
                    </span>
                  ))}
                </td>
                <td>
                  <span className="muted">{shortcut.where}: </span>
                  {shortcut.label}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Dialog>
  )
}
