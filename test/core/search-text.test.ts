import { describe, expect, it } from 'vitest'
import { SearchText } from '../../electron/core/store/search-text'

function hits(text: SearchText<string>, needle: string): string[] {
  const found: string[] = []
  text.find(Buffer.from(needle), (owner) => found.push(owner))
  return found
}

describe('search text', () => {
  it('finds each capture whose text holds the needle, once, and never one across two captures', () => {
    const text = new SearchText<string>()
    text.add('a', 'post /hooks\nstripe-signature: t=1\n{"type":"charge"}')
    text.add('b', 'get /health\n')
    text.add('c', 'post /charge\ncharge charge charge')
    expect(hits(text, 'charge')).toEqual(['a', 'c'])
    // "health\n" ends b and "post" starts c: the bytes "\npost" exist only across the two.
    expect(hits(text, 'health\npost')).toEqual([])
    expect(hits(text, 'get /health\n')).toEqual(['b'])
    expect(hits(text, 'nowhere')).toEqual([])
  })

  it('matches text that is not ASCII as the UI shows it', () => {
    const text = new SearchText<string>()
    text.add('a', 'post /café\nx-name: zoë')
    text.add('b', 'post /cafe')
    expect(hits(text, 'café')).toEqual(['a'])
    expect(hits(text, 'zoë')).toEqual(['a'])
    expect(hits(text, 'cafe')).toEqual(['b'])
  })

  it('keeps finding across many chunks, with empty texts and texts larger than a chunk', () => {
    const text = new SearchText<number>()
    const big = 'x'.repeat(3 * 1024 * 1024) + 'needle'
    for (let i = 0; i < 3000; i++) text.add(i, i === 1500 ? big : i % 7 === 0 ? '' : `post /n/${i} ${'pad'.repeat(200)}${i % 1000 === 0 ? ' needle' : ''}`)
    expect(hits(text as unknown as SearchText<string>, 'needle').map(Number)).toEqual([1000, 1500, 2000])
    expect(hits(text as unknown as SearchText<string>, '/n/2999 ').map(Number)).toEqual([2999])
  })
})

describe('an owner with a second text', () => {
  it('is found by either text, once for each that holds the needle, never across the two', () => {
    const text = new SearchText<string>()
    text.add('a', 'post /a\ncontent-encoding: gzip\n', '\x1f\x8b compressed')
    text.add('b', 'post /b\n', 'plain word')
    text.add('a', 'decoded word')
    expect(hits(text, 'decoded')).toEqual(['a'])
    expect(hits(text, 'word')).toEqual(['b', 'a'])
    expect(hits(text, 'post /a')).toEqual(['a'])
    // In both of a's texts: reported for each.
    expect(hits(text, 'co')).toEqual(['a', 'a'])
    // The end of a's first text and the start of its second are not one text.
    expect(hits(text, 'compresseddecoded')).toEqual([])
  })
})
