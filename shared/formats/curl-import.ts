// cURL import: a pasted curl command (Chrome's "Copy as cURL (bash)" or "(cmd)", a hand-written one,
// or what toCurl wrote) becomes a RequestSpec. It owns curl's option semantics; the shell syntax is
// shell-words.ts (POSIX shells) and cmd-words.ts (Windows cmd.exe). It must never read files, run anything or guess: an @file, a variable or an unknown
// option is an INVALID_INPUT error that names it.
//
// What curl itself would add without being asked (Host, its own User-Agent and Accept: */*,
// Content-Length) is not added here: the request holds what the command specifies, and the sender
// frames it. Headers the options imply (-u, -A, -e, -b, --compressed, -d, -F, --json) are added in
// the order curl sends them, unless a -H header of the same name replaces or removes them.
import { base64Encode, byteStringToBytes, byteStringToText, bytesToByteString, concatBytes } from './bytes'
import { buildMultipart, randomBoundary, splitLogin, splitUrl, type MultipartPart } from './http-parts'
import { isCmdSyntax, parseCmdScript } from './cmd-words'
import { HookscopeError, invalidInput } from './invalid-input'
import { describePosition, parseScript, type Command, type Pipeline, type WordToken } from './shell-words'
import type { Exchange, HeaderPair, RequestSpec } from './types'

export interface FromCurlOptions {
  /** Multipart boundary for -F bodies; random by default. */
  boundary?: string
}

/** One request from a command that runs curl exactly once. */
export function fromCurl(command: string, options: FromCurlOptions = {}): RequestSpec {
  const requests = fromCurlMany(command, options)
  if (requests.length !== 1) {
    throw invalidInput(
      requests.length === 0
        ? 'No curl command found'
        : `The text runs curl ${requests.length} times; import it as several requests`,
    )
  }
  return requests[0]!
}

/** Every curl invocation of a script (commands separated by newlines, ";" or "&&"), in order. */
export function fromCurlMany(script: string, options: FromCurlOptions = {}): RequestSpec[] {
  return readScriptOrSay(script, options).requests
}

/** As fromCurlMany, each request as an exchange that says how curl was told to send it (`-k`). */
export function fromCurlExchanges(script: string, options: FromCurlOptions = {}): Exchange[] {
  const { requests, insecure } = readScriptOrSay(script, options)
  return requests.map((request) => (insecure.has(request) ? { request, acceptSelfSigned: true } : { request }))
}

function readScriptOrSay(script: string, options: FromCurlOptions): Context {
  try {
    return readScript(script, options)
  } catch (error) {
    // Messages quote the command's words, which are bytes (one character each): shown as the text they are.
    if (error instanceof HookscopeError && error.code === 'INVALID_INPUT') throw invalidInput(byteStringToText(error.message))
    throw error
  }
}

function readScript(script: string, options: FromCurlOptions): Context {
  const context: Context = { source: script, options, requests: [], insecure: new Set() }
  const terminal: Stream = { data: null, consumed: false }
  // Lines continued with "^" and quotes escaped as ^" are Windows cmd's syntax, which bash reads otherwise.
  if (isCmdSyntax(script)) {
    for (const [name, ...args] of parseCmdScript(script)) {
      if (!/^(?:.*[\\/])?curl(?:\.exe)?$/i.test(name!.value)) {
        throw invalidInput(`Only curl commands can be imported; found "${name!.value}" at ${where(context, name!)}`)
      }
      context.requests.push(curlRequest(args, new Map([[0, terminal]]), context))
    }
    return context
  }
  // "$(printf '…')" in double quotes, as cURL export writes a request target that is not UTF-8.
  const printfOutput = (format: string, at: { line: number; column: number }) =>
    bytesToByteString(printf([{ kind: 'word', value: format, quoted: true, ...at }], context))
  runList(parseScript(script, { printf: printfOutput }), new Map([[0, terminal]]), context)
  return context
}

// ---- The few shell commands a curl paste uses --------------------------------------------------

interface Stream {
  /** null: the user's terminal, which a pasted command cannot be fed from. */
  data: Uint8Array | null
  consumed: boolean
}
type Descriptors = Map<number, Stream>

interface Context {
  source: string
  options: FromCurlOptions
  requests: RequestSpec[]
  /** The requests curl was told to send accepting any certificate (`-k`, `--insecure`). */
  insecure: Set<RequestSpec>
}

const EMPTY = new Uint8Array(0)

function where(context: Context, token: { line: number; column: number }): string {
  return describePosition(context.source, token)
}

function runList(pipelines: Pipeline[], fds: Descriptors, context: Context): Uint8Array {
  const outputs: Uint8Array[] = []
  for (const pipeline of pipelines) outputs.push(runPipeline(pipeline, fds, context))
  return concatBytes(outputs)
}

function runPipeline(stages: Pipeline, fds: Descriptors, context: Context): Uint8Array {
  let output: Uint8Array = EMPTY
  for (let i = 0; i < stages.length; i++) {
    const stageFds = new Map(fds)
    if (i > 0) stageFds.set(0, { data: output, consumed: false })
    const before = context.requests.length
    output = runCommand(stages[i]!, stageFds, context)
    // Stages after curl (| jq, | head...) only read its response; they do not change the request.
    if (context.requests.length > before) return EMPTY
  }
  return output
}

function runCommand(command: Command, inherited: Descriptors, context: Context): Uint8Array {
  const fds = new Map(inherited)
  for (const redirect of command.redirects) {
    const target = redirect.target.value
    const at = where(context, redirect.target)
    switch (redirect.op) {
      case '>':
      case '>>':
      case '>|':
      case '>&':
        break // Output goes elsewhere; the request is the same.
      case '<&': {
        const from = fds.get(Number(target))
        if (!/^\d+$/.test(target) || !from) throw invalidInput(`redirection "<&${target}" refers to no open input at ${at}`)
        fds.set(redirect.fd ?? 0, from)
        break
      }
      case '<<':
      case '<<-':
        fds.set(redirect.fd ?? 0, { data: byteStringToBytes(redirect.heredoc ?? '')!, consumed: false })
        break
      case '<<<':
        // A here-string: the word and a line break.
        fds.set(redirect.fd ?? 0, { data: byteStringToBytes(`${target}\n`)!, consumed: false })
        break
      case '<':
        if (target !== '/dev/null') throw invalidInput(`"< ${target}" reads a file, which cannot be read here (at ${at})`)
        fds.set(redirect.fd ?? 0, { data: EMPTY, consumed: false })
        break
      default:
        throw invalidInput(`redirection "${redirect.op}" is not supported (at ${at})`)
    }
  }
  if (command.kind === 'group') return runList(command.body, fds, context)
  if (command.words.length === 0) return EMPTY
  // A command copied with its prompt ("$ curl ..." as documentation shows it).
  const words = command.words[0]!.value === '$' && !command.words[0]!.quoted && command.words.length > 1 ? command.words.slice(1) : command.words
  const [name, ...args] = words
  const program = name!.value.replace(/^.*\//, '')
  if (program === 'curl' || program === 'curl.exe') {
    context.requests.push(curlRequest(args, fds, context))
    return EMPTY
  }
  if (program === 'printf') return printf(args, context)
  if (program === 'echo') return echo(args, context)
  throw invalidInput(`Only curl commands (optionally fed by printf or echo) can be imported; found "${name!.value}" at ${where(context, name!)}`)
}

const PRINTF_ESCAPES: Record<string, string> = {
  '\\': '\\',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  "'": "'",
}

/** printf as dash and bash run it: escapes in the format, %%, %s and %b; the format repeats for extra arguments. */
function printf(args: WordToken[], context: Context): Uint8Array {
  let rest = args
  if (rest[0]?.value === '--') rest = rest.slice(1)
  const format = rest[0]
  if (!format) throw invalidInput('printf without a format')
  const values = rest.slice(1).map((word) => word.value)
  let out = ''
  let stopped = false
  const escape = (text: string, i: number, inArgument: boolean): [string, number] => {
    const e = text[i + 1]
    if (e === undefined) return ['\\', i + 1]
    if (inArgument && e === 'c') {
      stopped = true
      return ['', text.length]
    }
    const simple = PRINTF_ESCAPES[e]
    if (simple !== undefined) return [simple, i + 2]
    // %b arguments take "\0nnn"; formats take "\nnn". Both read at most three octal digits after that.
    const octal = (inArgument ? /^0([0-7]{0,3})/ : /^([0-7]{1,3})/).exec(text.slice(i + 1))
    if (octal) return [String.fromCharCode(parseInt(octal[1] || '0', 8) & 0xff), i + 1 + octal[0].length]
    const hex = /^x([0-9A-Fa-f]{1,2})/.exec(text.slice(i + 1))
    if (hex) return [String.fromCharCode(parseInt(hex[1]!, 16)), i + 1 + hex[0].length]
    return [`\\${e}`, i + 2]
  }
  let next = 0
  do {
    const pattern = format.value
    for (let i = 0; i < pattern.length && !stopped; ) {
      const ch = pattern[i]!
      if (ch === '\\') {
        const [text, to] = escape(pattern, i, false)
        out += text
        i = to
      } else if (ch === '%') {
        const conversion = pattern[i + 1]
        if (conversion === '%') out += '%'
        else if (conversion === 's') out += values[next++] ?? ''
        else if (conversion === 'b') {
          const value = values[next++] ?? ''
          for (let k = 0; k < value.length && !stopped; ) {
            if (value[k] === '\\') {
              const [text, to] = escape(value, k, true)
              out += text
              k = to
            } else out += value[k++]
          }
        } else {
          throw invalidInput(`printf conversion "%${conversion ?? ''}" is not supported (only %s, %b and %%) at ${where(context, format)}`)
        }
        i += 2
      } else {
        out += ch
        i++
      }
    }
  } while (!stopped && next > 0 && next < values.length)
  return byteStringToBytes(out)!
}

function echo(args: WordToken[], context: Context): Uint8Array {
  let words = args.map((word) => word.value)
  let newline = true
  if (words[0] === '-n') {
    newline = false
    words = words.slice(1)
  }
  const escaped = args.find((word) => word.value.includes('\\') || /^-[eE]$/.test(word.value))
  if (escaped) {
    throw invalidInput(`echo treats backslashes differently in each shell; use printf instead (at ${where(context, escaped)})`)
  }
  return byteStringToBytes(words.join(' ') + (newline ? '\n' : ''))!
}

// ---- curl's options ------------------------------------------------------------------------------

interface CustomHeader {
  name: string
  /** null: "Name:" with nothing after it, which makes curl leave that header out. */
  value: string | null
}

interface CurlState {
  context: Context
  insecure?: boolean
  fds: Descriptors
  urls: WordToken[]
  method?: string
  head: boolean
  get: boolean
  headers: CustomHeader[]
  data: Array<{ bytes: string; json: boolean }>
  form: MultipartPart[]
  formFlag?: string
  dataFlag?: string
  authorization?: string
  userAgent?: string
  referer?: string
  cookies: string[]
  compressed: boolean
  json: boolean
  range?: string
  httpVersion?: string
  /** --request-target: sent in place of the URL's path and query, as it is. */
  requestTarget?: string
}

type ValueHandler = (state: CurlState, value: string, flag: string, token: WordToken) => void
type FlagHandler = (state: CurlState, on: boolean) => void

const ignoreValue: ValueHandler = () => {}
const ignoreFlag: FlagHandler = () => {}

/** What to write instead of a file an option reads, by what the file would have given. */
const INSTEAD_OF_FILE = {
  data: 'reads a file, which cannot be read here; paste the content into the command instead (for example with --data-raw)',
  headers: 'reads headers from a file, which cannot be read here; write each header as its own -H "Name: value" instead',
  form: 'reads a file, which cannot be read here; paste the content as a field instead (--form-string "name=content")',
} as const

/** Reads @file arguments: only the standard input or a descriptor the command itself feeds. */
function readFile(state: CurlState, file: string, flag: string, token: WordToken, prefix = '@', instead: keyof typeof INSTEAD_OF_FILE = 'data'): string {
  const at = where(state.context, token)
  const shown = `${flag} ${prefix}${file}`
  let fd: number | null = null
  if (file === '-' || file === '/dev/stdin') fd = 0
  else {
    const match = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/.exec(file)
    if (match) fd = Number(match[1])
  }
  if (fd === null) {
    throw invalidInput(
      `${shown} ${INSTEAD_OF_FILE[instead]} (at ${at})`,
    )
  }
  const stream = state.fds.get(fd)
  if (!stream) throw invalidInput(`${shown} reads descriptor ${fd}, which the command does not open (at ${at})`)
  if (stream.data === null) {
    throw invalidInput(`${shown} reads the standard input, but the command pipes nothing into curl (at ${at})`)
  }
  if (stream.consumed) return ''
  stream.consumed = true
  return bytesToByteString(stream.data)
}

function addHeaderLine(state: CurlState, line: string, flag: string, token: WordToken): void {
  const at = where(state.context, token)
  if (/[\r\n\0]/.test(line)) throw invalidInput(`${flag} "${line}": a header cannot contain a line break or NUL (at ${at})`)
  const colon = line.indexOf(':')
  if (colon > 0) {
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')
    state.headers.push({ name: line.slice(0, colon), value: value === '' ? null : value })
    return
  }
  // "Name;" is curl's way to send a header with an empty value.
  if (colon < 0 && /^[^;\s]+;$/.test(line)) {
    state.headers.push({ name: line.slice(0, -1), value: '' })
    return
  }
  throw invalidInput(`${flag} "${line}" is not a header: expected "Name: value" (at ${at})`)
}

function addData(state: CurlState, bytes: string, flag: string, json = false): void {
  state.data.push({ bytes, json })
  state.dataFlag ??= flag
}

// curl --data-urlencode: unreserved characters stay, spaces become "+", the rest %XX.
function curlUrlEncode(bytes: string): string {
  let out = ''
  for (const ch of bytes) {
    if (/[A-Za-z0-9\-._~]/.test(ch)) out += ch
    else if (ch === ' ') out += '+'
    else out += `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function parseFormField(state: CurlState, arg: string, flag: string, token: WordToken, literal: boolean): void {
  const at = where(state.context, token)
  const eq = arg.indexOf('=')
  if (eq <= 0) throw invalidInput(`${flag} "${arg}": expected name=value (at ${at})`)
  const name = arg.slice(0, eq)
  let rest = arg.slice(eq + 1)
  if (literal) {
    state.form.push({ name, value: byteStringToBytes(rest)! })
    return
  }
  let value: string
  if (rest.startsWith('"')) {
    let k = 1
    value = ''
    while (k < rest.length && rest[k] !== '"') {
      if (rest[k] === '\\' && k + 1 < rest.length) k++
      value += rest[k++]
    }
    if (k >= rest.length) throw invalidInput(`${flag} "${arg}": unterminated quote in the value (at ${at})`)
    rest = rest.slice(k + 1)
  } else {
    const params = /;\s*(type|filename|headers|encoder)=/i.exec(rest)
    value = params ? rest.slice(0, params.index) : rest
    rest = params ? rest.slice(params.index) : ''
  }
  const part: MultipartPart = { name, value: EMPTY }
  for (const param of rest.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const pe = param.indexOf('=')
    const key = (pe < 0 ? param : param.slice(0, pe)).toLowerCase()
    const paramValue = pe < 0 ? '' : param.slice(pe + 1).replace(/^"(.*)"$/, '$1')
    if (key === 'type') part.contentType = paramValue
    else if (key === 'filename') part.filename = paramValue
    else throw invalidInput(`${flag} "${arg}": the ";${key}=" parameter is not supported (at ${at})`)
  }
  if (value.startsWith('@') || value.startsWith('<')) {
    const file = value.slice(1)
    const content = readFile(state, file, flag, token, `${name}=${value[0]}`, 'form')
    // "@" uploads a file (its name is the part's filename); "<" sends its content as a text field.
    if (value.startsWith('@') && part.filename === undefined) part.filename = file === '-' ? '-' : file.replace(/^.*\//, '')
    if (value.startsWith('@')) part.contentType ??= 'application/octet-stream'
    part.value = byteStringToBytes(content)!
  } else {
    part.value = byteStringToBytes(value)!
  }
  state.form.push(part)
}

const valueOptions: Record<string, ValueHandler> = {
  '--request': (state, value) => {
    state.method = value
  },
  '--header': (state, value, flag, token) => {
    if (value.startsWith('@')) {
      const content = readFile(state, value.slice(1), flag, token, '@', 'headers')
      for (const line of content.split('\n')) {
        const trimmed = line.replace(/\r$/, '')
        if (trimmed !== '') addHeaderLine(state, trimmed, `${flag} ${value}`, token)
      }
    } else addHeaderLine(state, value, flag, token)
  },
  '--data': (state, value, flag, token) => {
    // curl strips carriage returns and newlines from files read by -d (not by --data-binary).
    if (value.startsWith('@')) addData(state, readFile(state, value.slice(1), flag, token).replace(/[\r\n]/g, ''), flag)
    else addData(state, value, flag)
  },
  '--data-raw': (state, value, flag) => addData(state, value, flag),
  '--data-binary': (state, value, flag, token) => {
    addData(state, value.startsWith('@') ? readFile(state, value.slice(1), flag, token) : value, flag)
  },
  '--data-urlencode': (state, value, flag, token) => {
    if (value.startsWith('=')) return addData(state, curlUrlEncode(value.slice(1)), flag)
    const split = value.search(/[=@]/)
    if (split < 0) return addData(state, curlUrlEncode(value), flag)
    const name = value.slice(0, split)
    const content = value[split] === '@' ? readFile(state, value.slice(split + 1), flag, token) : value.slice(split + 1)
    addData(state, name === '' ? curlUrlEncode(content) : `${name}=${curlUrlEncode(content)}`, flag)
  },
  '--json': (state, value, flag, token) => {
    state.json = true
    addData(state, value.startsWith('@') ? readFile(state, value.slice(1), flag, token) : value, flag, true)
  },
  '--form': (state, value, flag, token) => {
    state.formFlag ??= flag
    parseFormField(state, value, flag, token, false)
  },
  '--form-string': (state, value, flag, token) => {
    state.formFlag ??= flag
    parseFormField(state, value, flag, token, true)
  },
  '--user': (state, value, flag, token) => {
    if (!value.includes(':')) {
      throw invalidInput(`${flag} "${value}" has no password, so curl would ask for one; write ${flag} 'user:password' (at ${where(state.context, token)})`)
    }
    state.authorization = `Basic ${base64Encode(byteStringToBytes(value)!)}`
  },
  '--oauth2-bearer': (state, value) => {
    state.authorization = `Bearer ${value}`
  },
  '--cookie': (state, value, flag, token) => {
    if (value === '') return
    if (!value.includes('=')) {
      throw invalidInput(`${flag} "${value}" reads cookies from a file, which cannot be read here; write ${flag} 'name=value' (at ${where(state.context, token)})`)
    }
    state.cookies.push(value)
  },
  '--user-agent': (state, value) => {
    state.userAgent = value
  },
  '--referer': (state, value) => {
    state.referer = value.replace(/;auto$/, '')
  },
  '--url': (state, _value, _flag, token) => {
    state.urls.push(token)
  },
  '--range': (state, value) => {
    state.range = value
  },
  '--request-target': (state, value, flag, token) => {
    if (!value.startsWith('/')) throw invalidInput(`${flag} "${value}": only a path (starting with "/") can be imported (at ${where(state.context, token)})`)
    state.requestTarget = value
  },
  '--config': (state, value, flag, token) => {
    throw invalidInput(`${flag} ${value} reads a config file, which cannot be read here (at ${where(state.context, token)})`)
  },
  '--upload-file': (state, value, flag, token) => {
    throw invalidInput(`${flag} ${value} uploads a file, which cannot be read here (at ${where(state.context, token)})`)
  },
}
// Options that take a value but do not change the request's method, URL, headers or body.
for (const name of [
  '--output', '--write-out', '--max-time', '--connect-timeout', '--retry', '--retry-delay', '--retry-max-time',
  '--proxy', '--proxy-user', '--noproxy', '--cacert', '--capath', '--cert', '--key', '--cert-type', '--key-type',
  '--pass', '--resolve', '--connect-to', '--interface', '--cookie-jar', '--dump-header', '--trace', '--trace-ascii',
  '--stderr', '--limit-rate', '--max-filesize', '--max-redirs', '--output-dir', '--speed-limit', '--speed-time',
  '--expect100-timeout', '--keepalive-time', '--ciphers', '--tls13-ciphers', '--tls-max', '--pinnedpubkey',
  '--dns-servers', '--unix-socket', '--abstract-unix-socket', '--happy-eyeballs-timeout-ms', '--proto',
  '--proto-redir', '--proto-default', '--crlfile', '--curves', '--trace-config', '--etag-save', '--etag-compare',
]) {
  valueOptions[name] = ignoreValue
}

const setVersion = (version: string): FlagHandler => (state, on) => {
  if (on) state.httpVersion = version
}

const flagOptions: Record<string, FlagHandler> = {
  '--insecure': (state, on) => {
    state.insecure = on
  },
  '--get': (state, on) => {
    state.get = on
  },
  '--head': (state, on) => {
    state.head = on
  },
  '--compressed': (state, on) => {
    state.compressed = on
  },
  '--http1.0': setVersion('1.0'),
  '--http1.1': setVersion('1.1'),
  '--http2': setVersion('2.0'),
  '--http2-prior-knowledge': setVersion('2.0'),
  '--http3': setVersion('3.0'),
  '--http3-only': setVersion('3.0'),
}
for (const name of [
  '--location', '--location-trusted', '--silent', '--show-error', '--verbose', '--include', '--fail',
  '--fail-with-body', '--fail-early', '--progress-bar', '--no-progress-meter', '--path-as-is', '--globoff',
  '--remote-name', '--remote-name-all', '--remote-header-name', '--no-buffer', '--buffer', '--keepalive', '--tcp-nodelay',
  '--tcp-fastopen', '--ipv4', '--ipv6', '--netrc', '--netrc-optional', '--post301', '--post302', '--post303', '--raw',
  '--ssl', '--ssl-reqd', '--tlsv1', '--tlsv1.0', '--tlsv1.1', '--tlsv1.2', '--tlsv1.3', '--sslv2', '--sslv3',
  '--disable', '--styled-output', '--parallel', '--basic', '--alpn', '--npn', '--sessionid', '--false-start',
  '--cert-status', '--ssl-no-revoke', '--ssl-allow-beast', '--proxy-insecure', '--suppress-connect-headers', '--xattr',
  '--remote-time', '--create-dirs', '--proxytunnel', '--ignore-content-length', '--http0.9', '--disallow-username-in-url',
  '--clobber', '--remove-on-error', '--tr-encoding', '--retry-connrefused', '--retry-all-errors', '--compressed-ssh',
]) {
  flagOptions[name] = ignoreFlag
}

const shortOptions: Record<string, string> = {
  X: '--request', H: '--header', d: '--data', F: '--form', u: '--user', b: '--cookie', A: '--user-agent',
  e: '--referer', r: '--range', K: '--config', T: '--upload-file', o: '--output', w: '--write-out', m: '--max-time',
  x: '--proxy', U: '--proxy-user', E: '--cert', c: '--cookie-jar', D: '--dump-header', Y: '--speed-limit',
  y: '--speed-time', G: '--get', I: '--head', k: '--insecure', L: '--location', s: '--silent', S: '--show-error',
  v: '--verbose', i: '--include', f: '--fail', '#': '--progress-bar', '0': '--http1.0', '1': '--tlsv1', '2': '--sslv2',
  '3': '--sslv3', '4': '--ipv4', '6': '--ipv6', O: '--remote-name', J: '--remote-header-name', N: '--no-buffer',
  n: '--netrc', q: '--disable', Z: '--parallel', R: '--remote-time', p: '--proxytunnel', g: '--globoff',
}
// Aliases that mean the same as another long option.
const longAliases: Record<string, string> = { '--data-ascii': '--data', '--no-keepalive': '--keepalive' }
// Options whose effect cannot be represented as one plain request.
const unsupported: Record<string, string> = {
  '--digest': 'Digest authentication needs a challenge from the server',
  '--ntlm': 'NTLM authentication needs a challenge from the server',
  '--negotiate': 'Negotiate authentication needs a challenge from the server',
  '--anyauth': 'it picks the authentication from the server\'s challenge',
  '--aws-sigv4': 'the signature is computed by curl at send time',
  '--time-cond': 'the condition is computed by curl at send time',
  '--continue-at': 'the range depends on a local file',
  '--variable': 'variables are expanded by curl at run time',
  '--expand-url': 'variables are expanded by curl at run time',
}

function curlRequest(args: WordToken[], fds: Descriptors, context: Context): RequestSpec {
  const state: CurlState = {
    context,
    fds,
    urls: [],
    head: false,
    get: false,
    headers: [],
    data: [],
    form: [],
    cookies: [],
    compressed: false,
    json: false,
  }
  const needValue = (flag: string, token: WordToken, index: number): WordToken => {
    const value = args[index]
    if (!value) throw invalidInput(`curl option ${flag} needs a value (at ${where(context, token)})`)
    return value
  }
  let optionsEnded = false
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!
    const arg = token.value
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      state.urls.push(token)
      continue
    }
    if (arg === '--') {
      optionsEnded = true
      continue
    }
    if (arg.startsWith('--')) {
      let name = longAliases[arg] ?? arg
      const reason = unsupported[name]
      if (reason) throw invalidInput(`curl option ${arg} is not supported: ${reason} (at ${where(context, token)})`)
      const valueHandler = valueOptions[name]
      if (valueHandler) {
        const value = needValue(arg, token, ++i)
        valueHandler(state, value.value, arg, name === '--url' ? value : token)
        continue
      }
      let on = true
      if (!flagOptions[name] && name.startsWith('--no-') && flagOptions[`--${name.slice(5)}`]) {
        name = `--${name.slice(5)}`
        on = false
      }
      const flagHandler = flagOptions[name]
      if (flagHandler) {
        flagHandler(state, on)
        continue
      }
      const hint = arg.includes('=') ? ` (curl takes the value as the next word: ${arg.replace('=', ' ')})` : ''
      throw invalidInput(`unknown curl option ${arg}${hint} at ${where(context, token)}`)
    }
    // A cluster of short options: -sSL, -XPOST, -H'X: y'. An option that takes a value ends it.
    for (let k = 1; k < arg.length; k++) {
      const letter = arg[k]!
      const name = shortOptions[letter]
      if (!name) throw invalidInput(`unknown curl option -${letter} at ${where(context, token)}`)
      const reason = unsupported[name]
      if (reason) throw invalidInput(`curl option -${letter} is not supported: ${reason} (at ${where(context, token)})`)
      const valueHandler = valueOptions[name]
      if (valueHandler) {
        const attached = arg.slice(k + 1)
        const valueToken = attached !== '' ? { ...token, value: attached } : needValue(`-${letter}`, token, ++i)
        valueHandler(state, valueToken.value, `-${letter}`, valueToken)
        break
      }
      flagOptions[name]!(state, true)
    }
  }
  return finish(state)
}

/**
 * The URL as curl sends it: curl percent-encodes the bytes beyond ASCII of a URL's path
 * (`/café` goes out as `/caf%c3%a9`; written here in capitals, as a URL parser writes them, the same
 * bytes to a server), and sends its query as it is. Kept raw, such a path would be sent
 * on a replay as bytes that most servers refuse (400).
 */
function encodePathAsCurl(url: string): string {
  const parts = splitUrl(url)
  if (!parts) return url
  const end = parts.rest.search(/[?#]/)
  const pathPart = end < 0 ? parts.rest : parts.rest.slice(0, end)
  if (!/[\x80-\xff]/.test(pathPart)) return url
  const encoded = pathPart.replace(/[\x80-\xff]/g, (byte) => `%${byte.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${parts.scheme}://${parts.authority}${encoded}${end < 0 ? '' : parts.rest.slice(end)}`
}

function finish(state: CurlState): RequestSpec {
  const { context } = state
  if (state.urls.length === 0) throw invalidInput('The curl command has no URL')
  if (state.urls.length > 1) {
    const extra = state.urls[1]!
    throw invalidInput(`The curl command has more than one URL ("${extra.value}" at ${where(context, extra)}); import one request per command`)
  }
  let url = state.urls[0]!.value
  if (!splitUrl(url)) url = `http://${url.replace(/^\/\//, '')}`
  if (state.requestTarget !== undefined) {
    const parts = splitUrl(url)!
    url = `${parts.scheme}://${parts.authority}${state.requestTarget}`
  } else {
    url = encodePathAsCurl(url)
  }
  // A user and password in the URL are sent as curl sends them: as Basic authentication (unless -u
  // gives other ones), the request target without them.
  const login = splitLogin(url)
  if (login) {
    state.authorization ??= `Basic ${base64Encode(byteStringToBytes(login.credentials)!)}`
    url = login.url
  }
  if (state.form.length > 0 && state.data.length > 0) {
    throw invalidInput(`${state.formFlag} and ${state.dataFlag} cannot be combined (curl refuses this too)`)
  }
  if (state.head && !state.get && (state.data.length > 0 || state.form.length > 0)) {
    throw invalidInput(`-I/--head cannot be combined with ${state.formFlag ?? state.dataFlag} (curl refuses this too)`)
  }

  let body: Uint8Array = EMPTY
  let contentType: string | undefined
  let boundary: string | undefined
  if (state.data.length > 0) {
    const joined = state.data.map((piece, i) => (i > 0 && !piece.json ? '&' : '') + piece.bytes).join('')
    if (state.get) {
      const hash = url.indexOf('#')
      const base = hash < 0 ? url : url.slice(0, hash)
      const fragment = hash < 0 ? '' : url.slice(hash)
      url = `${base}${base.includes('?') ? '&' : '?'}${joined}${fragment}`
    } else {
      body = byteStringToBytes(joined)!
      contentType = state.json ? 'application/json' : 'application/x-www-form-urlencoded'
    }
  } else if (state.form.length > 0) {
    boundary = context.options.boundary ?? randomBoundary()
    body = buildMultipart(state.form, boundary)
    contentType = `multipart/form-data; boundary=${boundary}`
  }

  const method =
    state.method ??
    (state.head ? 'HEAD' : state.get ? 'GET' : state.data.length > 0 || state.form.length > 0 ? 'POST' : 'GET')

  const named = new Set(state.headers.map((header) => header.name.toLowerCase()))
  const implied = (name: string, value: string | undefined): HeaderPair[] =>
    value === undefined || value === '' || named.has(name.toLowerCase()) ? [] : [[name, value]]
  const custom: HeaderPair[] = []
  for (const header of state.headers) {
    if (header.value === null) continue
    let value = header.value
    // With -F, curl adds the boundary to a custom multipart Content-Type that lacks one.
    if (boundary && header.name.toLowerCase() === 'content-type' && /^multipart\//i.test(value) && !/boundary=/i.test(value)) {
      value = `${value}; boundary=${boundary}`
    }
    custom.push([header.name, value])
  }
  const headers: HeaderPair[] = [
    ...implied('Authorization', state.authorization),
    ...implied('User-Agent', state.userAgent),
    ...implied('Accept-Encoding', state.compressed ? 'deflate, gzip, br, zstd' : undefined),
    ...implied('Referer', state.referer),
    ...implied('Cookie', state.cookies.length > 0 ? state.cookies.join(';') : undefined),
    ...implied('Range', state.range === undefined ? undefined : `bytes=${state.range}`),
    ...custom,
    ...implied('Content-Type', contentType),
    ...implied('Accept', state.json ? 'application/json' : undefined),
  ]

  const request: RequestSpec = { method, url, headers, body }
  if (state.httpVersion) request.httpVersion = state.httpVersion
  if (state.insecure) context.insecure.add(request)
  return request
}

