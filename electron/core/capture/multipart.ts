// multipart/form-data bodies split into parts for display, with busboy. Owns: the part list with each
// part's field name, file name, type and bytes (capped per part). Never: writes parts anywhere.
import busboy from 'busboy'
import { Readable } from 'node:stream'

export interface Part {
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
    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { parts: maxParts, fieldSize: partCap, fileSize: Infinity, fieldNameSize: 1000 },
        preservePath: true,
        defParamCharset: 'utf8',
      })
    } catch (error) {
      return resolve({ parts, error: (error as Error).message })
    }
    let settled = false
    const done = (error: string | null) => {
      if (settled) return
      settled = true
      resolve({ parts, error })
    }
    parser.on('field', (name, value, info) => {
      const bytes = Buffer.from(value, 'utf8')
      parts.push({ name, filename: null, contentType: info.mimeType, transferEncoding: info.encoding, size: bytes.length, bytes, truncated: info.valueTruncated })
    })
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = []
      let kept = 0
      let size = 0
      const part: Part = { name, filename: info.filename ?? '', contentType: info.mimeType, transferEncoding: info.encoding, size: 0, bytes: Buffer.alloc(0), truncated: false }
      parts.push(part)
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (kept < partCap) {
          const piece = chunk.subarray(0, partCap - kept)
          chunks.push(piece)
          kept += piece.length
        }
      })
      stream.on('end', () => {
        part.size = size
        part.bytes = Buffer.concat(chunks, kept)
        part.truncated = size > kept
      })
    })
    parser.on('partsLimit', () => done(`more than ${maxParts} parts; the rest are not shown`))
    parser.on('error', (error: Error) => done(error.message))
    parser.on('close', () => done(null))
    Readable.from([body]).pipe(parser)
  })
}
