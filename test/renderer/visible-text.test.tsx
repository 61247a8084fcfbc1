import './helpers/setup-dom'
import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { VisibleText } from '../../renderer/src/components/visible-text'
import { decodeByteString, displayText, segmentByteString, segmentText } from '../../renderer/src/text/visible-text'

const latin1 = (text: string) => String.fromCharCode(...new TextEncoder().encode(text))

describe('invisible characters', () => {
  it('turns bidi overrides, zero-width and control characters into labelled badges', () => {
    const segments = segmentText('a\u202Eb\u200Bc\u0000d\u2066e\uFEFF')
    expect(segments.filter((s) => s.kind === 'invisible').map((s) => (s.kind === 'invisible' ? s.label : ''))).toEqual([
      'U+202E',
      'U+200B',
      'U+0000',
      'U+2066',
      'U+FEFF',
    ])
    expect(displayText('invoice\u202Efdp.exe', { byteString: false })).toBe('invoice<U+202E>fdp.exe')
  })

  it('leaves ordinary text, including non-Latin scripts and emoji, untouched', () => {
    expect(segmentText('Grüße, 東京 🎉 שלום')).toEqual([{ kind: 'text', text: 'Grüße, 東京 🎉 שלום' }])
  })

  it('shows lone surrogates, tag characters and non-breaking spaces', () => {
    const labels = segmentText('x\uD800y\uDB40\uDC41z\u00A0').flatMap((s) => (s.kind === 'invisible' ? [s.label] : []))
    expect(labels).toEqual(['U+D800', 'U+E0041', 'U+00A0'])
  })

  it('keeps tabs and line breaks in multi-line text but still shows other controls', () => {
    const labels = segmentText('a\tb\r\nc\u0007', { multiline: true }).flatMap((s) => (s.kind === 'invisible' ? [s.label] : []))
    expect(labels).toEqual(['U+0007'])
  })
})

describe('byte strings', () => {
  it('decodes valid UTF-8 bytes for display', () => {
    expect(decodeByteString(latin1('café ☕'))).toBe('café ☕')
    expect(segmentByteString(latin1('naïve'))).toEqual([{ kind: 'text', text: 'naïve' }])
  })

  it('shows bytes that are not UTF-8 as escapes instead of guessing', () => {
    const value = 'a\xFFb\xC3'
    expect(displayText(value)).toBe('a\\xFFb\\xC3')
  })

  it('finds an override hidden inside UTF-8 bytes of a header value', () => {
    expect(displayText(latin1('report\u202Etxt.exe'))).toBe('report<U+202E>txt.exe')
  })

  it('renders badges as text with their code point, never as markup', () => {
    const { container, getAllByTestId } = render(
      <p>
        <VisibleText value={latin1('x\u202Ey<b>z</b>')} byteString />
      </p>,
    )
    expect(getAllByTestId('invisible-char').map((e) => e.textContent)).toEqual(['<U+202E>'])
    expect(getAllByTestId('invisible-char')[0]!.getAttribute('title')).toContain('RIGHT-TO-LEFT OVERRIDE')
    expect(container.querySelector('b')).toBeNull()
    expect(container.textContent).toBe('x<U+202E>y<b>z</b>')
  })

  it('renders undecodable bytes as escape badges', () => {
    const { getAllByTestId } = render(<VisibleText value={'\x80ok'} byteString />)
    expect(getAllByTestId('byte-escape').map((e) => e.textContent)).toEqual(['\\x80'])
  })
})
