// A modal dialog: a labelled box over a dimmed page, closed by Escape or the backdrop.
import { useEffect, useRef, type ReactNode } from 'react'

interface DialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
  wide?: boolean
  /** The body lays out and scrolls its content itself (a form with a footer that stays in view). */
  ownScroll?: boolean
}

export function Dialog({ title, onClose, children, testId, wide = false, ownScroll = false }: DialogProps) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    const first = box.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.dialog-close)')
    ;(first ?? box.current)?.focus()
    return () => previous?.focus?.()
  }, [])
  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={box}
        className={wide ? 'dialog wide' : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation()
            onClose()
          }
        }}
      >
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="icon-button dialog-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className={ownScroll ? 'dialog-body own-scroll' : 'dialog-body'}>{children}</div>
      </div>
    </div>
  )
}

export function ConfirmDialog(props: { title: string; message: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void; testId?: string }) {
  return (
    <Dialog title={props.title} onClose={props.onCancel} testId={props.testId}>
      <p>{props.message}</p>
      <div className="dialog-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" data-testid="confirm-button" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
