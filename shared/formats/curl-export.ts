// cURL export: one RequestSpec becomes one command line that any POSIX shell (sh/dash, bash, zsh)
// runs to send the same request. It owns the quoting and curl's quirks; it must never emit anything
// the shell would expand or split: every argument is single-quoted (a quote inside becomes '\''), no
// variables, no backquotes, no newline outside an escape. Bytes that a single-quoted argument cannot
// carry (control characters, NUL, invalid UTF-8, bidi overrides that would disguise the text) go
// through a printf format made of octal escapes, piped into curl's standard input; so does a body
// starting with "@", which curl would take for the name of a local file to upload. The one command
// substitution is a request target that is not UTF-8: "$(printf '…')", a format of our own escapes.
//
// The shapes it writes, from simplest to fullest:
//   curl -q [-sS] 'URL' [--request-target 'T'] [--http1.0] [-X M|-I] --path-as-is -g -H 'Name: value'... [--data-binary 'text']
//   printf 'BODY' | curl ... --data-binary @-                     body that is not plain text
//   printf 'HEADERS' | curl ... -H @- ...                          a header that is not plain text
//   printf 'BODY' | { printf 'HEADERS' | curl ... -H @- --data-binary @/dev/fd/3 'URL'; } 3<&0
//
// What the server receives, measured with curl 7.88 against node:http (test/shared/formats):
// - The method, body bytes, and all headers other than Host keep their order, case, duplicates and
//   bytes. curl's own headers are switched off when the original lacked them (-H 'User-Agent:',
//   -H 'Accept:', -H 'Content-Type:' for a body, -H 'Expect:' for bodies over 1 KiB, -H 'Host:' unless
//   `hostFromUrl`: a saved request that lists no Host then gets curl's, as Hookscope sends it), and
//   a header with an empty value is written "Name;", curl's syntax for it.
// - Not reproducible: curl always sends Host first and spells it "Host", and sends only the first of
//   several Host headers. A request without Content-Length or Transfer-Encoding but with a body gets
//   curl's Content-Length after the other headers. A stale Content-Length is corrected to the body's
//   length (sending it would desynchronize the server). A chunked body is re-chunked by curl (same
//   bytes, different chunk sizes). The fragment ("#...") is not sent, and request-target spaces and
//   control bytes are percent-encoded (curl refuses spaces; no request line can carry them). Bytes
//   beyond ASCII go out as they are, through --request-target (curl would percent-encode them in the
//   path), in "$(printf '…')" when they are not UTF-8. HTTP/2 lowercases header names.
import { byteStringToBytes, textToByteString, utf8DecodeStrict } from './bytes'
import { hasHeader, isPseudoHeader, requestTargetOf, splitUrl } from './http-parts'
import { invalidInput, parseOrThrow } from './invalid-input'
import { RequestSpec, type HeaderPair } from './types'

export interface ToCurlOptions {
  /** The only dialect written: POSIX sh, which dash, bash and zsh all accept. */
  shell?: 'posix'
  /**
   * A line of a script of many commands (an export): `-sS`, so that a script run with its output
   * redirected prints no progress meter for each command, only curl's errors. A single command (Copy
   * as cURL) goes without, as browsers write it.
   */
  script?: boolean
  /** Accept the server's certificate whoever signed it (`--insecure`): the request accepts a self-signed one. */
  insecure?: boolean
  /**
   * A request that lists no Host is sent with curl's, from the URL, as Hookscope sends a saved request
   * (one typed in the Composer lists none). Without it, none is sent: a capture that came without Host
   * is copied as it came.
   */
  hostFromUrl?: boolean
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Above this size an argument is sent through printf (a shell builtin) instead: the kernel refuses a
// single exec argument longer than 128 KiB on Linux.
const MAX_INLINE_BYTES = 64 * 1024
// curl adds "Expect: 100-continue" to larger uploads (1 MiB in curl 7.88, 1 KiB in older versions).
const EXPECT_THRESHOLD = 1024

/** A POSIX single-quoted word: nothing inside is special except the quote itself. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

// Characters that a terminal or a reader would not show as themselves.
function hasInvisible(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text)
}

/** The text a byte string stands for, if it can be written inside single quotes and mean the same bytes. */
function inlineText(bytes: Uint8Array): string | null {
  if (bytes.length > MAX_INLINE_BYTES) return null
  const text = utf8DecodeStrict(bytes)
  if (text === null || hasInvisible(text) || text.includes('\uFEFF')) return null
  return text
}

function byteStringText(value: string): string | null {
  const bytes = byteStringToBytes(value)
  return bytes ? inlineText(bytes) : null
}

// What printf prints each byte from, as itself or escaped, and as a three-digit octal escape.
const OCTAL = Array.from({ length: 256 }, (_, byte) => `\\${byte.toString(8).padStart(3, '0')}`)
const PLAIN = Array.from({ length: 256 }, (_, byte) => {
  if (byte === 0x5c) return '\\\\'
  if (byte === 0x25) return '%%'
  if (byte === 0x27) return `'\\''`
  if (byte === 0x0a) return '\\n'
  if (byte === 0x09) return '\\t'
  if (byte === 0x0d) return '\\r'
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : OCTAL[byte]!
})
const OCTAL_BYTES = OCTAL.map((text) => Uint8Array.from(text, (ch) => ch.charCodeAt(0)))
const PLAIN_BYTES = PLAIN.map((text) => Uint8Array.from(text, (ch) => ch.charCodeAt(0)))
/** 1 for the bytes printf is always given as octal. */
const ESCAPED_OCTAL = Uint8Array.from(PLAIN, (text, byte) => (text === OCTAL[byte] ? 1 : 0))
const latinDecoder = new TextDecoder('latin1')
/** ASCII bytes as a string (TextDecoder's latin1 is windows-1252, the same over ASCII). */
const latin1 = (bytes: Uint8Array) => latinDecoder.decode(bytes)
/** Bytes of a body written per piece of its printf format. */
export const PRINTF_PIECE_BYTES = 64 * 1024

/**
 * A printf format (inside single quotes) that prints exactly these bytes in dash, bash and zsh:
 * printable ASCII as itself, %% and \\ for the two format characters, \n \t \r, and three-digit
 * octal for everything else. A digit right after an octal escape is escaped too, because zsh reads
 * "\0NNN" (four digits) where dash and bash read "\0NN" and a digit. A leading "-" is escaped so
 * printf cannot take the format for an option. Given in pieces, each from 64 KiB of the bytes, so
 * that a large body's format is written out as it is made.
 */
export function* printfFormatPieces(bytes: Uint8Array, quoteAsOctal = false): Generator<string> {
  // The format is ASCII: written as bytes, at most 4 per byte, and read back as one string per piece.
  const out = new Uint8Array(Math.min(bytes.length, PRINTF_PIECE_BYTES) * 4)
  let afterOctal = false
  for (let start = 0; start < bytes.length; start += PRINTF_PIECE_BYTES) {
    const end = Math.min(bytes.length, start + PRINTF_PIECE_BYTES)
    let at = 0
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!
      const octal: boolean =
        ESCAPED_OCTAL[byte] === 1 || (afterOctal && byte >= 0x30 && byte <= 0x39) || (byte === 0x2d && i === 0) || (quoteAsOctal && byte === 0x27)
      const piece = octal ? OCTAL_BYTES[byte]! : PLAIN_BYTES[byte]!
      for (let k = 0; k < piece.length; k++) out[at++] = piece[k]!
      afterOctal = octal
    }
    yield latin1(out.subarray(0, at))
  }
}

/**
 * The printf format of these bytes as one string (see printfFormatPieces); `quoteAsOctal` writes a
 * single quote as \047, for a format that must hold no quote of its own (one in "$(printf '…')").
 */
export function printfFormat(bytes: Uint8Array, quoteAsOctal = false): string {
  return [...printfFormatPieces(bytes, quoteAsOctal)].join('')
}

const percentByte = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`

/** The URL as curl needs it: bytes outside visible ASCII percent-encoded (curl refuses spaces). */
function curlUrl(url: string): string {
  const bytes = byteStringToBytes(textToByteString(url))!
  let out = ''
  for (const byte of bytes) out += byte > 0x20 && byte < 0x7f ? String.fromCharCode(byte) : percentByte(byte)
  return out
}

/**
 * The request target to send as it is, when curl would change it: curl percent-encodes the bytes
 * beyond ASCII of a URL's path (a latin1 "é" goes out as %E9, UTF-8 "é" as %C3%A9), so a target
 * holding any is given to --request-target, which curl sends verbatim. Spaces and control bytes,
 * which no request line can carry, are percent-encoded as in the URL. null when the URL is enough.
 */
function exactTarget(url: string): Uint8Array | null {
  const target = byteStringToBytes(textToByteString(requestTargetOf(url).replace(/#[\s\S]*$/, '')))!
  if (!target.some((byte) => byte >= 0x80)) return null
  let out = ''
  for (const byte of target) out += byte > 0x20 && byte !== 0x7f ? String.fromCharCode(byte) : percentByte(byte)
  return byteStringToBytes(out)
}

/**
 * A word the shell turns into these bytes: single-quoted when they are plain text, else (bytes that
 * are not UTF-8, which no pasted text can hold) what printf prints from octal escapes, in double
 * quotes so that nothing of it is split. The format holds no quote and nothing the shell expands.
 */
function bytesWord(bytes: Uint8Array): string {
  const text = inlineText(bytes)
  return text !== null ? shellQuote(text) : `"$(printf '${printfFormat(bytes, true)}')"`
}

function checkRequest(request: RequestSpec): void {
  if (!TOKEN.test(request.method)) throw invalidInput(`The method "${request.method}" is not an HTTP token; curl cannot send it`)
  if (!splitUrl(request.url)) throw invalidInput(`The URL "${request.url}" is not absolute; curl needs scheme://host`)
  request.headers.forEach(([name, value], index) => {
    if (isPseudoHeader(name)) return
    if (!TOKEN.test(name)) throw invalidInput(`headers[${index}]: the name "${name}" is not an HTTP token; curl cannot send it`)
    if (/[\r\n\0]/.test(value)) {
      throw invalidInput(`headers[${index}] (${name}): the value contains a line break or NUL; curl cannot send it`)
    }
  })
}

/** Header lines for -H, in order, then the lines that switch curl's own headers off. */
function headerLines(request: RequestSpec, hostFromUrl: boolean): string[] {
  const headers: HeaderPair[] = request.headers.filter(([name]) => !isPseudoHeader(name))
  const lines = headers.map(([name, value]) => {
    if (name.toLowerCase() === 'content-length' && value.trim() !== String(request.body.length)) {
      return `${name}: ${request.body.length}`
    }
    return value.trim() === '' ? `${name};` : `${name}: ${value}`
  })
  const off = (name: string) => {
    if (!hasHeader(headers, name)) lines.push(`${name}:`)
  }
  if (!hostFromUrl) off('Host')
  off('User-Agent')
  off('Accept')
  if (request.body.length > 0) {
    off('Content-Type')
    if (request.body.length > EXPECT_THRESHOLD) off('Expect')
  }
  return lines
}

function versionFlag(request: RequestSpec, scheme: string): string | null {
  const version = request.httpVersion?.replace(/^HTTP\//i, '')
  if (version === '1.0') return '--http1.0'
  if (version === '2' || version === '2.0') return '--http2'
  // For https curl would negotiate HTTP/2 and lowercase every header name.
  if (scheme.toLowerCase() === 'https') return '--http1.1'
  return null
}

/**
 * The command in pieces that join into toCurl's text: a large body's printf format comes piece by
 * piece, so that an export writes it out without ever holding it whole. The request is checked
 * before the first piece.
 */
export function toCurlPieces(request: RequestSpec, options: ToCurlOptions = {}): Iterable<string> {
  const req = parseOrThrow(RequestSpec, request, 'request')
  checkRequest(req)
  const scheme = splitUrl(req.url)!.scheme
  // -q (it must come first) keeps a ~/.curlrc from adding headers or options of its own.
  const args: string[] = ['curl', '-q', ...(options.script ? ['-sS'] : []), ...(options.insecure ? ['--insecure'] : []), shellQuote(curlUrl(req.url))]
  const target = exactTarget(req.url)
  if (target) args.push('--request-target', bytesWord(target))

  const version = versionFlag(req, scheme)
  if (version) args.push(version)
  const hasBody = req.body.length > 0
  const method = req.method
  if (!hasBody && method === 'HEAD') args.push('-I')
  else if (hasBody ? method !== 'POST' : method !== 'GET') args.push('-X', shellQuote(method))
  // Keep "/../" and "[" "{" as written instead of curl normalizing or globbing them.
  args.push('--path-as-is', '-g')

  const lines = headerLines(req, options.hostFromUrl === true)
  const inlineLines = lines.map(byteStringText)
  const headersViaStdin = inlineLines.some((line) => line === null)
  if (headersViaStdin) args.push('-H', '@-')
  else for (const line of inlineLines) args.push('-H', shellQuote(line!))

  let bodyFormat = false
  if (hasBody) {
    // A value starting with "@" would make curl upload a local file of that name instead.
    const text = req.body[0] === 0x40 ? null : inlineText(req.body)
    if (text !== null) args.push('--data-binary', shellQuote(text))
    else {
      bodyFormat = true
      args.push('--data-binary', headersViaStdin ? '@/dev/fd/3' : '@-')
    }
  }

  const curl = args.join(' ')
  const headerFormat = headersViaStdin
    ? printfFormat(byteStringToBytes(lines.map((line) => `${line}\n`).join(''))!)
    : null
  const body = req.body
  if (headerFormat !== null && bodyFormat) {
    // Two streams: the body arrives on descriptor 3 (a copy of the group's input), the headers on stdin.
    return printfPiped(body, `' | { printf '${headerFormat}' | ${curl}; } 3<&0`)
  }
  if (headerFormat !== null) return [`printf '${headerFormat}' | ${curl}`]
  if (bodyFormat) return printfPiped(body, `' | ${curl}`)
  return [curl]
}

function* printfPiped(body: Uint8Array, rest: string): Generator<string> {
  yield `printf '`
  yield* printfFormatPieces(body)
  yield rest
}

export function toCurl(request: RequestSpec, options: ToCurlOptions = {}): string {
  return [...toCurlPieces(request, options)].join('')
}

/** A script: one command per line, in order, each without curl's progress meter (`script`). */
export function toCurlMany(requests: readonly RequestSpec[], options: ToCurlOptions = {}): string {
  return requests.map((request) => toCurl(request, { script: true, ...options })).join('\n')
}
