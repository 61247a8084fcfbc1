// Reading and rewriting raw header pairs for the signature schemes. It never reorders, renames or
// drops a header other than the ones a scheme explicitly rewrites.
//
// Duplicates: verification reads a repeated header the way the app under test receives it. Node
// joins repeated headers with ", " (none of the signature headers is one of the few it keeps only
// once), so joinedHeader() does the same. findHeader() reads the first occurrence only, for headers
// Node keeps once (Content-Type) and for ids kept when re-signing. When re-signing, that first
// occurrence is rewritten in place and any later occurrences of the same name are removed: Node
// joins repeated headers with ", " for the app under test, so a stale second copy would corrupt the
// value the app reads.
import type { RawHeaders } from '../../../shared/model'

export function findHeader(headers: RawHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [headerName, value] of headers) {
    if (headerName.toLowerCase() === wanted) return value
  }
  return undefined
}

/** All occurrences of a header (compared case-insensitively) joined with ", ", as Node hands them to the app. */
export function joinedHeader(headers: RawHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase()
  const values = headers.filter(([headerName]) => headerName.toLowerCase() === wanted).map(([, value]) => value)
  return values.length === 0 ? undefined : values.join(', ')
}

/** How many times a header (compared case-insensitively) occurs. */
export function headerCount(headers: RawHeaders, name: string): number {
  const wanted = name.toLowerCase()
  return headers.filter(([headerName]) => headerName.toLowerCase() === wanted).length
}

/**
 * For a verdict's reason: which of the named headers came more than once, read by the app as one value
 * (the copies joined with ", "), which no signature covers. Empty when none did.
 */
export function repeatedHeadersNote(headers: RawHeaders, names: readonly string[]): string {
  const repeated = names.map((name) => [name, headerCount(headers, name)] as const).filter(([, count]) => count > 1)
  if (repeated.length === 0) return ''
  const which = repeated.map(([name, count]) => `${name} came ${count} times`).join(' and ')
  return `; ${which}, and an app reads the copies as one value joined with ", "`
}

export function hasHeader(headers: RawHeaders, name: string): boolean {
  return findHeader(headers, name) !== undefined
}

/**
 * Returns a copy of `headers` where each replacement's header takes the new value at the position
 * (and in the name case) of its first occurrence; absent headers are appended with the given name.
 */
export function replaceHeaders(headers: RawHeaders, replacements: ReadonlyArray<readonly [name: string, value: string]>): RawHeaders {
  const result: RawHeaders = headers.map(([name, value]) => [name, value])
  for (const [name, value] of replacements) {
    const wanted = name.toLowerCase()
    let firstIndex = -1
    for (let i = 0; i < result.length; i++) {
      const pair = result[i]
      if (pair === undefined || pair[0].toLowerCase() !== wanted) continue
      if (firstIndex === -1) {
        firstIndex = i
        result[i] = [pair[0], value]
      } else {
        result.splice(i, 1)
        i--
      }
    }
    if (firstIndex === -1) result.push([name, value])
  }
  return result
}
