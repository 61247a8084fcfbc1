// The page: header (with the view switcher: traffic, composer, collections, settings), connection
// banner, notices, endpoints sidebar, the traffic column (toolbar, timeline, list) and the opened
// request, or the composer, collections or settings view, and the sheets (help, copy as code,
// endpoint editor, clear, and the workbench's comparison, save, resend and paste dialogs).
import { lazy, Suspense, useEffect, useLayoutEffect, useState } from 'react'
import { ConfirmDialog, Dialog } from './components/dialog'
import { CaptureDetail } from './components/detail/capture-detail'
import { ConnectionBanner } from './components/connection-banner'
import { EndpointEditor } from './components/endpoint-editor'
import { EndpointsSidebar } from './components/endpoints-sidebar'
import { HelpSheet } from './components/help-sheet'
import { Notices, Toast } from './components/notices'
import { SettingsView } from './components/settings-view'
import { TrafficAnnouncer } from './components/traffic-announcer'
import { TrafficList } from './components/traffic-list'
import { TrafficTimeline } from './components/traffic-timeline'
import { TrafficToolbar } from './components/traffic-toolbar'
import { CollectionsView } from './components/workbench/collections-view'
import { ComposerView } from './components/workbench/composer-view'
import { WorkbenchSheets } from './components/workbench/workbench-sheets'
import { useGlobalKeys } from './keyboard/use-global-keys'
import { keepFocusOnRemoval, useFocusRescue } from './keyboard/focus-home'
import type { MainView } from './state/app-store'
import { isFiltered, type CaptureFilter } from './state/capture-filter'
import { useApp, useStores, useTraffic } from './state/context'
import { applyTheme, rememberedTheme, rememberTheme, resolveTheme, watchSystemDark, type ThemeChoice } from './state/theme'
import { errorMessage } from '../../shared/errors'
import { SkipLink } from './components/skip-link'

const CodeSheet = lazy(() => import('./components/detail/code-sheet').then((module) => ({ default: module.CodeSheet })))

const THEME_LABELS = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' } as const

/** The theme chosen in the settings; until they arrive, the one shown before the page was reloaded. */
function useThemeChoice(): ThemeChoice {
  const [remembered] = useState(rememberedTheme)
  return useApp((s) => s.settings?.ui.theme) ?? remembered ?? 'system'
}

function useTheme(): void {
  const { app } = useStores()
  const saved = useApp((s) => s.settings?.ui.theme)
  const choice = useThemeChoice()
  const systemDark = useApp((s) => s.systemDark)
  // Before the first paint: the page is never drawn in the system's theme and then in the one chosen.
  useLayoutEffect(() => watchSystemDark((dark) => app.getState().setSystemDark(dark)), [app])
  useLayoutEffect(() => applyTheme(resolveTheme(choice, systemDark)), [choice, systemDark])
  useEffect(() => {
    if (saved) rememberTheme(saved)
  }, [saved])
}

const VIEWS: Array<{ view: Exclude<MainView, 'settings'>; label: string }> = [
  { view: 'traffic', label: 'Traffic' },
  { view: 'composer', label: 'Composer' },
  { view: 'collections', label: 'Collections' },
]

function ViewSwitcher() {
  const { app } = useStores()
  const view = useApp((s) => s.view)
  return (
    <nav className="view-switcher" aria-label="Views">
      {VIEWS.map((entry) => (
        <button
          key={entry.view}
          type="button"
          className={view === entry.view ? 'view-tab active' : 'view-tab'}
          aria-current={view === entry.view ? 'page' : undefined}
          data-testid={`view-${entry.view}`}
          onClick={() => app.getState().setView(entry.view)}
        >
          {entry.label}
        </button>
      ))}
      <button
        type="button"
        className={view === 'settings' ? 'view-tab active' : 'view-tab'}
        data-testid="open-settings"
        aria-current={view === 'settings' ? 'page' : undefined}
        onClick={() => app.getState().setView('settings')}
      >
        Settings
      </button>
    </nav>
  )
}

function Header() {
  const { app, sync } = useStores()
  const choice = useThemeChoice()
  const info = useApp((s) => s.info)
  return (
    <header className="app-header">
      <h1 className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◎
        </span>
        Hookscope
      </h1>
      {info && (
        <span className="muted host-info" data-testid="host-info">
          {info.host === 'headless' ? 'web' : 'desktop'} · v{info.version}
        </span>
      )}
      <ViewSwitcher />
      <div className="header-actions">
        <button
          type="button"
          data-testid="theme-toggle"
          title="Switch theme (t)"
          onClick={() => void sync.switchTheme().catch((error: unknown) => app.getState().showToast(errorMessage(error), 'error'))}
        >
          {THEME_LABELS[choice]}
        </button>
        <button type="button" data-testid="open-help" aria-label="Keyboard shortcuts" aria-keyshortcuts="?" title="Keyboard shortcuts (?)" onClick={() => app.getState().setHelpOpen(true)}>
          ?
        </button>
      </div>
    </header>
  )
}

/**
 * What Clear history deletes, said exactly: the clear honours the endpoint filter only (a removed
 * endpoint's id included), never the search, method, status or time filters.
 */
export function clearHistoryMessage(filter: CaptureFilter, endpointName: string | undefined, removedName?: string): string {
  const which =
    filter.endpointId === null
      ? 'Delete every captured request, of every endpoint?'
      : endpointName !== undefined
        ? `Delete every captured request of “${endpointName}”? Other endpoints’ requests are kept.`
        : `Delete every captured request of the removed endpoint ${removedName !== undefined ? `“${removedName}”` : filter.endpointId}? Other endpoints’ requests are kept.`
  const others = isFiltered({ ...filter, endpointId: null })
    ? filter.endpointId === null
      ? ' The search and filters do not narrow this: requests they hide are deleted too.'
      : ' The search and the other filters do not narrow this: requests of this endpoint they hide are deleted too.'
    : ''
  return `${which}${others} This cannot be undone.`
}

function Sheets() {
  const { app, sync } = useStores()
  const helpOpen = useApp((s) => s.helpOpen)
  const codeSheetFor = useApp((s) => s.codeSheetFor)
  const confirmingClear = useApp((s) => s.confirmingClear)
  const editing = useApp((s) => s.editingEndpoint)
  const filter = useTraffic((s) => s.filter)
  const endpointFilter = filter.endpointId
  const endpointName = useApp((s) => (endpointFilter ? s.endpointsById[endpointFilter]?.name : undefined))
  const removedName = useApp((s) => (endpointFilter ? s.removedEndpointNames[endpointFilter] : undefined))
  const a = app.getState()
  return (
    <>
      {helpOpen && <HelpSheet onClose={() => a.setHelpOpen(false)} />}
      {codeSheetFor && (
        // While its code loads (the first time), the sheet is already there to close with Escape.
        <Suspense
          fallback={
            <Dialog title="Copy as code" onClose={() => a.setCodeSheetFor(null)} testId="code-sheet-loading" wide>
              <p className="muted">Loading…</p>
            </Dialog>
          }
        >
          <CodeSheet id={codeSheetFor} onClose={() => a.setCodeSheetFor(null)} />
        </Suspense>
      )}
      {editing && <EndpointEditor id={editing} onClose={() => a.setEditingEndpoint(null)} />}
      {confirmingClear && (
        <ConfirmDialog
          title="Clear history"
          testId="clear-confirm"
          message={clearHistoryMessage(filter, endpointName, removedName)}
          confirmLabel="Clear history"
          onCancel={() => a.setConfirmingClear(false)}
          onConfirm={() => {
            a.setConfirmingClear(false)
            void sync
              .clearHistory(endpointFilter ?? undefined)
              .then((removed) => app.getState().showToast(`Deleted ${removed} ${removed === 1 ? 'request' : 'requests'}`))
              .catch((error: unknown) => app.getState().showToast(`Clearing failed: ${errorMessage(error)}`, 'error'))
          }}
        />
      )}
    </>
  )
}

export function App() {
  const stores = useStores()
  useGlobalKeys(stores)
  useTheme()
  const ready = useApp((s) => s.ready)
  const view = useApp((s) => s.view)
  const openedId = useTraffic((s) => s.openedId)
  // A closed detail or a view left took the focus with it: it goes to the list, or the view shown.
  useFocusRescue([view, openedId])
  useEffect(() => keepFocusOnRemoval(), [])
  return (
    <div className="app">
      <SkipLink />
      <Header />
      <ConnectionBanner />
      <Notices />
      <div className={openedId && view === 'traffic' ? 'workspace with-detail' : 'workspace'}>
        <EndpointsSidebar />
        {view === 'settings' ? (
          <main className="main-view" aria-label="Settings" tabIndex={-1} data-view-region>
            <SettingsView />
          </main>
        ) : view === 'composer' ? (
          <ComposerView />
        ) : view === 'collections' ? (
          <CollectionsView />
        ) : (
          <>
            <main className="traffic" aria-label="Traffic" tabIndex={-1} data-view-region>
              <TrafficToolbar />
              <TrafficTimeline />
              <TrafficList />
              <TrafficAnnouncer />
            </main>
            {openedId && <CaptureDetail id={openedId} />}
          </>
        )}
      </div>
      <Sheets />
      <WorkbenchSheets />
      <Toast />
      {ready && <span hidden data-testid="app-ready" />}
    </div>
  )
}
