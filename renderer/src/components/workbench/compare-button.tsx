// A request's Compare button: marks the request, then compares the marked one with another. While a
// request is marked its own button stays pressed ("Marked for compare"; a click or Esc unmarks it) and
// every other request's offers to compare with it.
import type { RequestRef } from '../../state/workbench-store'
import { useCompareButton, useWorkbench } from '../../workbench/commands'

/** `disabledReason`: why the request cannot be compared (it is no longer stored), shown as the disabled button's title. */
export function CompareButton({
  request,
  label,
  title,
  testId,
  small = false,
  disabledReason = null,
}: {
  request: RequestRef
  label: string
  title: string
  testId: string
  small?: boolean
  disabledReason?: string | null
}) {
  const workbench = useWorkbench()
  const button = useCompareButton(request, title)
  return (
    <button
      type="button"
      className={`${small ? 'small ' : ''}toggle${button.pressed ? ' on' : ''}`}
      aria-pressed={button.pressed}
      data-testid={testId}
      disabled={disabledReason !== null}
      title={disabledReason ?? button.title}
      onClick={() => workbench.compare(request, label)}
    >
      {button.text}
    </button>
  )
}
