// A reader for commands written for Windows cmd.exe, as Chrome's and Edge's "Copy as cURL (cmd)"
// write them: each argument in ^"...^", every special character escaped with ^, a quote inside an
// argument as \^", a line continued with ^ at its end, a newline inside an argument as ^ and two
// line breaks, and several commands joined by " &" ("Copy all as cURL (cmd)"); and for PowerShell,
// as Firefox's "Copy as cURL (Windows)" writes them or as typed there. It never runs or
// expands anything: a pipe or redirection is an error naming its place, and %NAME% stays as written.
//
// Two readers take turns, as on Windows: cmd.exe removes its escapes and splits commands, then the
// program's C runtime splits the line into arguments (quotes, and backslashes before a quote).
// Words come out as byte strings, literal text as UTF-8, like shell-words.ts gives them.
import { textToByteString } from './bytes'
import { invalidInput } from './invalid-input'
import { describePosition, type Position, type WordToken } from './shell-words'

interface Char {
  ch: string
  at: Position
  /** Escaped for PowerShell (`" or `$): taken as it stands, never as a quote. */
  literal?: boolean
}

/**
 * Whether a pasted command is written for Windows rather than a POSIX shell: lines continued with
 * "^", quotes escaped as ^", or for PowerShell (see isPowerShellSyntax).
 */
export function isCmdSyntax(script: string): boolean {
  if (isPowerShellSyntax(script)) return true
  return /^\s*curl\s/i.test(script) && (/[ \t]\^\r?\n/.test(script) || /\^"/.test(script))
}

/**
 * Whether a pasted command is written for PowerShell: curl called as curl.exe (as Firefox's "Copy as
 * cURL (Windows)" writes it, with a quote inside an argument doubled, which a POSIX shell would drop,
 * and as Windows PowerShell needs it, its "curl" being Invoke-WebRequest), or lines continued with a
 * backtick (PowerShell 7, whose "curl" is curl.exe).
 */
function isPowerShellSyntax(script: string): boolean {
  if (/^\s*curl\.exe\s/i.test(script)) return true
  return /^\s*curl\s/i.test(script) && /[ \t]`\r?\n/.test(script)
}

/** The commands of a cmd.exe script, each as its words (the program name first). */
export function parseCmdScript(source: string): WordToken[][] {
  // A command for PowerShell, as Firefox's "Copy as cURL (Windows)" writes it or as typed there,
  // escapes with a backtick: `$ for a dollar sign (Firefox writes every $ so), `" for a quote, `` for
  // a backtick, and a backtick at the end of a line continues it. Text in single quotes is taken as
  // it stands, a quote inside doubled ('it''s').
  const powershell = isPowerShellSyntax(source)
  const commands: Char[][] = [[]]
  let line = 1
  let lineStart = 0
  const here = (index: number): Position => ({ line, column: index - lineStart + 1 })
  const newline = (index: number) => {
    line++
    lineStart = index + 1
  }
  let quoted = false
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!
    const current = commands[commands.length - 1]!
    // Spaces copied after a continuation: the shell would end the command there and take the next
    // line for another one.
    if ((ch === '^' || (ch === '`' && powershell)) && !quoted && /^[ \t]+(?:\r?\n|$)/.test(source.slice(i + 1, i + 200))) {
      throw invalidInput(
        `a "${ch}" followed by spaces does not continue the command on the next line (remove the spaces after it) at ${describePosition(source, here(i))}`,
      )
    }
    if (ch === '^' && !quoted) {
      // ^ at the end of a line continues it, and the first character of the next line is taken as
      // it stands (a line break there is one inside the argument: "^" and two line breaks).
      // The escaped character is placed where its ^ stands, unless the ^ ended a line.
      let at = here(i)
      let next = i + 1
      if (source[next] === '\r' && source[next + 1] === '\n') next++
      if (source[next] === '\n') {
        newline(next)
        next++
        if (source[next] === '\r' && source[next + 1] === '\n') next++
        at = here(next)
      }
      if (next >= source.length) break
      current.push({ ch: source[next]!, at })
      if (source[next] === '\n') newline(next)
      i = next
      continue
    }
    if (ch === '`' && powershell) {
      let next = i + 1
      if (source[next] === '\r' && source[next + 1] === '\n') next++
      if (source[next] === '\n' && !quoted) {
        newline(next)
        i = next
        continue
      }
      if (source[next] === '$' || source[next] === '"' || source[next] === '`') {
        current.push({ ch: source[next]!, at: here(i), literal: true })
        i = next
        continue
      }
    }
    if (ch === "'" && powershell && !quoted) {
      const start = here(i)
      let k = i + 1
      // An empty '' is still an argument (curl.exe -d '' sends an empty body).
      current.push({ ch: '', at: start, literal: true })
      while (true) {
        if (k >= source.length) throw invalidInput(`unterminated single quote at ${describePosition(source, start)}`)
        if (source[k] === "'") {
          if (source[k + 1] !== "'") break
          k++
        }
        current.push({ ch: source[k]!, at: here(k), literal: true })
        if (source[k] === '\n') newline(k)
        k++
      }
      i = k
      continue
    }
    if (ch === '\r' && source[i + 1] === '\n') continue
    if (ch === '"') quoted = !quoted
    if (ch === '\n' || (ch === '&' && !quoted)) {
      if (ch === '\n') {
        newline(i)
        quoted = false
      }
      if (current.length > 0) commands.push([])
      continue
    }
    if ((ch === '|' || ch === '<' || ch === '>') && !quoted) {
      throw invalidInput(`"${ch}" (a pipe or redirection) is not supported in a cmd command at ${describePosition(source, here(i))}`)
    }
    current.push({ ch, at: here(i) })
  }
  return commands.map(splitArguments).filter((words) => words.length > 0)
}

/** The C runtime's rules: blanks split, quotes group, 2n backslashes before a quote are n and the quote groups, 2n+1 are n and a literal quote. */
function splitArguments(chars: Char[]): WordToken[] {
  const words: WordToken[] = []
  let inWord = false
  let value = ''
  let start: Position = { line: 1, column: 1 }
  let quoted = false
  let wasQuoted = false
  const begin = (at: Position) => {
    if (inWord) return
    inWord = true
    value = ''
    start = at
    wasQuoted = false
  }
  const end = () => {
    if (inWord) words.push({ kind: 'word', value: textToByteString(value), quoted: wasQuoted, ...start })
    inWord = false
  }
  for (let i = 0; i < chars.length; ) {
    const { ch, at, literal } = chars[i]!
    if (literal) {
      begin(at)
      value += ch
      i++
      continue
    }
    if (ch === '\\') {
      let run = 0
      while (chars[i + run]?.ch === '\\') run++
      begin(at)
      if (chars[i + run]?.ch === '"') {
        value += '\\'.repeat(Math.floor(run / 2))
        if (run % 2 === 1) {
          value += '"'
          i += run + 1
        } else i += run
      } else {
        value += '\\'.repeat(run)
        i += run
      }
      continue
    }
    if (ch === '"') {
      begin(at)
      wasQuoted = true
      if (quoted && chars[i + 1]?.ch === '"') {
        value += '"'
        i += 2
        continue
      }
      quoted = !quoted
      i++
      continue
    }
    if ((ch === ' ' || ch === '\t') && !quoted) {
      end()
      i++
      continue
    }
    begin(at)
    value += ch
    i++
  }
  end()
  return words
}
