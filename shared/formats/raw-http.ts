// Raw HTTP/1.x request messages: the request line, the header lines, a blank line and the body,
// exactly as they would cross the wire; also read: the header block browsers copy for an HTTP/2
// request, pseudo-headers (:method, :path...) in place of the request line. It owns the message framing (Content-Length and chunked);
// it must never let a header value or a target add lines of its own (CR, LF and NUL are refused).
//
// Input may use CRLF or bare LF line ends. A string is read as typed text and UTF-8 encoded; pass a
// Uint8Array to give exact bytes. With Content-Length the body is exactly that many bytes (trailing
// line ends after it are allowed, anything else is an error); with Transfer-Encoding: chunked the
// chunks are decoded (trailer fields are dropped: the model has no place for them); with neither,
// the body is everything after the blank line.
import { byteStringToBytes, byteStringToText, bytesToByteString, concatBytes, textToByteString, utf8Encode } from './bytes'
import { headerValue, isPseudoHeader, requestTargetOf, splitUrl } from './http-parts'
import { HookscopeError, invalidInput, parseOrThrow } from './invalid-input'
import { RequestSpec, type HeaderPair } from './types'

export interface FromRawHttpOptions {
  /** Scheme for origin-form targets ("/path"), which do not say it. Default "http". */
  scheme?: 'http' | 'https'
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function isChunked(headers: readonly HeaderPair[]): boolean {
  const codings = headers
    .filter(([name]) => name.toLowerCase() === 'transfer-encoding')
    .flatMap(([, value]) => value.split(','))
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '')
  return codings[codings.length - 1] === 'chunked'
}

export function toRawHttp(request: RequestSpec): Uint8Array {
  const req = parseOrThrow(RequestSpec, request, 'request')
  if (!TOKEN.test(req.method)) throw invalidInput(`The method "${req.method}" is not an HTTP token`)
  const target = textToByteString(requestTargetOf(req.url))
  if (/[\s\0]/.test(target)) throw invalidInput('The request target contains whitespace or NUL and cannot be written on a request line')
  const version = (req.httpVersion ?? '1.1').replace(/^HTTP\//i, '')
  let head = `${req.method} ${target} HTTP/${version}\r\n`
  req.headers.forEach(([name, value], index) => {
    if (isPseudoHeader(name)) return
    if (!TOKEN.test(name)) throw invalidInput(`headers[${index}]: the name "${name}" is not an HTTP token`)
    if (/[\r\n\0]/.test(value)) throw invalidInput(`headers[${index}] (${name}): the value contains a line break or NUL`)
    head += `${textToByteString(name)}: ${textToByteString(value)}\r\n`
  })
  head += '\r\n'
  const headBytes = byteStringToBytes(head)!
  if (!isChunked(req.headers)) return concatBytes([headBytes, req.body])
  // The model holds the decoded body; a chunked message must carry it framed.
  const ascii = (text: string) => byteStringToBytes(text)!
  const chunk = req.body.length > 0 ? [ascii(`${req.body.length.toString(16)}\r\n`), req.body, ascii('\r\n')] : []
  return concatBytes([headBytes, ...chunk, ascii('0\r\n\r\n')])
}

interface Line {
  text: string
  number: number
}

export function fromRawHttp(input: string | Uint8Array, options: FromRawHttpOptions = {}): RequestSpec {
  try {
    return readMessage(input, options)
  } catch (error) {
    // Messages quote the message's lines, which are bytes (one character each): shown as the text they are.
    if (error instanceof HookscopeError && error.code === 'INVALID_INPUT') throw invalidInput(byteStringToText(error.message))
    throw error
  }
}

function readMessage(input: string | Uint8Array, options: FromRawHttpOptions): RequestSpec {
  const bytes = typeof input === 'string' ? utf8Encode(input) : input
  if (!(bytes instanceof Uint8Array)) throw invalidInput('Raw HTTP input must be text or bytes')

  // Lines up to the blank line; RFC 9112 lets a reader skip empty lines before the request line.
  let offset = 0
  let number = 0
  const lines: Line[] = []
  let sawBlank = false
  while (offset < bytes.length) {
    let end = bytes.indexOf(0x0a, offset)
    const next = end < 0 ? bytes.length : end + 1
    if (end < 0) end = bytes.length
    const lineEnd = end > offset && bytes[end - 1] === 0x0d ? end - 1 : end
    const text = bytesToByteString(bytes.subarray(offset, lineEnd))
    number++
    offset = next
    if (text === '') {
      if (lines.length === 0) continue
      sawBlank = true
      break
    }
    lines.push({ text, number })
  }
  const rest = sawBlank ? bytes.subarray(offset) : new Uint8Array(0)
  if (lines[0]?.text.startsWith(':')) return fromPseudoHeaders(lines, rest, options)
  const requestLine = lines.shift()
  if (!requestLine) throw invalidInput('The raw HTTP message is empty')

  const match = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d(?:\.\d)?)$/.exec(requestLine.text)
  if (!match) {
    throw invalidInput(`line ${requestLine.number}: expected a request line like "POST /path HTTP/1.1", found "${requestLine.text.slice(0, 80)}"`)
  }
  const [, method, target, version] = match as unknown as [string, string, string, string]
  const headers = readHeaders(lines)

  let url: string
  if (splitUrl(target)) url = target
  else if (target.startsWith('/')) {
    const host = headerValue(headers, 'host')
    if (host === undefined || host === '') {
      throw invalidInput('The message has no Host header, so its URL is unknown: add one or put an absolute URL in the request line')
    }
    // Browsers speak HTTP/2 and HTTP/3 only over TLS (Firefox's "Copy Request Headers" says "HTTP/2").
    url = `${options.scheme ?? (Number(version) >= 2 ? 'https' : 'http')}://${host}${target}`
  } else {
    throw invalidInput(`line ${requestLine.number}: the request target "${target}" is not a path or an absolute URL`)
  }

  const body = readBody(rest, headers)
  return { method, url, httpVersion: version, headers, body }
}

function readHeaders(lines: readonly Line[]): HeaderPair[] {
  const headers: HeaderPair[] = []
  for (const line of lines) {
    if (/^[ \t]/.test(line.text)) {
      // Obsolete line folding continues the previous value; RFC 9112 says to read it as one space.
      const last = headers[headers.length - 1]
      if (!last) throw invalidInput(`line ${line.number}: a continuation line with no header before it`)
      last[1] = `${last[1]} ${line.text.trim()}`.trim()
      continue
    }
    const colon = line.text.indexOf(':')
    const name = colon < 0 ? '' : line.text.slice(0, colon)
    if (!TOKEN.test(name)) throw invalidInput(`line ${line.number}: expected "Name: value", found "${line.text.slice(0, 80)}"`)
    headers.push([name, line.text.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')])
  }
  return headers
}

/**
 * The header block browsers show and copy for an HTTP/2 or HTTP/3 request (Chrome's "Copy request
 * headers"): pseudo-headers (:method, :path, :authority, :scheme) where HTTP/1.1 has its request line.
 */
function fromPseudoHeaders(lines: readonly Line[], rest: Uint8Array, options: FromRawHttpOptions): RequestSpec {
  const pseudo = new Map<string, string>()
  let index = 0
  for (; index < lines.length && lines[index]!.text.startsWith(':'); index++) {
    const line = lines[index]!
    const match = /^(:[!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/.exec(line.text)
    if (!match) throw invalidInput(`line ${line.number}: expected a pseudo-header like ":method: POST", found "${line.text.slice(0, 80)}"`)
    pseudo.set(match[1]!.toLowerCase(), match[2]!)
  }
  const headers = readHeaders(lines.slice(index))
  const method = pseudo.get(':method')
  const path = pseudo.get(':path')
  const missing = [method ? null : ':method', path ? null : ':path'].filter((name) => name !== null)
  if (missing.length > 0) throw invalidInput(`The HTTP/2 header block has no ${missing.join(' or ')} line, so the request is unknown`)
  if (!TOKEN.test(method!)) throw invalidInput(`The method "${method}" is not an HTTP token`)
  const authority = pseudo.get(':authority') || headerValue(headers, 'host')
  if (!authority) throw invalidInput('The HTTP/2 header block has no :authority line or Host header, so its URL is unknown')
  const scheme = pseudo.get(':scheme') || options.scheme || 'https'
  return { method: method!, url: `${scheme}://${authority}${path}`, httpVersion: '2.0', headers, body: readBody(rest, headers) }
}

function readBody(rest: Uint8Array, headers: readonly HeaderPair[]): Uint8Array {
  if (isChunked(headers)) return decodeChunked(rest)
  const lengths = headers.filter(([name]) => name.toLowerCase() === 'content-length').map(([, value]) => value.trim())
  if (lengths.length === 0) return rest
  const declared = new Set(lengths.flatMap((value) => value.split(',').map((v) => v.trim())))
  const [only] = declared
  if (declared.size !== 1 || !/^\d+$/.test(only!)) {
    throw invalidInput(`Content-Length "${lengths.join(', ')}" is not one number`)
  }
  const length = Number(only)
  if (rest.length < length) {
    throw invalidInput(`The body has ${rest.length} bytes but Content-Length says ${length}`)
  }
  const extra = rest.subarray(length)
  if (extra.some((byte) => byte !== 0x0d && byte !== 0x0a)) {
    throw invalidInput(`${extra.length} bytes follow the ${length}-byte body that Content-Length announces`)
  }
  return rest.slice(0, length)
}

function decodeChunked(data: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = []
  let offset = 0
  const readLine = (): string => {
    const end = data.indexOf(0x0a, offset)
    if (end < 0) throw invalidInput('The chunked body ends in the middle of a chunk size line')
    const line = bytesToByteString(data.subarray(offset, end)).replace(/\r$/, '')
    offset = end + 1
    return line
  }
  while (true) {
    const sizeLine = readLine()
    const size = /^([0-9A-Fa-f]+)[ \t]*(;.*)?$/.exec(sizeLine)
    if (!size) throw invalidInput(`The chunked body has a bad chunk size line "${sizeLine.slice(0, 40)}"`)
    const length = parseInt(size[1]!, 16)
    if (length === 0) break
    if (offset + length > data.length) throw invalidInput('The chunked body ends in the middle of a chunk')
    chunks.push(data.subarray(offset, offset + length))
    offset += length
    if (readLine() !== '') throw invalidInput('A chunk is longer than its size line says')
  }
  // Trailer fields until the blank line (or the end of a pasted message).
  while (offset < data.length && readLine() !== '');
  return concatBytes(chunks)
}
