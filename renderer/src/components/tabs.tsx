// A row of tabs as assistive technology and the keyboard expect them (the WAI-ARIA tabs pattern, as in
// the browser's own developer tools): one stop for Tab (the selected tab), ← → to move between tabs
// (wrapping), Home and End for the first and the last, each selecting as it moves; every tab names the
// panel it controls, and the panel is labelled by its tab.
import type { KeyboardEvent, ReactNode } from 'react'

export interface TabDef<T extends string> {
  name: T
  label: ReactNode
}

/** The DOM ids of a tab and of the panel, under one prefix (a `useId()`). */
export function tabId(prefix: string, name: string): string {
  return `${prefix}-tab-${name}`
}
export function tabPanelId(prefix: string): string {
  return `${prefix}-panel`
}

interface TabListProps<T extends string> {
  tabs: ReadonlyArray<TabDef<T>>
  selected: T
  onSelect: (name: T) => void
  /** A unique prefix for the ids (see tabId, tabPanelId). */
  idPrefix: string
  /** The tabs' data-testid is this followed by the tab's name. */
  testIdPrefix: string
  label: string
}

export function TabList<T extends string>({ tabs, selected, onSelect, idPrefix, testIdPrefix, label }: TabListProps<T>) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return
    const at = tabs.findIndex((tab) => tab.name === selected)
    let next: number
    switch (event.key) {
      case 'ArrowRight':
        next = (at + 1) % tabs.length
        break
      case 'ArrowLeft':
        next = (at - 1 + tabs.length) % tabs.length
        break
      case 'Home':
        next = 0
        break
      case 'End':
        next = tabs.length - 1
        break
      default:
        return
    }
    // Handled here: Home and End are the list's keys elsewhere.
    event.preventDefault()
    const name = tabs[next]!.name
    onSelect(name)
    document.getElementById(tabId(idPrefix, name))?.focus()
  }
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.name}
          id={tabId(idPrefix, tab.name)}
          type="button"
          role="tab"
          aria-selected={tab.name === selected}
          aria-controls={tabPanelId(idPrefix)}
          tabIndex={tab.name === selected ? 0 : -1}
          className={tab.name === selected ? 'tab active' : 'tab'}
          data-testid={`${testIdPrefix}${tab.name}`}
          onClick={() => onSelect(tab.name)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  )
}

/** The panel of a TabList: labelled by the selected tab, and a Tab stop of its own (as the pattern asks). */
export function TabPanel({ idPrefix, selected, className, testId, children }: { idPrefix: string; selected: string; className: string; testId?: string; children: ReactNode }) {
  return (
    <div id={tabPanelId(idPrefix)} className={className} role="tabpanel" aria-labelledby={tabId(idPrefix, selected)} tabIndex={0} data-testid={testId}>
      {children}
    </div>
  )
}
