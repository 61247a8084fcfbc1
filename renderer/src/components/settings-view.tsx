// Settings: history retention, capture limits, theme and notifications, through settings.update.
import { useState } from 'react'
import { Limits, Retention, type Settings } from '../../../shared/model'
import { askForNotifications } from '../state/desktop-notifier'
import { useApp, useStores } from '../state/context'
import type { ThemeChoice } from '../state/theme'

const MB = 1024 * 1024

interface NumberField {
  key: string
  label: string
  hint: string
  read: (s: Settings) => number
  unit: number
}

const FIELDS: NumberField[] = [
  { key: 'maxCaptures', label: 'Keep at most (requests)', hint: 'Older requests are dropped first.', read: (s) => s.retention.maxCaptures, unit: 1 },
  { key: 'maxBytes', label: 'Keep at most (MB)', hint: 'Bodies included.', read: (s) => s.retention.maxBytes, unit: MB },
  { key: 'maxBodyBytes', label: 'Body cap (MB)', hint: 'Bytes past it are not kept; the request is marked truncated.', read: (s) => s.limits.maxBodyBytes, unit: MB },
  { key: 'maxHeaderBytes', label: 'Header size limit (bytes)', hint: 'Larger header blocks are refused with 431.', read: (s) => s.limits.maxHeaderBytes, unit: 1 },
  { key: 'maxHeaderCount', label: 'Header count limit', hint: 'More header lines are refused with 431.', read: (s) => s.limits.maxHeaderCount, unit: 1 },
  { key: 'headersTimeoutMs', label: 'Headers timeout (ms)', hint: 'Time allowed to send the headers.', read: (s) => s.limits.headersTimeoutMs, unit: 1 },
  { key: 'requestTimeoutMs', label: 'Request timeout (ms)', hint: 'Time allowed for the whole request.', read: (s) => s.limits.requestTimeoutMs, unit: 1 },
  { key: 'keepAliveTimeoutMs', label: 'Keep-alive timeout (ms)', hint: 'Idle time before a connection is closed.', read: (s) => s.limits.keepAliveTimeoutMs, unit: 1 },
  { key: 'maxConnections', label: 'Connection limit', hint: 'Connections past it are refused.', read: (s) => s.limits.maxConnections, unit: 1 },
]

export function SettingsView() {
  const settings = useApp((s) => s.settings)
  if (!settings) return <p className="viewer-status">Loading settings…</p>
  return <SettingsForm settings={settings} />
}

function SettingsForm({ settings }: { settings: Settings }) {
  const { sync, app } = useStores()
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(FIELDS.map((f) => [f.key, String(f.read(settings) / f.unit)])))
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)

  const save = async () => {
    const number = (key: string) => Math.round(Number(values[key]) * FIELDS.find((f) => f.key === key)!.unit)
    const retention = Retention.safeParse({ maxCaptures: number('maxCaptures'), maxBytes: number('maxBytes') })
    const limits = Limits.safeParse({
      maxBodyBytes: number('maxBodyBytes'),
      maxHeaderBytes: number('maxHeaderBytes'),
      maxHeaderCount: number('maxHeaderCount'),
      headersTimeoutMs: number('headersTimeoutMs'),
      requestTimeoutMs: number('requestTimeoutMs'),
      keepAliveTimeoutMs: number('keepAliveTimeoutMs'),
      maxConnections: number('maxConnections'),
    })
    const bad = !retention.success ? retention.error.issues[0] : !limits.success ? limits.error.issues[0] : null
    if (bad || !retention.success || !limits.success) {
      setError(`${bad?.path.join('.') ?? 'value'}: ${bad?.message ?? 'invalid'}`)
      return
    }
    setError(null)
    try {
      await sync.updateSettings({ retention: retention.data, limits: limits.data })
      setSaved(true)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }

  const setSync = (value: Settings['storage']['sync']) =>
    void sync.updateSettings({ storage: { sync: value } }).catch((e: unknown) => app.getState().showToast(String(e), 'error'))
  const setTheme = (theme: ThemeChoice) => void sync.updateSettings({ ui: { theme } }).catch((e: unknown) => app.getState().showToast(String(e), 'error'))
  const setNotifications = async (on: boolean) => {
    if (on && !(await askForNotifications())) {
      app.getState().showToast('Notifications are blocked for this page; allow them in the browser first.', 'error')
      return
    }
    await sync.updateSettings({ ui: { notifications: on } }).catch((e: unknown) => app.getState().showToast(String(e), 'error'))
  }

  return (
    <div className="settings-view" data-testid="settings-view">
      <header className="settings-header">
        <h2>Settings</h2>
        <button type="button" data-testid="settings-close" onClick={() => app.getState().setView('traffic')}>
          Back to traffic
        </button>
      </header>
      <section>
        <h3>Appearance</h3>
        <label className="setting">
          Theme
          <select data-testid="settings-theme" value={settings.ui.theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <label className="setting checkbox">
          <input type="checkbox" data-testid="settings-notifications" checked={settings.ui.notifications} onChange={(e) => void setNotifications(e.target.checked)} />
          Desktop notifications for new requests (while this window is in the background)
        </label>
      </section>
      <section>
        <h3>Durability</h3>
        <label className="setting">
          When a request is answered
          <select data-testid="settings-sync" value={settings.storage.sync} onChange={(e) => setSync(e.target.value as Settings['storage']['sync'])}>
            <option value="disk">After it is on disk (survives a power loss)</option>
            <option value="os">After the system has it (survives a crash of Hookscope; faster)</option>
          </select>
        </label>
      </section>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          void save()
        }}
      >
        <section>
          <h3>History and limits</h3>
          <div className="settings-grid">
            {FIELDS.map((f) => (
              <label key={f.key} className="setting">
                {f.label}
                <input
                  type="number"
                  min={0}
                  step="any"
                  data-testid={`settings-${f.key}`}
                  value={values[f.key]}
                  onChange={(e) => {
                    setSaved(false)
                    setValues((v) => ({ ...v, [f.key]: e.target.value }))
                  }}
                />
                <span className="muted hint">{f.hint}</span>
              </label>
            ))}
          </div>
        </section>
        {error && (
          <p className="viewer-note error" data-testid="settings-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          {saved && (
            <span className="muted" data-testid="settings-saved">
              Saved.
            </span>
          )}
          <button type="submit" className="primary" data-testid="settings-save">
            Save limits
          </button>
        </div>
      </form>
    </div>
  )
}
