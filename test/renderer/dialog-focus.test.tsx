import './helpers/setup-dom'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { Dialog } from '../../renderer/src/components/dialog'

// A view whose button opens a dialog; what the dialog does can take that button away (an empty
// state's "Edit" once the endpoint it was about listens).
function View({ keepOpener }: { keepOpener: boolean }) {
  const [open, setOpen] = useState(false)
  const [opener, setOpener] = useState(true)
  return (
    <main tabIndex={-1} data-view-region data-testid="view">
      {opener && (
        <button type="button" data-testid="opener" onClick={() => setOpen(true)}>
          Edit
        </button>
      )}
      {open && (
        <Dialog title="Edit" onClose={() => setOpen(false)}>
          <input data-testid="field" />
          <button type="button" data-testid="done" onClick={() => (keepOpener ? setOpen(false) : (setOpener(false), setOpen(false)))}>
            Done
          </button>
        </Dialog>
      )}
    </main>
  )
}

describe('the focus after a dialog closes', () => {
  it('goes back to what opened it', () => {
    render(<View keepOpener />)
    act(() => screen.getByTestId('opener').focus())
    act(() => void fireEvent.click(screen.getByTestId('opener')))
    expect(document.activeElement).toBe(screen.getByTestId('field'))
    act(() => void fireEvent.click(screen.getByTestId('done')))
    expect(document.activeElement).toBe(screen.getByTestId('opener'))
  })

  it('goes to the view, never the page, when what opened it went away meanwhile', () => {
    render(<View keepOpener={false} />)
    act(() => screen.getByTestId('opener').focus())
    act(() => void fireEvent.click(screen.getByTestId('opener')))
    act(() => void fireEvent.click(screen.getByTestId('done')))
    expect(screen.queryByTestId('opener')).toBeNull()
    expect(document.activeElement).toBe(screen.getByTestId('view'))
  })
})
