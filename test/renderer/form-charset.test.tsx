// Form bodies and query strings read in the charset they declare (the Content-Type's, a `_charset_`
// or PayPal IPN's `charset` field), and, without one, as UTF-8 when valid, else as bytes. (Node's
// TextDecoder, which jsdom tests use, reads windows-1252's 0x80–0x9F as controls where a browser reads
// €, quotes and dashes: those bytes are checked in Chromium, in test/e2e/charset-decoding.test.ts.)
import './helpers/setup-dom'
import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { BodyTab } from '../../renderer/src/components/detail/body-tab'
import { QueryTab } from '../../renderer/src/components/detail/query-tab'
import type { Capture } from '../../shared/model'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settleViewers } from './helpers/render-app'

const FORM = 'application/x-www-form-urlencoded'
const bytesOf = (...parts: Array<string | number[]>) => Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? Array.from(part, (ch) => ch.charCodeAt(0)) : part)))

async function showForm(contentType: string, body: Uint8Array | string) {
  const engine = createFakeEngine()
  const capture = addCapture(engine, { contentType, headers: [['Content-Type', contentType]] } as Partial<Capture>, body)
  renderWith(createHarness(engine), <BodyTab capture={capture} />)
  await settleViewers()
  await screen.findByTestId('viewer-form')
}

const rows = (testId: string) => screen.getAllByTestId(testId).map((row) => Array.from(row.querySelectorAll('td'), (cell) => cell.textContent))
const note = () => screen.queryByTestId('viewer-note')?.textContent ?? null

describe('a form body', () => {
  it('is read in the charset its Content-Type declares', async () => {
    await showForm(`${FORM}; charset=windows-1252`, 'item_name=Caf%E9+cr%E8me+%AB+fresh+%BB&price=%A310')
    expect(rows('form-row')).toEqual([
      ['item_name', 'Café crème « fresh »'],
      ['price', '£10'],
    ])
    expect(note()).toBe('Read as windows-1252, as its Content-Type says.')
  })

  it('reads iso-8859-1 and latin1 as the browser does (windows-1252), and Shift_JIS', async () => {
    await showForm(`${FORM}; charset="ISO-8859-1"`, 'name=J%F6rg&amount=%A520')
    expect(rows('form-row')).toEqual([
      ['name', 'Jörg'],
      ['amount', '¥20'],
    ])
    expect(note()).toBe('Read as windows-1252 (charset=ISO-8859-1), as its Content-Type says.')
    document.body.innerHTML = ''
    await showForm(`${FORM}; charset=shift_jis`, 'name=%83e%83X%83g&city=%93%8C%8B%9E')
    expect(rows('form-row')).toEqual([
      ['name', 'テスト'],
      ['city', '東京'],
    ])
    expect(note()).toBe('Read as shift_jis, as its Content-Type says.')
  })

  it('reads bytes sent as they are, not percent-encoded, in the charset declared', async () => {
    await showForm(`${FORM}; charset=windows-1252`, bytesOf('first_name=J', [0xf6], 'rg&note=', [0xa3], '5\r\n'))
    expect(rows('form-row')).toEqual([
      ['first_name', 'Jörg'],
      ['note', '£5'],
    ])
  })

  it('is read in the charset its own field names, as PayPal IPN sends it; the Content-Type wins over it', async () => {
    await showForm(FORM, 'mc_gross=19.95&first_name=J%F6rg&item_name=%ABPro%BB+plan&charset=windows-1252&notify_version=3.9')
    expect(rows('form-row')).toEqual([
      ['mc_gross', '19.95'],
      ['first_name', 'Jörg'],
      ['item_name', '«Pro» plan'],
      ['charset', 'windows-1252'],
      ['notify_version', '3.9'],
    ])
    expect(note()).toBe('Read as windows-1252, as its charset field says.')
    document.body.innerHTML = ''
    await showForm(FORM, '_charset_=Shift_JIS&q=%83e%83X%83g')
    expect(rows('form-row')[1]).toEqual(['q', 'テスト'])
    expect(note()).toBe('Read as shift_jis, as its _charset_ field says.')
    document.body.innerHTML = ''
    await showForm(FORM, '_charset_=latin1&charset=shift_jis&q=J%F6rg')
    expect(rows('form-row')[2]).toEqual(['q', 'Jörg'])
    expect(note()).toBe('Read as windows-1252 (_charset_=latin1), as its _charset_ field says.')
    document.body.innerHTML = ''
    await showForm(`${FORM}; charset=utf-8`, 'charset=windows-1252&name=J%C3%B6rg')
    expect(rows('form-row')[1]).toEqual(['name', 'Jörg'])
    expect(note()).toBeNull()
  })

  it('without a charset, shows UTF-8 when valid, else the bytes as escapes', async () => {
    await showForm(FORM, 'utf8=J%C3%B6rg&latin1=J%F6rg&charset=not-an-encoding')
    expect(rows('form-row')).toEqual([
      ['utf8', 'Jörg'],
      ['latin1', 'J\\xF6rg'],
      ['charset', 'not-an-encoding'],
    ])
    expect(screen.getAllByTestId('byte-escape').map((badge) => badge.textContent)).toEqual(['\\xF6'])
    expect(note()).toBeNull()
  })

  it('says when the charset declared is one it does not know', async () => {
    await showForm(`${FORM}; charset=x-unknown-8bit`, 'name=J%C3%B6rg&other=%F6')
    expect(rows('form-row')).toEqual([
      ['name', 'Jörg'],
      ['other', '\\xF6'],
    ])
    expect(note()).toBe('Its Content-Type says charset=x-unknown-8bit, an encoding this viewer does not know: shown as UTF-8.')
  })
})

describe('a query string', () => {
  const showQuery = (target: string) => render(<QueryTab target={target} />)

  it('without a charset, shows UTF-8 when valid, else the bytes as escapes', () => {
    showQuery('/return?name=J%C3%B6rg&raw=caf\u00c3\u00a9&latin1=J%F6rg')
    expect(rows('query-row')).toEqual([
      ['name', 'Jörg'],
      ['raw', 'café'],
      ['latin1', 'J\\xF6rg'],
    ])
    expect(screen.queryByTestId('query-note')).toBeNull()
  })

  it('is read in the charset a field of its own names', () => {
    showQuery('/return?charset=shift_jis&q=%83e%83X%83g&name=%93%8C%8B%9E')
    expect(rows('query-row')).toEqual([
      ['charset', 'shift_jis'],
      ['q', 'テスト'],
      ['name', '東京'],
    ])
    expect(screen.getByTestId('query-note').textContent).toBe('Read as shift_jis, as its charset field says.')
  })
})
