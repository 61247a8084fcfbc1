// The neutral request/response model every format converts to and from. It owns the shapes and their
// zod schemas; it must never know about any one format.
//
// Header names and values, and URLs, are "byte strings": one UTF-16 code unit per byte (latin1),
// which is what node:http hands over and what the Fetch standard calls a ByteString, so a capture's
// exact bytes survive. Bodies are Uint8Array (a Node Buffer is one too).
import { z } from 'zod'

export const HeaderPair = z.tuple([z.string(), z.string()])
export type HeaderPair = z.infer<typeof HeaderPair>

// z.instanceof would type bodies as Uint8Array<ArrayBuffer>; a subarray or a Buffer is just as good.
export const Bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'expected a Uint8Array' })

export const RequestSpec = z.object({
  method: z.string().min(1),
  /**
   * Absolute URL (scheme://authority/path?query#fragment) as a byte string. The one exception is a
   * Postman URL whose base is a {{variable}}: it is kept as written.
   */
  url: z.string().min(1),
  /** '1.0', '1.1', '2.0' (the node:http form, without the "HTTP/" prefix). */
  httpVersion: z.string().optional(),
  /** Raw pairs in sent order, case and duplicates kept. */
  headers: z.array(HeaderPair),
  body: Bytes,
})
export type RequestSpec = z.infer<typeof RequestSpec>

export const ResponseSpec = z.object({
  status: z.number().int(),
  statusText: z.string().optional(),
  headers: z.array(HeaderPair),
  body: Bytes,
  /** The size of a body that was sent but not kept (`body` is then empty): said, never made up. */
  bodySize: z.number().int().min(0).optional(),
  /**
   * `body` with its Content-Encoding undone, when the whole of it was kept and could be decoded
   * (formats that want decoded content, such as HAR's `content.text`, write this one).
   */
  decodedBody: Bytes.optional(),
})
export type ResponseSpec = z.infer<typeof ResponseSpec>

/** One folder on an exchange's path: a key that tells apart folders of the same name, its name and description. */
export const FolderRef = z.object({ key: z.string(), name: z.string(), description: z.string().optional() })
export type FolderRef = z.infer<typeof FolderRef>

export const Exchange = z.object({
  request: RequestSpec,
  response: ResponseSpec.optional(),
  /** Epoch milliseconds. */
  startedAt: z.number().optional(),
  durationMs: z.number().optional(),
  name: z.string().optional(),
  notes: z.string().optional(),
  /**
   * The folders the exchange sits in, from the top: each with a key that tells apart folders of the
   * same name (formats with folders, such as Postman, group exchanges by these keys, in order).
   */
  folderPath: z.array(FolderRef).optional(),
  /**
   * Sent accepting an https:// server's certificate that no trusted authority vouches for (its own,
   * self-signed or mkcert's): Postman's `strictSSL: false`, curl's `--insecure`.
   */
  acceptSelfSigned: z.literal(true).optional(),
})
export type Exchange = z.infer<typeof Exchange>

/** A folder in its place among exchanges, for formats with folders: kept even with nothing in it. */
export const FolderEntry = z.object({ folder: z.array(FolderRef).min(1) })
export type FolderEntry = z.infer<typeof FolderEntry>
