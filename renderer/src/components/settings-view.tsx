// Settings: history retention, capture limits, theme, notifications and announcements of new
// requests to screen readers, through settings.update.
import { useEffect, useRef, useState } from 'react'
import type { z } from 'zod'
import { Limits, Retention, type Settings, type SettingsPatch } from '../../../shared/model'
import { askForNotifications } from '../state/desktop-notifier'
import { NotificationPermissionNote } from './notification-permission'
import { ConfirmDialog } from './dialog'
import { useApp, useStores } from '../state/context'
import type { ThemeChoice } from '../state/theme'
import { formatCount } from '../text/format'
import { errorMessage } from '../../../shared/errors'

const MB = 1024 * 1024

interface NumberField {
  key: string
  label: string
  hint: string
  read: (s: Settings) => number
  /** Bytes per unit shown: a field in bytes, milliseconds or a count (unit 1) takes whole numbers only. */
  unit: number
  /** A floor the form keeps above the schema's, where a smaller value leaves the endpoint of no use: in
   * bytes (of the field's stored value), and what it would do. */
  floor?: { value: number; shown: string; why: string }
}

const FIELDS: NumberField[] = [
  { key: 'maxCaptures', label: 'Keep at most (requests)', hint: 'Older requests are dropped first.', read: (s) => s.retention.maxCaptures, unit: 1 },
  { key: 'maxBytes', label: 'Keep at most (MB)', hint: 'Bodies included.', read: (s) => s.retention.maxBytes, unit: MB },
  {
    key: 'maxBodyBytes',
    label: 'Body cap (MB)',
    hint: 'A larger body is answered 413 and the request marked truncated. One whose Content-Length declares more is answered before it is read: only its headers are kept. One sent without its length (chunked) keeps its bytes up to the cap.',
    read: (s) => s.limits.maxBodyBytes,
    unit: MB,
    floor: { value: 1024, shown: '0.001 (1 KB)', why: 'a smaller cap answers nearly every request that has a body with 413' },
  },
  { key: 'maxHeaderBytes', label: 'Header size limit (bytes)', hint: 'Larger header blocks are refused with 431.', read: (s) => s.limits.maxHeaderBytes, unit: 1 },
  { key: 'maxHeaderCount', label: 'Header count limit', hint: 'More header lines are refused with 431.', read: (s) => s.limits.maxHeaderCount, unit: 1 },
  { key: 'headersTimeoutMs', label: 'Headers timeout (ms)', hint: 'Time allowed to send the headers.', read: (s) => s.limits.headersTimeoutMs, unit: 1 },
  { key: 'requestTimeoutMs', label: 'Request timeout (ms)', hint: 'Time allowed for the whole request.', read: (s) => s.limits.requestTimeoutMs, unit: 1 },
  { key: 'keepAliveTimeoutMs', label: 'Keep-alive timeout (ms)', hint: 'Idle time before a connection is closed.', read: (s) => s.limits.keepAliveTimeoutMs, unit: 1 },
  { key: 'maxConnections', label: 'Connection limit', hint: 'Connections past it are refused.', read: (s) => s.limits.maxConnections, unit: 1 },
]

const FIELD_BY_KEY = new Map(FIELDS.map((f) => [f.key, f]))

/**
 * A value of a field in its own unit, as the field shows it (1048576 bytes in a MB field is 1). A
 * largest value is said in whole units (the largest number of bytes is 8,589,934,591.999999 MB).
 */
function inUnit(field: NumberField, value: number | bigint, largest = false): string {
  const n = Number(value) / field.unit
  if (largest && !Number.isInteger(n)) return formatCount(Math.floor(n))
  return Number.isInteger(n) ? formatCount(n) : String(n)
}

/** What is wrong with a field's value, in plain words, named by the field's label. */
function fieldMessage(field: NumberField, issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${field.label} needs a number.`
    case 'too_small':
      return `${field.label} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${inUnit(field, issue.minimum)}.`
    case 'too_big':
      return `${field.label} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${inUnit(field, issue.maximum, true)}.`
    default:
      return `${field.label}: ${issue.message.replace(/^Invalid input: /, '')}.`
  }
}

type FieldErrors = Record<string, string>

/**
 * What the form itself refuses before the schema is asked: a fraction in a field of whole numbers
 * (rounding it would save a value the user did not write), and a value below a field's floor.
 */
function formProblem(field: NumberField, text: string): string | null {
  const typed = text.trim()
  if (typed === '') return null
  const value = Number(typed)
  if (!Number.isFinite(value)) return null
  if (field.unit === 1 && !Number.isInteger(value)) return `${field.label} must be a whole number.`
  if (field.floor && value * field.unit < field.floor.value) return `${field.label} must be at least ${field.floor.shown}: ${field.floor.why}.`
  return null
}

/** One message per field (the first problem found with it), keyed by the field the issue's path names. */
function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): { errors: FieldErrors; other: string | null } {
  const errors: FieldErrors = {}
  let other: string | null = null
  for (const issue of issues) {
    const field = FIELD_BY_KEY.get(String(issue.path[0]))
    if (!field) other ??= issue.message
    else errors[field.key] ??= fieldMessage(field, issue)
  }
  return { errors, other }
}

/**
 * A stored value as its field shows it: the shortest decimal that saves as the same value, so that
 * 0.001 MB, saved as 1,049 bytes, reads 0.001 again (not 0.0010004043579101562).
 */
function shownValue(field: NumberField, stored: number): string {
  const exact = stored / field.unit
  if (field.unit === 1 || Number.isInteger(exact)) return String(exact)
  for (let digits = 1; digits < 20; digits++) {
    const shorter = Number(exact.toPrecision(digits))
    if (Math.round(shorter * field.unit) === stored) return String(shorter)
  }
  return String(exact)
}

/**
 * What a field's value does not do as typed, though it is allowed: a headers timeout longer than the
 * request timeout, which the engine cuts to it (Node requires as much).
 */
function fieldNote(key: string, values: Record<string, string>): string | null {
  if (key !== 'headersTimeoutMs') return null
  const [headers, request] = [values.headersTimeoutMs, values.requestTimeoutMs].map((text) => (text?.trim() ? Number(text) : Number.NaN))
  if (!Number.isFinite(headers) || !Number.isFinite(request) || headers! <= request!) return null
  return `The request timeout is shorter: a request’s headers get at most its ${formatCount(request!)} ms, as they are part of it.`
}

function fieldValues(settings: Settings): Record<string, string> {
  return Object.fromEntries(FIELDS.map((f) => [f.key, shownValue(f, f.read(settings))]))
}

/** The values of `next` that differ from `current`. */
function changedOf<T extends Record<string, number>>(next: T, current: T): Partial<T> {
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => current[key] !== value)) as Partial<T>
}

export function SettingsView() {
  const settings = useApp((s) => s.settings)
  if (!settings) return <p className="viewer-status">Loading settings…</p>
  return <SettingsForm settings={settings} />
}

function SettingsForm({ settings }: { settings: Settings }) {
  const { sync, app, api } = useStores()
  const [values, setValues] = useState<Record<string, string>>(() => fieldValues(settings))
  // The settings the fields were last filled from. A change saved elsewhere (another window, another
  // tab of the headless host) refills the fields not edited here, and a save sends only what differs
  // from the settings as they are, so it never puts back a value this form had shown before.
  const shown = useRef(values)
  useEffect(() => {
    const fresh = fieldValues(settings)
    const before = shown.current
    shown.current = fresh
    setValues((current) => Object.fromEntries(FIELDS.map((f) => [f.key, current[f.key] === before[f.key] ? fresh[f.key]! : current[f.key]!])))
  }, [settings])
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({})
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  // A lowered count that deletes stored requests, waiting for the user's word.
  const [pending, setPending] = useState<{ patch: SettingsPatch; stored: number; newest: number; keep: number } | null>(null)
  const inputs = useRef(new Map<string, HTMLInputElement>())
  // Set by a refused save: once the fields are marked, the first one with a problem takes the focus.
  const [focusFirstError, setFocusFirstError] = useState(0)
  useEffect(() => {
    if (focusFirstError === 0) return
    const first = FIELDS.find((f) => fieldErrors[f.key] !== undefined)
    if (first) inputs.current.get(first.key)?.focus()
    // Only a new refusal moves the focus (fieldErrors as of that refusal), not a field's error cleared as it is edited.
  }, [focusFirstError])

  const save = async () => {
    // An empty field is no number (Number('') would read it as 0).
    const number = (key: string) => {
      const text = values[key]!.trim()
      return text === '' ? Number.NaN : Math.round(Number(text) * FIELD_BY_KEY.get(key)!.unit)
    }
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
    const own: FieldErrors = {}
    for (const field of FIELDS) {
      const problem = formProblem(field, values[field.key]!)
      if (problem) own[field.key] = problem
    }
    if (!retention.success || !limits.success || Object.keys(own).length > 0) {
      const found = fieldErrorsOf([...(retention.error?.issues ?? []), ...(limits.error?.issues ?? [])])
      const errors = { ...found.errors, ...own }
      const other = found.other
      setFieldErrors(errors)
      setError(other)
      setSaved(null)
      setFocusFirstError((n) => n + 1)
      return
    }
    setFieldErrors({})
    setError(null)
    const patch = {
      retention: changedOf(retention.data, settings.retention),
      limits: changedOf(limits.data, settings.limits),
    }
    const lowered = retention.data.maxCaptures < settings.retention.maxCaptures || retention.data.maxBytes < settings.retention.maxBytes
    if (!lowered) return commit(patch, null)
    // A lowered retention deletes what it no longer keeps as it is saved: said before, when the count
    // is what goes, and after, in any case (by size, the stored bytes are only known to the engine).
    let stored: { total: number; newest: number } | null = null
    try {
      const page = await api['captures.query']({ limit: 1 })
      stored = { total: page.total, newest: page.items[0]?.receivedAt ?? 0 }
    } catch {
      // Not known: saved without the question, and without the count of what went.
    }
    if (stored && retention.data.maxCaptures < stored.total) {
      setPending({ patch, stored: stored.total, newest: stored.newest, keep: retention.data.maxCaptures })
      return
    }
    return commit(patch, stored)
  }

  /** Save; `before`: what was stored (and the arrival of its newest), to say how many requests the save deleted. */
  const commit = async (patch: SettingsPatch, before: { total: number; newest: number } | null) => {
    setPending(null)
    try {
      await sync.updateSettings(patch)
    } catch (e) {
      setError(errorMessage(e))
      return
    }
    let deleted = 0
    if (before && before.total > 0) {
      // Those that were there before the save and are gone: requests arriving meanwhile are not counted.
      const left = await api['captures.query']({ limit: 1, until: before.newest }).then((page) => page.total, () => before.total)
      deleted = Math.max(0, before.total - left)
    }
    setSaved(deleted > 0 ? `Saved. ${formatCount(deleted)} older ${deleted === 1 ? 'request was' : 'requests were'} deleted to keep within the new limits.` : 'Saved.')
  }

  const setSync = (value: Settings['storage']['sync']) =>
    void sync.updateSettings({ storage: { sync: value } }).catch((e: unknown) => app.getState().showToast(errorMessage(e), 'error'))
  const setTheme = (theme: ThemeChoice) => void sync.updateSettings({ ui: { theme } }).catch((e: unknown) => app.getState().showToast(errorMessage(e), 'error'))
  const setAnnounce = (on: boolean) => void sync.updateSettings({ ui: { announceRequests: on } }).catch((e: unknown) => app.getState().showToast(errorMessage(e), 'error'))
  const setNotifications = async (on: boolean) => {
    if (on && !(await askForNotifications())) {
      app.getState().showToast('Notifications are blocked for this page; allow them in the browser first.', 'error')
      return
    }
    await sync.updateSettings({ ui: { notifications: on } }).catch((e: unknown) => app.getState().showToast(errorMessage(e), 'error'))
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
          <input
            type="checkbox"
            data-testid="settings-notifications"
            checked={settings.ui.notifications}
            aria-describedby="settings-notifications-permission"
            onChange={(e) => void setNotifications(e.target.checked)}
          />
          Desktop notifications for new requests (while this window is in the background)
        </label>
        <NotificationPermissionNote enabled={settings.ui.notifications} id="settings-notifications-permission" />
        <label className="setting checkbox">
          <input type="checkbox" data-testid="settings-announce" checked={settings.ui.announceRequests} onChange={(e) => setAnnounce(e.target.checked)} />
          Announce new requests to screen readers (at most once every 5 seconds)
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
            {FIELDS.map((f) => {
              const fieldError = fieldErrors[f.key]
              const note = fieldNote(f.key, values)
              const id = `settings-${f.key}`
              const described = [fieldError ? `${id}-error` : null, `${id}-hint`, note ? `${id}-note` : null].filter(Boolean).join(' ')
              return (
                <div key={f.key} className={fieldError ? 'setting invalid' : 'setting'}>
                  <label htmlFor={id}>{f.label}</label>
                  <input
                    id={id}
                    ref={(element) => {
                      if (element) inputs.current.set(f.key, element)
                      else inputs.current.delete(f.key)
                    }}
                    type="number"
                    min={0}
                    step={f.unit === 1 ? 1 : 'any'}
                    data-testid={`settings-${f.key}`}
                    value={values[f.key]}
                    aria-invalid={fieldError ? true : undefined}
                    aria-describedby={described}
                    onChange={(e) => {
                      setSaved(null)
                      setValues((v) => ({ ...v, [f.key]: e.target.value }))
                      if (fieldError)
                        setFieldErrors((errors) => {
                          const rest = { ...errors }
                          delete rest[f.key]
                          return rest
                        })
                    }}
                  />
                  {fieldError && (
                    <span className="setting-error" id={`${id}-error`} data-testid={`settings-${f.key}-error`}>
                      {fieldError}
                    </span>
                  )}
                  <span className="muted hint" id={`${id}-hint`}>
                    {f.hint}
                  </span>
                  {note && (
                    <span className="setting-note" id={`${id}-note`} data-testid={`${id}-note`}>
                      {note}
                    </span>
                  )}
                </div>
              )
            })}
          </div>
        </section>
        {error && (
          <p className="viewer-note error" data-testid="settings-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <span className="muted" data-testid={saved ? 'settings-saved' : undefined} role="status">
            {saved}
          </span>
          <button type="submit" className="primary" data-testid="settings-save">
            Save limits
          </button>
        </div>
      </form>
      {pending && (
        <ConfirmDialog
          title="Delete older requests"
          message={`${formatCount(pending.stored)} requests are stored. Keeping at most ${formatCount(pending.keep)} deletes the oldest ${formatCount(pending.stored - pending.keep)} or more, of every endpoint, as you save. This cannot be undone.`}
          confirmLabel="Save and delete"
          onConfirm={() => void commit(pending.patch, { total: pending.stored, newest: pending.newest })}
          onCancel={() => setPending(null)}
          testId="settings-retention-confirm"
        />
      )}
    </div>
  )
}
