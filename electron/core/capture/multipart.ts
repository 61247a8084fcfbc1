// multipart/form-data bodies split into parts for display, with busboy. Owns: the part list with each
// part's field name, file name, type, raw header lines and bytes (capped per part). Never: writes parts
// anywhere.
import busboy from 'busboy'
import { isUtf8 } from 'node:buffer'
import { Readable } from 'node:stream'
import type { RawHeaders } from '../../../shared/model'
import { bodyCharsetDecoder } from './decode'

export interface Part {
  /** The part's header lines as they were sent (order, case, duplicates), latin1 like request headers. */
  rawHeaders: RawHeaders
  name: string
  filename: string | null
  contentType: string
  transferEncoding: string
  size: number
  /** The first `partCap` bytes. */
  bytes: Buffer
  truncated: boolean
}

export function parseMultipart(body: Buffer, contentType: string, partCap = 1024 * 1024, maxParts = 1000): Promise<{ parts: Part[]; error: string | null }> {
  return new Promise((resolve) => {
    const parts: Part[] = []
    // Each part's header lines as sent, found once: shown with the part, and read before busboy.
    const blocks = partBlocks(body, contentType, maxParts)
    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { parts: maxParts, fieldSize: partCap, fileSize: Infinity, fieldNameSize: 1000 },
        preservePath: true,
        defParamCharset: 'utf8',
        // A field without a charset is read as latin1, which maps every byte to one character: its
        // exact bytes come back from the string (utf8 would turn binary or latin1 text into U+FFFD).
        defCharset: 'latin1',
      })
    } catch (error) {
      return resolve({ parts, error: (error as Error).message })
    }
    let settled = false
    // Parts still arriving when the body ends early: kept with what they had.
    const unfinished = new Set<() => void>()
    const done = (error: string | null) => {
      if (settled) return
      settled = true
      for (const finish of unfinished) finish()
      resolve({ parts, error })
    }
    // Each part's place in the body, once paired with its header lines.
    const placed = new Map<Part, PartBlock>()
    // A field's bytes are its contents as sent, found between the boundaries once the parts are paired
    // with their places: busboy decodes a field in the charset its part declares, and a string is no
    // way back to the bytes (a byte not valid in it, or a charset busboy cannot decode, for which it
    // gives no value). A field found at no place is its value turned back into bytes.
    const fieldValues = new Map<Part, string>()
    const fieldBytes = () => {
      for (const [part, value] of fieldValues) {
        const block = placed.get(part)
        if (block) {
          const contents = body.subarray(block.contentStart, block.contentEnd)
          part.bytes = Buffer.from(contents.subarray(0, partCap))
          part.size = contents.length
          part.truncated = contents.length > partCap
          continue
        }
        const type = part.rawHeaders.find(([header]) => header.toLowerCase() === 'content-type')?.[1] ?? ''
        const charset = /;\s*charset="?([^";\s]+)/i.exec(type)?.[1]?.toLowerCase()
        part.bytes = Buffer.from(value, charset === 'utf-8' || charset === 'utf8' ? 'utf8' : charset === 'utf-16le' ? 'utf16le' : 'latin1')
        part.size = part.bytes.length
      }
      fieldValues.clear()
    }
    unfinished.add(fieldBytes)
    parser.on('field', (name, decoded: string | undefined, info) => {
      const value = decoded ?? ''
      const bytes = Buffer.from(value, 'latin1')
      const part: Part = { rawHeaders: [], name, filename: null, contentType: info.mimeType, transferEncoding: info.encoding, size: bytes.length, bytes, truncated: info.valueTruncated }
      parts.push(part)
      fieldValues.set(part, value)
    })
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = []
      let kept = 0
      let size = 0
      const part: Part = { rawHeaders: [], name, filename: info.filename ?? '', contentType: info.mimeType, transferEncoding: info.encoding, size: 0, bytes: Buffer.alloc(0), truncated: false }
      parts.push(part)
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (kept < partCap) {
          const piece = chunk.subarray(0, partCap - kept)
          chunks.push(piece)
          kept += piece.length
        }
      })
      const finish = () => {
        unfinished.delete(finish)
        part.size = size
        part.bytes = Buffer.concat(chunks, kept)
        part.truncated = size > kept
      }
      unfinished.add(finish)
      stream.on('end', finish)
      // A body that ends inside this part (no closing boundary): busboy fails the part's stream, and an
      // 'error' nobody listens to would end the process. The part keeps what arrived.
      stream.on('error', finish)
    })
    parser.on('partsLimit', () => done(`more than ${maxParts} parts; the rest are not shown`))
    parser.on('error', (error: Error) => {
      // A body that ends inside a part (no closing boundary): busboy reports a file part with what
      // arrived, but drops a field still arriving. That one is read here, from its own header lines.
      attachRawHeaders(parts, blocks, placed)
      const last = blocks[blocks.length - 1]
      if (!settled && last && parts.length < maxParts && !parts.some((part) => part.rawHeaders === last.headers)) {
        const name = dispositionName(last.headers)
        if (name !== null && !/;\s*filename\*?=/i.test(headerOf(last.headers, 'content-disposition') ?? '')) {
          const bytes = body.subarray(last.contentStart)
          parts.push({
            rawHeaders: last.headers,
            name,
            filename: null,
            contentType: headerOf(last.headers, 'content-type')?.split(';')[0]?.trim() || 'text/plain',
            transferEncoding: headerOf(last.headers, 'content-transfer-encoding') ?? '7bit',
            size: bytes.length,
            bytes: Buffer.from(bytes.subarray(0, partCap)),
            truncated: bytes.length > partCap,
          })
        }
      }
      done(error.message)
    })
    parser.on('close', () => {
      attachRawHeaders(parts, blocks, placed)
      fieldBytes()
      done(null)
    })
    Readable.from([quotedForBusboy(body, blocks)]).pipe(parser)
  })
}

// An unquoted `name` or `filename` value (not `filename*`), up to the next `;` or the end of the line.
const UNQUOTED_PARAM = /(;[ \t]*(?:file)?name[ \t]*=[ \t]*)([^";\r\n \t][^;\r\n]*?)([ \t]*(?:;|$))/gim
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const DISPOSITION_LINE = /^content-disposition[ \t]*:.*$/gim

/**
 * The body for busboy to read: busboy skips a part whose Content-Disposition gives `name` or
 * `filename` unquoted with bytes a token cannot hold (an older client's `filename=résumé.txt` in
 * latin1), so such a value is quoted in what it reads. The body itself, and each part's header lines
 * as shown, stay as sent; the same body when no part needs it.
 */
function quotedForBusboy(body: Buffer, blocks: PartBlock[]): Buffer {
  const pieces: Buffer[] = []
  let copied = 0
  for (const block of blocks) {
    const sent = body.toString('latin1', block.headerStart, block.headerEnd)
    const quoted = sent.replace(DISPOSITION_LINE, (line) =>
      line.replace(UNQUOTED_PARAM, (whole, before: string, value: string, after: string) =>
        TOKEN.test(value) ? whole : `${before}"${value.replace(/["\\]/g, '\\$&')}"${after}`,
      ),
    )
    if (quoted === sent) continue
    pieces.push(body.subarray(copied, block.headerStart), Buffer.from(quoted, 'latin1'))
    copied = block.headerEnd
  }
  if (pieces.length === 0) return body
  pieces.push(body.subarray(copied))
  return Buffer.concat(pieces)
}

const HEADER_BLOCK_LIMIT = 16 * 1024

/**
 * Each part's header block as sent, in order. busboy reports what the headers mean, not the lines
 * themselves; this finds them between the boundaries (RFC 2046) and leaves the parsing of contents to
 * busboy.
 */
export function partHeaderBlocks(body: Buffer, contentType: string, maxParts = 1000): RawHeaders[] {
  return partBlocks(body, contentType, maxParts).map((block) => block.headers)
}

/**
 * For search: the contents of each part in a charset other than UTF-8 (a mail parser's `text/plain;
 * charset=iso-8859-1`, an XML part's own declaration), read in it, each on a line of its own; '' when
 * there is none. The body may be cut short: its last part is read as far as it goes.
 */
export function multipartCharsetText(body: Buffer, contentType: string, maxParts = 1000): string {
  let text = ''
  for (const block of partBlocks(body, contentType, maxParts)) {
    const contents = body.subarray(block.contentStart, block.contentEnd)
    const charset = bodyCharsetDecoder(headerOf(block.headers, 'content-type') ?? null, contents)
    if (charset !== null) text += `\n${charset.decode(contents)}`
  }
  return text
}

interface PartBlock {
  headers: RawHeaders
  /** Where its header lines start and end (before the blank line), and its contents. */
  headerStart: number
  headerEnd: number
  contentStart: number
  contentEnd: number
}

/** Each part's header lines, and where they and its contents are. */
function partBlocks(body: Buffer, contentType: string, maxParts: number): PartBlock[] {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;,\s]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (!boundary) return []
  const delimiter = Buffer.from(`--${boundary}`, 'latin1')
  const blocks: PartBlock[] = []
  let at = body.indexOf(delimiter)
  while (at >= 0 && blocks.length < maxParts) {
    let start = at + delimiter.length
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break // the closing delimiter
    while (start < body.length && (body[start] === 0x20 || body[start] === 0x09)) start++ // transport padding
    if (body[start] === 0x0d) start++
    if (body[start] === 0x0a) start++
    let end = body.indexOf('\r\n\r\n', start, 'latin1')
    let separator = 4
    if (end < 0 || end - start > HEADER_BLOCK_LIMIT) {
      end = body.indexOf('\n\n', start, 'latin1')
      separator = 2
    }
    if (end < 0 || end - start > HEADER_BLOCK_LIMIT) break
    const contentStart = end + separator
    at = body.indexOf(delimiter, contentStart)
    // The line break before the next delimiter belongs to it (RFC 2046).
    let contentEnd = at < 0 ? body.length : at
    if (at >= 0 && body[contentEnd - 1] === 0x0a) contentEnd--
    if (at >= 0 && body[contentEnd - 1] === 0x0d) contentEnd--
    blocks.push({ headers: headerLines(body.subarray(start, end).toString('latin1')), headerStart: start, headerEnd: end, contentStart, contentEnd: Math.max(contentStart, contentEnd) })
  }
  return blocks
}

function headerLines(block: string): RawHeaders {
  const out: RawHeaders = []
  if (block.length === 0) return out
  for (const line of block.split(/\r?\n/)) {
    const previous = out[out.length - 1]
    if ((line.startsWith(' ') || line.startsWith('\t')) && previous) {
      // An obsolete folded line continues the previous header.
      previous[1] += ` ${line.trim()}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) out.push([line, ''])
    else out.push([line.slice(0, colon), line.slice(colon + 1).trim()])
  }
  return out
}

function headerOf(headers: RawHeaders, name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1]
}

/** The `name` a header block's Content-Disposition gives, decoded as busboy decodes it (UTF-8). */
function dispositionName(headers: RawHeaders): string | null {
  const disposition = headerOf(headers, 'content-disposition')
  if (disposition === undefined) return null
  const match = /;\s*name=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition)
  const raw = match?.[1]?.replace(/\\(.)/g, '$1') ?? match?.[2]
  return raw === undefined ? null : Buffer.from(raw, 'latin1').toString('utf8')
}

/**
 * A `filename` whose bytes are not UTF-8 (an older client's latin1 "résumé.txt"), read as latin1, as
 * it was most likely written, rather than with busboy's U+FFFD for every such byte. Null when the
 * header has no plain `filename` or its bytes are UTF-8 (its U+FFFD was sent as such).
 */
function dispositionFilename(headers: RawHeaders): string | null {
  const disposition = headerOf(headers, 'content-disposition')
  if (disposition === undefined) return null
  const match = /;\s*filename=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition)
  const raw = match?.[1]?.replace(/\\(.)/g, '$1') ?? match?.[2]
  if (raw === undefined || isUtf8(Buffer.from(raw, 'latin1'))) return null
  return raw
}

/** Pair busboy's parts with the header blocks, in order (busboy skips parts it cannot use). */
function attachRawHeaders(parts: Part[], blocks: PartBlock[], placed: Map<Part, PartBlock>): void {
  let next = 0
  for (const part of parts) {
    for (let i = next; i < blocks.length; i++) {
      if (dispositionName(blocks[i]!.headers) === part.name) {
        part.rawHeaders = blocks[i]!.headers
        placed.set(part, blocks[i]!)
        if (part.filename?.includes('\uFFFD')) part.filename = dispositionFilename(part.rawHeaders) ?? part.filename
        next = i + 1
        break
      }
    }
  }
}
