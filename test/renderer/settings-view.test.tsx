import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { SettingsView } from '../../renderer/src/components/settings-view'
import { HookscopeError, errorMessage } from '../../shared/errors'
import { defaultSettings } from '../../shared/model'
import { createFakeEngine, makeSummary, type FakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settle } from './helpers/render-app'

async function setup() {
  const engine = createFakeEngine()
  const harness = createHarness(engine)
  harness.stores.app.getState().setSettings(engine.settings)
  renderWith(harness, <SettingsView />)
  await settle()
  const updates = () => engine.calls.filter((c) => c.method === 'settings.update')
  return { engine, updates }
}

async function setupWithHarness() {
  const engine = createFakeEngine()
  const harness = createHarness(engine)
  harness.stores.app.getState().setSettings(engine.settings)
  renderWith(harness, <SettingsView />)
  await settle()
  return { engine, harness }
}

const byTest = (id: string) => screen.getByTestId(id)
const change = (id: string, value: string) => act(() => void fireEvent.change(byTest(id), { target: { value } }))
async function save() {
  act(() => void fireEvent.click(byTest('settings-save')))
  await settle()
}

/** The text of the elements an input's aria-describedby names. */
const description = (input: HTMLElement) =>
  (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent)

describe('settings limits', () => {
  it('names a refused value by its label, in plain words, marks the field, focuses it and saves nothing', async () => {
    const { engine, updates } = await setup()
    change('settings-maxCaptures', '-5')
    await save()
    const input = byTest('settings-maxCaptures')
    const message = byTest('settings-maxCaptures-error')
    expect(message.textContent).toBe('Keep at most (requests) must be at least 10.')
    expect(input.getAttribute('aria-invalid')).toBe('true')
    expect(description(input)[0]).toBe('Keep at most (requests) must be at least 10.')
    expect(document.activeElement).toBe(input)
    expect(screen.getByLabelText('Keep at most (requests)')).toBe(input)
    expect(document.body.textContent).not.toMatch(/maxCaptures|Too small|expected number/)
    expect(updates()).toHaveLength(0)
    expect(engine.settings.retention.maxCaptures).toBe(defaultSettings().retention.maxCaptures)
    expect(byTest('settings-maxConnections').hasAttribute('aria-invalid')).toBe(false)
  })

  it('refuses a fraction in a field of whole numbers, and a body cap that would refuse every body, saying what is allowed', async () => {
    const { engine, updates } = await setup()
    change('settings-maxHeaderCount', '1.5')
    change('settings-requestTimeoutMs', '2500.25')
    change('settings-maxBodyBytes', '0')
    await save()
    expect(byTest('settings-maxHeaderCount-error').textContent).toBe('Header count limit must be a whole number.')
    expect(byTest('settings-requestTimeoutMs-error').textContent).toBe('Request timeout (ms) must be a whole number.')
    expect(byTest('settings-maxBodyBytes-error').textContent).toBe('Body cap (MB) must be at least 0.001 (1 KB): a smaller cap answers nearly every request that has a body with 413.')
    expect(document.activeElement).toBe(byTest('settings-maxBodyBytes'))
    expect(updates()).toHaveLength(0)
    change('settings-maxHeaderCount', '150')
    change('settings-requestTimeoutMs', '2500')
    change('settings-maxBodyBytes', '0.5')
    await save()
    expect(byTest('settings-saved')).toBeTruthy()
    expect(engine.settings.limits).toMatchObject({ maxHeaderCount: 150, requestTimeoutMs: 2500, maxBodyBytes: 512 * 1024 })
  })

  it('shows a size saved from a fraction of a megabyte as it was typed, not as its bytes divided out, and a save leaves it as it is', async () => {
    const engine = createFakeEngine()
    // What 0.001 and 1.3 MB were saved as: whole bytes.
    engine.settings.limits.maxBodyBytes = Math.round(0.001 * 1024 * 1024)
    engine.settings.retention.maxBytes = Math.round(1.3 * 1024 * 1024)
    const harness = createHarness(engine)
    harness.stores.app.getState().setSettings(engine.settings)
    renderWith(harness, <SettingsView />)
    await settle()
    expect((byTest('settings-maxBodyBytes') as HTMLInputElement).value).toBe('0.001')
    expect((byTest('settings-maxBytes') as HTMLInputElement).value).toBe('1.3')
    await save()
    expect(engine.settings.limits.maxBodyBytes).toBe(1049)
    expect(engine.settings.retention.maxBytes).toBe(1363149)
  })

  it('says what a body over the cap keeps as the engine does: only the headers of one whose Content-Length declares more', async () => {
    await setup()
    const hint = description(byTest('settings-maxBodyBytes')).join(' ')
    expect(hint).toBe(
      'A larger body is answered 413 and the request marked truncated. One whose Content-Length declares more is answered before it is read: only its headers are kept. One sent without its length (chunked) keeps its bytes up to the cap.',
    )
  })

  it('says that a headers timeout longer than the request timeout gives way to it, as the engine applies it', async () => {
    const { engine } = await setup()
    const note = () => screen.queryByTestId('settings-headersTimeoutMs-note')?.textContent ?? null
    expect(note()).toBeNull()
    change('settings-requestTimeoutMs', '2500')
    expect(note()).toBe('The request timeout is shorter: a request’s headers get at most its 2,500 ms, as they are part of it.')
    expect(description(byTest('settings-headersTimeoutMs'))).toContain(note())
    await save()
    expect(engine.settings.limits).toMatchObject({ headersTimeoutMs: 30000, requestTimeoutMs: 2500 })
    change('settings-headersTimeoutMs', '2000')
    expect(note()).toBeNull()
  })

  it('says the largest size a field in megabytes takes as a whole number of megabytes', async () => {
    const { updates } = await setup()
    change('settings-maxBytes', '99999999999')
    change('settings-maxBodyBytes', '1e10')
    await save()
    // The largest number of bytes (2^53 - 1) is 8,589,934,591.999999 MB: the field takes what fits under it.
    expect(byTest('settings-maxBytes-error').textContent).toBe('Keep at most (MB) must be at most 8,589,934,591.')
    expect(byTest('settings-maxBodyBytes-error').textContent).toBe('Body cap (MB) must be at most 8,589,934,591.')
    expect(updates()).toHaveLength(0)
  })

  it('marks every field with a problem, focuses the first, and clears a mark as its field is edited', async () => {
    const { engine, updates } = await setup()
    change('settings-maxConnections', '')
    change('settings-maxBytes', '0.5')
    change('settings-maxHeaderBytes', '2000000')
    await save()
    expect(byTest('settings-maxConnections-error').textContent).toBe('Connection limit needs a number.')
    expect(byTest('settings-maxBytes-error').textContent).toBe('Keep at most (MB) must be at least 1.')
    expect(byTest('settings-maxHeaderBytes-error').textContent).toBe('Header size limit (bytes) must be at most 1,048,576.')
    for (const key of ['maxConnections', 'maxBytes', 'maxHeaderBytes']) expect(byTest(`settings-${key}`).getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(byTest('settings-maxBytes'))
    expect(updates()).toHaveLength(0)

    change('settings-maxBytes', '200')
    expect(screen.queryByTestId('settings-maxBytes-error')).toBeNull()
    expect(byTest('settings-maxBytes').hasAttribute('aria-invalid')).toBe(false)
    expect(description(byTest('settings-maxBytes'))).toEqual(['Bodies included.'])
    await save()
    expect(updates()).toHaveLength(0)
    expect(document.activeElement).toBe(byTest('settings-maxHeaderBytes'))

    change('settings-maxConnections', '50')
    change('settings-maxHeaderBytes', '32768')
    await save()
    expect(updates()).toHaveLength(1)
    expect(byTest('settings-saved')).toBeTruthy()
    expect(screen.queryByTestId('settings-maxConnections-error')).toBeNull()
    expect(engine.settings.limits.maxConnections).toBe(50)
    expect(engine.settings.retention.maxBytes).toBe(200 * 1024 * 1024)
  })
})

describe('settings changed elsewhere while the form is open', () => {
  it('shows them in the fields not edited here, and a save here does not put the old values back', async () => {
    const { engine, harness } = await setupWithHarness()
    change('settings-maxConnections', '50')
    // Saved from another tab: a larger history and a shorter request timeout.
    engine.settings = { ...engine.settings, retention: { ...engine.settings.retention, maxCaptures: 20_000 }, limits: { ...engine.settings.limits, requestTimeoutMs: 60_000, maxConnections: 10 } }
    act(() => harness.stores.app.getState().setSettings(engine.settings))
    await settle()
    expect((byTest('settings-maxCaptures') as HTMLInputElement).value).toBe('20000')
    expect((byTest('settings-requestTimeoutMs') as HTMLInputElement).value).toBe('60000')
    // What was typed here stays as typed.
    expect((byTest('settings-maxConnections') as HTMLInputElement).value).toBe('50')
    await save()
    expect(engine.settings.retention.maxCaptures).toBe(20_000)
    expect(engine.settings.limits.requestTimeoutMs).toBe(60_000)
    expect(engine.settings.limits.maxConnections).toBe(50)
    expect(engine.calls.filter((c) => c.method === 'settings.update').at(-1)!.input).toEqual({ retention: {}, limits: { maxConnections: 50 } })
  })
})

describe('a lowered retention', () => {
  /** 150 stored requests, and an engine that, as the real one, deletes the oldest as a lowered retention is saved. */
  async function withStored(): Promise<{ engine: FakeEngine; updates: () => unknown[] }> {
    const { engine, updates } = await setup()
    engine.summaries = Array.from({ length: 150 }, (_, i) => makeSummary({ receivedAt: 1_000 + i, target: `/hook/${i}` }))
    engine.override('captures.query', (input) => {
      const { limit = 200, until } = input as { limit?: number; until?: number }
      const items = engine.summaries.filter((s) => until === undefined || s.receivedAt <= until).sort((a, b) => b.receivedAt - a.receivedAt)
      return { items: items.slice(0, limit), total: items.length, next: null }
    })
    engine.override('settings.update', (_input, fixture) => {
      const settings = fixture() as typeof engine.settings
      const { maxCaptures, maxBytes } = settings.retention
      // By count to 90 % of it; by size, say, the oldest third.
      const keep = Math.min(engine.summaries.length, Math.floor(maxCaptures * 0.9), maxBytes < 1024 ** 3 ? Math.ceil((engine.summaries.length * 2) / 3) : Infinity)
      engine.summaries = engine.summaries.slice(engine.summaries.length - keep)
      return settings
    })
    return { engine, updates }
  }

  it('asks before deleting stored requests, saying how many are stored and how many go, and says how many went', async () => {
    const { engine, updates } = await withStored()
    change('settings-maxCaptures', '20')
    await save()
    const dialog = byTest('settings-retention-confirm')
    expect(dialog.textContent).toContain('150 requests are stored. Keeping at most 20 deletes the oldest 130 or more, of every endpoint, as you save. This cannot be undone.')
    expect(updates()).toHaveLength(0)
    act(() => void fireEvent.click(screen.getByRole('button', { name: 'Cancel' })))
    await settle()
    expect(screen.queryByTestId('settings-retention-confirm')).toBeNull()
    expect(updates()).toHaveLength(0)
    expect(engine.summaries).toHaveLength(150)

    await save()
    act(() => void fireEvent.click(byTest('confirm-button')))
    await settle()
    expect(updates()).toHaveLength(1)
    expect(engine.settings.retention.maxCaptures).toBe(20)
    expect(byTest('settings-saved').textContent).toBe('Saved. 132 older requests were deleted to keep within the new limits.')
    expect(byTest('settings-saved').getAttribute('role')).toBe('status')
  })

  it('saves a lowered size without asking (what it deletes is known once saved) and says how many requests went', async () => {
    const { updates } = await withStored()
    change('settings-maxBytes', '100')
    await save()
    expect(screen.queryByTestId('settings-retention-confirm')).toBeNull()
    expect(updates()).toHaveLength(1)
    expect(byTest('settings-saved').textContent).toBe('Saved. 50 older requests were deleted to keep within the new limits.')
    // A count lowered, still above what is stored, deletes nothing and asks nothing.
    change('settings-maxBytes', '1024')
    change('settings-maxCaptures', '5000')
    await save()
    expect(screen.queryByTestId('settings-retention-confirm')).toBeNull()
    expect(byTest('settings-saved').textContent).toBe('Saved.')
  })
})

describe('settings saved from one control', () => {
  const refusal = 'This was not saved: the disk is full (ENOSPC: no space left on device, write). Try again once Hookscope can write to its data folder.'

  it('says why a theme or durability change was not saved in the message alone, without the error class name', async () => {
    const { engine, harness } = await setupWithHarness()
    engine.override('settings.update', () => {
      throw new HookscopeError('STORE_WRITE_FAILED', refusal)
    })
    change('settings-theme', 'dark')
    await settle()
    expect(harness.stores.app.getState().toast).toMatchObject({ message: refusal, tone: 'error' })
    harness.stores.app.getState().clearToast(harness.stores.app.getState().toast!.key)
    change('settings-sync', 'os')
    await settle()
    expect(harness.stores.app.getState().toast).toMatchObject({ message: refusal, tone: 'error' })
  })
})

describe('errorMessage', () => {
  it('gives the message alone for any error, and words for one without a message', () => {
    expect(errorMessage(new HookscopeError('STORE_WRITE_FAILED', 'The disk is full.'))).toBe('The disk is full.')
    expect(errorMessage(new TypeError('x is not a function'))).toBe('x is not a function')
    expect(errorMessage(new Error(''))).toBe('Something went wrong inside Hookscope.')
    expect(errorMessage({ message: 'from another realm' })).toBe('from another realm')
    expect(errorMessage('plain words')).toBe('plain words')
  })
})
