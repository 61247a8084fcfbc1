// Imported requests whose file holds the body decoded while its headers still name a
// Content-Encoding (HTTP Toolkit writes them so): the body is encoded again as the header says, so
// that a resend carries what the header promises, as the original request did. Owns only that.
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import type { Exchange } from '../../../shared/formats'
import { decodeBody, parseContentEncoding } from '../capture/decode'

type Encoder = (input: Buffer) => Promise<Buffer>

const zstd = zlib as unknown as { zstdCompress?: (input: Buffer, callback: (error: Error | null, result: Buffer) => void) => void }
const ENCODERS: Record<string, Encoder | undefined> = {
  gzip: promisify(zlib.gzip),
  'x-gzip': promisify(zlib.gzip),
  deflate: promisify(zlib.deflate),
  br: promisify(zlib.brotliCompress),
  zstd: zstd.zstdCompress ? promisify(zstd.zstdCompress) : undefined,
}

/**
 * Encodes, in place, each request body that its Content-Encoding says is encoded but is not (it does
 * not decode), and says so in the request's notes. A body that decodes is left as it is.
 */
export async function encodeDecodedBodies(exchanges: Exchange[]): Promise<void> {
  for (const exchange of exchanges) {
    const { request } = exchange
    if (request.body.length === 0) continue
    const values = request.headers.filter(([name]) => name.toLowerCase() === 'content-encoding').map(([, value]) => value)
    const encodings = parseContentEncoding(values.length > 0 ? values.join(', ') : null)
    if (encodings.length === 0) continue
    const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.length)
    const decoded = await decodeBody(body, values.join(', '))
    if (decoded.error === null) continue
    const named = encodings.join(', ')
    if (encodings.some((encoding) => !ENCODERS[encoding])) {
      const note = `The file holds this request's body decoded, but its Content-Encoding (${named}) cannot be applied here: it is sent as the file holds it, labelled ${named}.`
      exchange.notes = exchange.notes ? `${exchange.notes}\n\n${note}` : note
      continue
    }
    let bytes = body
    // Encodings are listed in the order they were applied.
    for (const encoding of encodings) bytes = await ENCODERS[encoding]!(bytes)
    request.body = bytes
    const note = `The file holds this request's body decoded (${body.length} bytes); it was encoded again as its Content-Encoding says (${named}), so the bytes sent may differ from the original's.`
    exchange.notes = exchange.notes ? `${exchange.notes}\n\n${note}` : note
  }
}
