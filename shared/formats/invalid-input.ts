// How the formats report bad input: one HookscopeError('INVALID_INPUT') whose message names the place
// (a JSON path, or a line and column) and what is wrong there. It must never return partial results:
// every importer validates everything before it converts anything.
import { HookscopeError } from '../errors'
import type { z } from 'zod'

export { HookscopeError }

export function invalidInput(message: string): HookscopeError {
  return new HookscopeError('INVALID_INPUT', message)
}

/** `log.entries[3].request.url` from ['log', 'entries', 3, 'request', 'url']. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out === '' ? '(top level)' : out
}

function issueText(issue: z.core.$ZodIssue): string {
  const text = issue.message.replace(/^Invalid input: /, '')
  if (issue.code === 'invalid_type' && / received undefined$/.test(text)) {
    return `missing (expected ${issue.expected})`
  }
  return text
}

/** Parses with a zod schema or throws INVALID_INPUT naming the first wrong path (and how many more). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string, at: ReadonlyArray<PropertyKey> = []): z.infer<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues
  const first = issues[0]!
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''
  throw invalidInput(`Not a valid ${what}: ${formatPath([...at, ...first.path])}: ${issueText(first)}${more}`)
}

/** JSON text or an already parsed value. */
export function parseJsonInput(input: unknown, what: string): unknown {
  if (typeof input !== 'string') return input
  try {
    return JSON.parse(input.replace(/^\uFEFF/, '')) as unknown
  } catch (error) {
    if (error instanceof RangeError) throw invalidInput(`Not a valid ${what}: it is nested too deeply to read`)
    throw invalidInput(`Not a valid ${what}: the file is not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}
