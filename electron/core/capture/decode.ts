// Decoding of compressed bodies for display and for search. Owns: undoing Content-Encoding (gzip, deflate, br, and
// zstd where this Node has it) with a cap on the output, so a compression bomb costs at most the cap.
// Never: changes what is stored (captures keep the exact bytes that arrived).
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'

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

function decoderFor(encoding: string, firstByte: number | undefined): Decoder | null {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return () => zlib.createGunzip()
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped, but many servers send raw deflate: look at the header.
      return firstByte !== undefined && (firstByte & 0x0f) === 8 ? () => zlib.createInflate() : () => zlib.createInflateRaw()
    case 'br':
      return () => zlib.createBrotliDecompress()
    case 'zstd': {
      const create = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress
      return create ? () => create() : null
    }
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

/** Undo each listed encoding, last applied first. Unknown encodings leave the bytes as they are. */
export async function decodeBody(body: Buffer, contentEncoding: string | null, cap = DECODED_OUTPUT_CAP): Promise<Decoded> {
  const encodings = parseContentEncoding(contentEncoding)
  let bytes = body
  const undone: string[] = []
  let capped = false
  for (const encoding of [...encodings].reverse()) {
    const decoder = decoderFor(encoding, bytes[0])
    if (!decoder) return { bytes, encodings: undone, capped, error: `${encoding} is not supported here` }
    const result = await decodeOnce(bytes, decoder, cap)
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
