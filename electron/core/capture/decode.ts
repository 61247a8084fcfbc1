// Decoding of bodies for display and for search. Owns: undoing Content-Encoding (gzip, deflate, br, and
// zstd where this Node has it) with a cap on the output, so a compression bomb costs at most the cap;
// reading text in the charset a body declares, for search.
// Never: changes what is stored (captures keep the exact bytes that arrived).
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { TextDecoder } from 'node:util'
import zlib from 'node:zlib'
import { bodyCharset, contentTypeCharset, sniffsCharset } from '../../../shared/formats/body-charset'

export const DECODED_OUTPUT_CAP = 32 * 1024 * 1024

export interface Decoded {
  bytes: Buffer
  /** Encodings undone, outermost first, as named in Content-Encoding. */
  encodings: string[]
  /** The output reached the cap; what follows was not decoded. */
  capped: boolean
  error: string | null
}

type Decoder = () => NodeJS.ReadWriteStream
type OneShotOptions = zlib.ZlibOptions & zlib.BrotliOptions
type OneShotCallback = (error: Error | null, result: Buffer) => void

/** How to undo one encoding: as a stream (display; capped), or in one call (search). */
interface Codec {
  stream: Decoder
  sync: (input: Buffer, options: OneShotOptions) => Buffer
  async: (input: Buffer, options: OneShotOptions, callback: OneShotCallback) => void
  /** How a one-call decode flushes the end of its input: one cut short yields what decodes instead of an error. */
  finishFlush?: number
}

const { Z_SYNC_FLUSH, BROTLI_OPERATION_FLUSH } = zlib.constants
const GZIP: Codec = { stream: () => zlib.createGunzip(), sync: zlib.gunzipSync, async: zlib.gunzip, finishFlush: Z_SYNC_FLUSH }
const INFLATE: Codec = { stream: () => zlib.createInflate(), sync: zlib.inflateSync, async: zlib.inflate, finishFlush: Z_SYNC_FLUSH }
const INFLATE_RAW: Codec = { stream: () => zlib.createInflateRaw(), sync: zlib.inflateRawSync, async: zlib.inflateRaw, finishFlush: Z_SYNC_FLUSH }
const BROTLI: Codec = { stream: () => zlib.createBrotliDecompress(), sync: zlib.brotliDecompressSync, async: zlib.brotliDecompress, finishFlush: BROTLI_OPERATION_FLUSH }
const zstd = zlib as unknown as { createZstdDecompress?: Decoder; zstdDecompressSync?: Codec['sync']; zstdDecompress?: Codec['async'] }
// A zstd frame cut short is an error in one call: the stream decoder then keeps what it decoded.
const ZSTD: Codec | null =
  zstd.createZstdDecompress && zstd.zstdDecompressSync && zstd.zstdDecompress
    ? { stream: () => zstd.createZstdDecompress!(), sync: zstd.zstdDecompressSync, async: zstd.zstdDecompress }
    : null

function codecFor(encoding: string, firstByte: number | undefined): Codec | null {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return GZIP
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped, but many servers send raw deflate: look at the header.
      return firstByte !== undefined && (firstByte & 0x0f) === 8 ? INFLATE : INFLATE_RAW
    case 'br':
      return BROTLI
    case 'zstd':
      return ZSTD
    default:
      return null
  }
}

export function parseContentEncoding(value: string | null): string[] {
  if (!value) return []
  return value
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part && part !== 'identity')
}

async function decodeOnce(input: Buffer, decoder: Decoder, cap: number): Promise<{ bytes: Buffer; capped: boolean; damage: Error | null }> {
  const chunks: Buffer[] = []
  let size = 0
  let capped = false
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (size + chunk.length > cap) {
        chunks.push(chunk.subarray(0, cap - size))
        size = cap
        capped = true
        // Stop the pipeline: nothing past the cap is inflated.
        return callback(new CapReached())
      }
      chunks.push(chunk)
      size += chunk.length
      callback()
    },
  })
  let damage: Error | null = null
  try {
    await pipeline(Readable.from([input]), decoder(), sink)
  } catch (error) {
    // Damaged or cut short (a body over the cap, a sender that stopped): what inflated so far is kept.
    if (!(error instanceof CapReached)) damage = error as Error
  }
  return { bytes: Buffer.concat(chunks, size), capped, damage }
}

class CapReached extends Error {}

/** Undo each listed encoding, last applied first, for display. Unknown encodings leave the bytes as they are. */
export async function decodeBody(body: Buffer, contentEncoding: string | null, cap = DECODED_OUTPUT_CAP): Promise<Decoded> {
  const encodings = parseContentEncoding(contentEncoding)
  let bytes = body
  const undone: string[] = []
  let capped = false
  for (const encoding of [...encodings].reverse()) {
    const codec = codecFor(encoding, bytes[0])
    if (!codec) return { bytes, encodings: undone, capped, error: `${encoding} is not supported here` }
    const result = await decodeOnce(bytes, codec.stream, cap)
    if (result.damage) {
      const error = `${encoding} data is damaged or cut short: ${result.damage.message}`
      if (result.bytes.length === 0) return { bytes, encodings: undone, capped, error }
      undone.unshift(encoding)
      return { bytes: result.bytes, encodings: undone, capped: capped || result.capped, error: `${error}; what could be decoded is shown` }
    }
    bytes = result.bytes
    capped = capped || result.capped
    undone.unshift(encoding)
    if (capped) break
  }
  return { bytes, encodings: undone, capped, error: null }
}

/**
 * Inputs up to this size are decoded on the calling thread: a 2 KB gzip body costs the main thread
 * about 25 µs so, against about 70 µs through the thread pool (its round trip, a stream object), and
 * the output cap bounds what such an input can block it for (about half a millisecond, filling the
 * cap). Larger ones go to the pool, where the decoding itself is most of the cost.
 */
const SEARCH_SYNC_INPUT_BYTES = 4 * 1024

function undoOnce(input: Buffer, oneShot: Codec, cap: number): Promise<Buffer> {
  // One output chunk of the cap's size: fewer trips to the pool and fewer buffers to join.
  const options: OneShotOptions = { maxOutputLength: cap, chunkSize: Math.max(cap, zlib.constants.Z_MIN_CHUNK) }
  if (oneShot.finishFlush !== undefined) options.finishFlush = oneShot.finishFlush
  if (input.length <= SEARCH_SYNC_INPUT_BYTES) {
    try {
      return Promise.resolve(oneShot.sync(input, options))
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }
  return new Promise((resolve, reject) => oneShot.async(input, options, (error, result) => (error ? reject(error) : resolve(result))))
}

/**
 * A compressed body's text for search: the first `cap` bytes it decodes to, or null when one of its
 * encodings cannot be undone (not known here, or not a byte of it decodes). Each encoding is undone
 * by one call (a stream per body cost several times a capture's own main-thread time); a body cut
 * short yields what its start decodes to. When the output passes the cap, or the data is damaged,
 * the capped stream decoder (as for display) keeps what decodes up to there, so a compression bomb
 * inflates no further than the cap either way.
 */
export async function decodeForSearch(body: Buffer, contentEncoding: string, cap: number): Promise<Buffer | null> {
  let bytes = body
  for (const encoding of parseContentEncoding(contentEncoding).reverse()) {
    const codec = codecFor(encoding, bytes[0])
    if (!codec) return null
    try {
      bytes = await undoOnce(bytes, codec, cap)
    } catch {
      // Past the cap (the one call then keeps nothing) or damaged: the stream stops at either.
      bytes = (await decodeOnce(bytes, codec.stream, cap)).bytes
    }
    if (bytes.length === 0) return null
  }
  return bytes
}

/** Reads bytes in one charset. */
export interface CharsetDecoder {
  decode(bytes: Uint8Array): string
}

// Bytes 0x80–0x9F in WHATWG's windows-1252 index (the encoding browsers read `latin1`, `iso-8859-1`
// and `us-ascii` as); every other byte is the code point of its value. Node's TextDecoder reads these
// as C1 controls, which hid €, curly quotes and dashes from search while the detail showed them.
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'
const C1 = /[\x80-\x9f]/
const EVERY_C1 = /[\x80-\x9f]/g

/** windows-1252 as the Encoding Standard (and so the detail) reads it. */
export const WINDOWS_1252: CharsetDecoder = {
  decode(bytes) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
    return C1.test(text) ? text.replace(EVERY_C1, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!) : text
  },
}

/** Decoders by charset label, lower-cased (null: UTF-8, or a label no decoder knows); a few kept. */
const charsetDecoders = new Map<string, CharsetDecoder | null>()

function decoderFor(label: string): CharsetDecoder | null {
  const key = label.toLowerCase()
  let decoder = charsetDecoders.get(key)
  if (decoder === undefined) {
    try {
      const known = new TextDecoder(key, { ignoreBOM: true })
      decoder = known.encoding === 'utf-8' ? null : known.encoding === 'windows-1252' ? WINDOWS_1252 : known
    } catch {
      decoder = null
    }
    if (charsetDecoders.size >= 32) charsetDecoders.clear()
    charsetDecoders.set(key, decoder)
  }
  return decoder
}

/**
 * The decoder of the charset a Content-Type declares, when it is not UTF-8 (what bodies are read as
 * otherwise) and is one TextDecoder knows: `iso-8859-1` reads as `windows-1252`, as the detail (a
 * browser) reads it, 0x80–0x9F included. Null for most requests, found by one regular expression.
 */
export function declaredCharset(contentType: string | null): CharsetDecoder | null {
  const label = contentTypeCharset(contentType)
  return label === null ? null : decoderFor(label)
}

/**
 * The decoder of the charset a body is in, as the detail reads it (see bodyCharset in
 * shared/formats): the Content-Type's, or for XML and HTML a byte-order mark's or the document's own
 * declaration's. `head`: the body's first bytes (CHARSET_SNIFF_BYTES are enough); looked at only for
 * XML and HTML types.
 */
export function bodyCharsetDecoder(contentType: string | null, head: Uint8Array): CharsetDecoder | null {
  if (!sniffsCharset(contentType)) return declaredCharset(contentType)
  const found = bodyCharset(contentType, head)
  return found === null ? null : decoderFor(found.label)
}

/** Body bytes as text: in the declared charset, else as UTF-8 (bad bytes replaced). */
export function textOf(bytes: Buffer, charset: CharsetDecoder | null): string {
  return charset === null ? bytes.toString('utf8') : charset.decode(bytes)
}
