// A small POSIX shell reader for pasted commands: words with single, double and $'...' (ANSI-C)
// quoting, backslash escapes and continuations, comments, and the little structure that curl
// commands use (pipelines, `;`/`&&`/newline lists, `{ ...; }` groups, redirections such as `3<&0`,
// here-documents and here-strings that feed `-d @-`).
// It never runs or expands anything: a `$VAR`, `$(...)` or backquote is an error naming its place,
// because a command that depends on the user's shell cannot be imported faithfully. The one
// exception is "$(printf 'format')" in double quotes, as cURL export writes a request target that is
// not UTF-8: its output is the format's bytes, which the caller reads (`ShellOptions.printf`).
//
// Words come out as byte strings (one UTF-16 unit per byte): literal text is UTF-8, as a terminal
// would pass it, while escapes such as $'\xff' give the raw byte.
import { bytesToByteString, utf8Encode } from './bytes'
import { invalidInput } from './invalid-input'

export interface Position {
  line: number
  column: number
}

export interface WordToken extends Position {
  kind: 'word'
  value: string
  /** Whether any part was quoted or escaped: a quoted "{" is a plain word, not a group. */
  quoted: boolean
}

export type OperatorValue = '|' | '||' | '&&' | '&' | ';' | '\n' | '(' | ')'

export interface OperatorToken extends Position {
  kind: 'op'
  value: OperatorValue
}

export type RedirectOp = '<' | '>' | '>>' | '<&' | '>&' | '<>' | '>|' | '<<' | '<<-' | '<<<'

export interface RedirectToken extends Position {
  kind: 'redirect'
  op: RedirectOp
  /** The explicit descriptor before the operator ("3" in 3<&0), or null for the default. */
  fd: number | null
  /** A here-document's text (<< and <<-), as bytes, once the lines after the command are read. */
  heredoc?: string
}

export type Token = WordToken | OperatorToken | RedirectToken

export interface ShellOptions {
  /** What printf prints from a format, as a byte string; without it "$(printf …)" is refused too. */
  printf?: (format: string, at: Position) => string
}

// "$(printf 'format')": a format without a quote of its own, the command's output its only part.
const PRINTF_SUBSTITUTION = /^\$\(printf '([^'\n]*)'\)/

export function describePosition(source: string, at: Position): string {
  return source.includes('\n') ? `line ${at.line}, column ${at.column}` : `column ${at.column}`
}

function textToBytes(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return bytesToByteString(utf8Encode(text))
  }
  return text
}

function codePointBytes(codePoint: number): string {
  if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return ''
  return textToBytes(String.fromCodePoint(codePoint))
}

const SIMPLE_ANSI_C: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
}

// Punctuation that editors and chat apps put in place of what was typed: outside quotes, where the
// shell would take it as a plain character of a word, it is refused by name, saying what to write.
function typographicProblem(text: string, startsWord: boolean): { message: string; index: number } | null {
  // A quote counts where a word starts or ends (an apostrophe inside a word is one).
  const found = /\u00a0|^[\u201c\u201d\u2018\u2019\u2013\u2014]|[\u201c\u201d\u2018\u2019]$/.exec(text)
  if (!found) return null
  const ch = found[0]
  const also = '(an editor or a chat app may have put it there)'
  if (ch === '\u00a0') return { message: `a non-breaking space, which the shell takes as part of a word: write a plain space instead ${also}`, index: found.index }
  if (ch === '\u2013' || ch === '\u2014') {
    // A dash counts where an option would start.
    if (!startsWord) return null
    const name = text.replace(/^[-\u2013\u2014]+/, '')
    const option = /^[A-Za-z0-9#:](?:$|[^a-z-])/.test(name) ? `-${name}` : `--${name}`
    return { message: `a typographic dash in "${text}", which curl does not take for an option: write "${option}" instead ${also}`, index: 0 }
  }
  const plain = ch === '\u201c' || ch === '\u201d' ? '"' : "'"
  return { message: `a typographic quote ${ch}, which the shell does not take for a quote: write ${plain} instead ${also}`, index: found.index }
}

export function tokenize(source: string, options: ShellOptions = {}): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const here = (index = i): Position => ({ line, column: index - lineStart + 1 })
  const fail = (message: string, at: Position): never => {
    throw invalidInput(`${message} at ${describePosition(source, at)}`)
  }

  let word: string | null = null
  let wordQuoted = false
  let wordStart: Position = here()
  const append = (bytes: string, quoted: boolean, start: Position) => {
    if (word === null) {
      word = ''
      wordQuoted = false
      wordStart = start
    }
    word += bytes
    if (quoted) wordQuoted = true
  }
  const endWord = () => {
    if (word !== null) tokens.push({ kind: 'word', value: word, quoted: wordQuoted, ...wordStart })
    word = null
  }
  const newline = (index: number) => {
    line++
    lineStart = index + 1
  }
  const expansionError = (index: number): never => {
    const snippet = source.slice(index, index + 2)
    return fail(
      `shell expansion "${snippet}" is not supported (the command must not depend on variables or other commands)`,
      here(index),
    )
  }
  const isExpansionStart = (ch: string | undefined): boolean =>
    ch !== undefined && /[A-Za-z0-9_{(?$!#@*-]/.test(ch)

  while (i < source.length) {
    const ch = source[i]!
    const start = here()

    if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord()
      i++
      continue
    }
    if (ch === '\n') {
      endWord()
      tokens.push({ kind: 'op', value: '\n', ...start })
      newline(i)
      i++
      i = readHeredocs(i)
      continue
    }
    if (ch === '#' && word === null) {
      while (i < source.length && source[i] !== '\n') i++
      continue
    }
    if (ch === '\\') {
      const next = source[i + 1]
      if (next === undefined) fail('backslash at the end of the command', start)
      if (next === '\n') {
        newline(i + 1)
        i += 2
        continue
      }
      if (next === '\r' && source[i + 2] === '\n') {
        newline(i + 2)
        i += 3
        continue
      }
      // Spaces copied after a continuation: the shell would end the command there and take the next
      // line for another one.
      if (/^[ \t]+(?:\r?\n|$)/.test(source.slice(i + 1, i + 200))) {
        fail('a backslash followed by spaces does not continue the command on the next line (remove the spaces after it)', start)
      }
      append(textToBytes(next!), true, start)
      i += 2
      continue
    }
    if (ch === "'") {
      const close = source.indexOf("'", i + 1)
      if (close < 0) fail('unterminated single quote', start)
      const text = source.slice(i + 1, close)
      append(textToBytes(text), true, start)
      for (let k = i + 1; k < close; k++) if (source[k] === '\n') newline(k)
      i = close + 1
      continue
    }
    if (ch === '$' && source[i + 1] === "'") {
      i = readAnsiC(i, start)
      continue
    }
    if (ch === '"' || (ch === '$' && source[i + 1] === '"')) {
      i = readDoubleQuoted(ch === '$' ? i + 1 : i, start)
      continue
    }
    if (ch === '$') {
      if (isExpansionStart(source[i + 1])) expansionError(i)
      append('$', false, start)
      i++
      continue
    }
    if (ch === '`') fail('command substitution "`" is not supported', start)

    if (ch === '|' || ch === '&' || ch === ';' || ch === '(' || ch === ')') {
      endWord()
      const two = source.slice(i, i + 2)
      if (two === '||' || two === '&&') {
        tokens.push({ kind: 'op', value: two, ...start })
        i += 2
      } else if (two === ';;' || two === '|&') {
        fail(`"${two}" is not supported`, start)
      } else {
        tokens.push({ kind: 'op', value: ch, ...start })
        i++
      }
      continue
    }
    if (ch === '<' || ch === '>') {
      // "3<&0": digits glued to the operator name the descriptor instead of being a word.
      let fd: number | null = null
      let opStart = start
      if (word !== null && !wordQuoted && /^\d+$/.test(word)) {
        fd = Number(word)
        opStart = wordStart
        word = null
      } else {
        endWord()
      }
      const ops: RedirectOp[] = ['<<<', '<<-', '<<', '<&', '<>', '<', '>>', '>&', '>|', '>']
      const op = ops.find((candidate) => source.startsWith(candidate, i))!
      tokens.push({ kind: 'redirect', op, fd, ...opStart })
      i += op.length
      continue
    }

    let end = i + 1
    while (end < source.length && !/[ \t\r\n\\'"$`|&;()<>]/.test(source[end]!)) end++
    const text = source.slice(i, end)
    const typographic = typographicProblem(text, word === null)
    if (typographic) fail(typographic.message, here(i + typographic.index))
    append(textToBytes(text), false, start)
    i = end
  }
  endWord()
  // A here-document opened on the last line has no lines.
  readHeredocs(source.length)
  return tokens

  /**
   * The lines of the here-documents opened on the line that just ended (curl -d @- <<'EOF'), up to
   * each one's end line; returns where the next command starts. A delimiter written with quotes
   * gives the text as it stands; without, the text may not expand anything, and \$ \` \\ and a
   * backslash ending a line are read as the shell reads them.
   */
  function readHeredocs(from: number): number {
    let at = from
    for (let t = 0; t < tokens.length; t++) {
      const redirect = tokens[t]!
      if (redirect.kind !== 'redirect' || (redirect.op !== '<<' && redirect.op !== '<<-') || redirect.heredoc !== undefined) continue
      const delimiter = tokens[t + 1]
      if (delimiter?.kind !== 'word') continue
      let text = ''
      while (true) {
        if (at >= source.length) fail(`the here-document "${delimiter.value}" has no line "${delimiter.value}" that ends it`, redirect)
        const lineEnd = source.indexOf('\n', at)
        const end = lineEnd < 0 ? source.length : lineEnd
        let lineText = source.slice(at, end).replace(/\r$/, '')
        if (redirect.op === '<<-') lineText = lineText.replace(/^\t+/, '')
        const lineAt = here(at)
        at = end + 1
        if (lineEnd >= 0) newline(lineEnd)
        if (lineText === delimiter.value) break
        text += delimiter.quoted ? `${lineText}\n` : heredocLine(lineText, lineAt, lineEnd >= 0, delimiter.value)
      }
      redirect.heredoc = textToBytes(text)
    }
    return at
  }

  function heredocLine(lineText: string, lineAt: Position, ended: boolean, delimiter: string): string {
    let out = ''
    for (let k = 0; k < lineText.length; k++) {
      const c = lineText[k]!
      if (c === '\\' && k + 1 < lineText.length && '$`\\'.includes(lineText[k + 1]!)) {
        out += lineText[++k]
        continue
      }
      if (c === '\\' && k + 1 === lineText.length && ended) return out
      if ((c === '$' && isExpansionStart(lineText[k + 1])) || c === '`') {
        throw invalidInput(
          `shell expansion "${lineText.slice(k, k + 2)}" in a here-document is not supported (write <<'${delimiter}' to take its text as it stands) at ${describePosition(source, { line: lineAt.line, column: lineAt.column + k })}`,
        )
      }
      out += c
    }
    return `${out}\n`
  }

  function readDoubleQuoted(quoteAt: number, start: Position): number {
    let k = quoteAt + 1
    let text = ''
    // Bytes already read (a substitution's output is bytes, never text to encode again).
    let printed = ''
    while (true) {
      if (k >= source.length) fail('unterminated double quote', start)
      const c = source[k]!
      if (c === '"') break
      if (c === '\\') {
        const next = source[k + 1]
        if (next === '\n') {
          newline(k + 1)
          k += 2
          continue
        }
        // Inside double quotes a backslash escapes only these; elsewhere it stays.
        if (next !== undefined && '$`"\\'.includes(next)) {
          text += next
          k += 2
          continue
        }
        text += c
        k++
        continue
      }
      if (c === '$') {
        const substitution = options.printf ? PRINTF_SUBSTITUTION.exec(source.slice(k, k + 64 * 1024)) : null
        if (substitution) {
          // Command substitution drops the trailing line breaks of what it reads.
          printed += textToBytes(text) + options.printf!(textToBytes(substitution[1]!), here(k)).replace(/\n+$/, '')
          text = ''
          k += substitution[0].length
          continue
        }
        if (isExpansionStart(source[k + 1])) expansionError(k)
      }
      if (c === '`') fail('command substitution "`" is not supported', here(k))
      if (c === '\n') newline(k)
      text += c
      k++
    }
    append(printed + textToBytes(text), true, start)
    return k + 1
  }

  function readAnsiC(dollarAt: number, start: Position): number {
    let k = dollarAt + 2
    let bytes = ''
    while (true) {
      if (k >= source.length) fail("unterminated $'...' quote", start)
      const c = source[k]!
      if (c === "'") break
      if (c === '\n') newline(k)
      if (c !== '\\') {
        let end = k + 1
        while (end < source.length && source[end] !== '\\' && source[end] !== "'") {
          if (source[end] === '\n') newline(end)
          end++
        }
        bytes += textToBytes(source.slice(k, end))
        k = end
        continue
      }
      const escapeAt = here(k)
      const e = source[k + 1]
      if (e === undefined) fail("unterminated $'...' quote", start)
      const simple = SIMPLE_ANSI_C[e!]
      if (simple !== undefined) {
        bytes += simple
        k += 2
      } else if (/[0-7]/.test(e!)) {
        const digits = /^[0-7]{1,3}/.exec(source.slice(k + 1))![0]
        bytes += String.fromCharCode(parseInt(digits, 8) & 0xff)
        k += 1 + digits.length
      } else if (e === 'x') {
        const digits = /^[0-9A-Fa-f]{1,2}/.exec(source.slice(k + 2))?.[0]
        if (!digits) fail('"\\x" without hex digits', escapeAt)
        bytes += String.fromCharCode(parseInt(digits!, 16))
        k += 2 + digits!.length
      } else if (e === 'u' || e === 'U') {
        const digits = (e === 'u' ? /^[0-9A-Fa-f]{1,4}/ : /^[0-9A-Fa-f]{1,8}/).exec(source.slice(k + 2))?.[0]
        if (!digits) fail(`"\\${e}" without hex digits`, escapeAt)
        let codePoint = parseInt(digits!, 16)
        k += 2 + digits!.length
        if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
          // A character beyond U+FFFF written as its two UTF-16 halves, as Firefox's "Copy as cURL"
          // writes an emoji (\ud83d\ude00): the character it stands for. Half of one is no character.
          const low = /^\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})/.exec(source.slice(k))
          if (codePoint > 0xdbff || !low) {
            fail(`"\\${e}${digits}" is half of a character (a UTF-16 surrogate) without its other half`, escapeAt)
          }
          codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (parseInt(low![1]!, 16) - 0xdc00)
          k += low![0].length
        }
        bytes += codePointBytes(codePoint)
      } else if (e === 'c' && k + 2 < source.length) {
        bytes += String.fromCharCode(source.charCodeAt(k + 2) & 0x1f)
        k += 3
      } else {
        bytes += `\\${textToBytes(e!)}`
        k += 2
      }
      if (bytes.includes('\0')) {
        fail("a NUL byte in $'...' (bash ends the word there; no command argument can hold one)", escapeAt)
      }
    }
    append(bytes, true, start)
    return k + 1
  }
}

// ---- Structure ---------------------------------------------------------------------------------

export interface Redirect {
  op: RedirectOp
  fd: number | null
  target: WordToken
  /** A here-document's text, as bytes. */
  heredoc?: string
}

export interface SimpleCommand {
  kind: 'simple'
  words: WordToken[]
  redirects: Redirect[]
  at: Position
}

export interface GroupCommand {
  kind: 'group'
  /** `{ ... }` or `( ... )`; both are read the same way here. */
  body: Pipeline[]
  redirects: Redirect[]
  at: Position
}

export type Command = SimpleCommand | GroupCommand
export type Pipeline = Command[]

/** A list of pipelines; `;`, `&&`, `||`, `&` and newlines all just separate them here. */
export function parseScript(source: string, options: ShellOptions = {}): Pipeline[] {
  const tokens = tokenize(source, options)
  let index = 0
  const fail = (message: string, at: Position | undefined): never => {
    throw invalidInput(at ? `${message} at ${describePosition(source, at)}` : message)
  }
  const peek = (): Token | undefined => tokens[index]
  const isWord = (token: Token | undefined, value: string): boolean =>
    token?.kind === 'word' && !token.quoted && token.value === value
  const isSeparator = (token: Token | undefined): boolean =>
    token?.kind === 'op' && ['\n', ';', '&&', '||', '&'].includes(token.value)

  const list = (closer: '}' | ')' | null): Pipeline[] => {
    const pipelines: Pipeline[] = []
    while (true) {
      while (isSeparator(peek())) index++
      const token = peek()
      if (token === undefined) {
        if (closer !== null) fail(`missing "${closer}"`, undefined)
        return pipelines
      }
      if (closer === '}' && isWord(token, '}')) return pipelines
      if (closer === ')' && token.kind === 'op' && token.value === ')') return pipelines
      pipelines.push(pipeline())
      const after = peek()
      if (after !== undefined && !isSeparator(after)) {
        const closes = (closer === '}' && isWord(after, '}')) || (closer === ')' && after.kind === 'op' && after.value === ')')
        if (!closes) fail(`unexpected "${after.kind === 'word' ? after.value : after.kind === 'op' ? after.value : after.op}"`, after)
      }
    }
  }

  const redirects = (into: Redirect[]): boolean => {
    const token = peek()
    if (token?.kind !== 'redirect') return false
    index++
    const target = peek()
    if (target?.kind !== 'word') return fail(`redirection "${token.op}" without a target`, token)
    index++
    into.push({ op: token.op, fd: token.fd, target, ...(token.heredoc !== undefined ? { heredoc: token.heredoc } : {}) })
    return true
  }

  const command = (): Command => {
    const token = peek()!
    if (isWord(token, '{') || (token.kind === 'op' && token.value === '(')) {
      index++
      const closer = token.kind === 'op' ? ')' : '}'
      const body = list(closer)
      index++
      const group: GroupCommand = { kind: 'group', body, redirects: [], at: token }
      while (redirects(group.redirects));
      return group
    }
    const simple: SimpleCommand = { kind: 'simple', words: [], redirects: [], at: token }
    while (true) {
      const next = peek()
      if (next === undefined) break
      if (next.kind === 'redirect') {
        redirects(simple.redirects)
        continue
      }
      if (next.kind !== 'word') break
      // "}" closes a group only in command position (after ";" or a newline), as in the shell.
      simple.words.push(next)
      index++
    }
    if (simple.words.length === 0 && simple.redirects.length === 0) {
      fail(`unexpected "${token.kind === 'op' ? (token.value === '\n' ? 'newline' : token.value) : '}'}"`, token)
    }
    return simple
  }

  const pipeline = (): Pipeline => {
    const stages: Pipeline = [command()]
    while (peek()?.kind === 'op' && (peek() as OperatorToken).value === '|') {
      index++
      while (peek()?.kind === 'op' && (peek() as OperatorToken).value === '\n') index++
      if (peek() === undefined) fail('a pipe "|" with no command after it', tokens[index - 1])
      stages.push(command())
    }
    return stages
  }

  const result = list(null)
  return result
}
