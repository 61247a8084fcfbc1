// Reading Content-Type and picking the viewer a body is shown with. Owns: the mapping from media
// types (and, without one, a sniff of the bytes) to viewer kinds. SVG is shown as XML text, never as
// an image: rendered SVG is a document that could carry script.
import type { TextEncodingChoice } from '../body/body-format'
import { bodyCharset } from '../../../shared/formats/body-charset'
import { utf8DecodeStrict } from '../../../shared/formats/bytes'

export type ViewerKind = 'json' | 'form' | 'multipart' | 'xml' | 'html' | 'text' | 'image' | 'hex' | 'empty'

export interface MediaType {
  essence: string
  params: Record<string, string>
}

export function parseMediaType(value: string | null | undefined): MediaType | null {
  if (!value) return null
  const [head, ...rest] = value.split(';')
  const essence = head!.trim().toLowerCase()
  if (!essence) return null
  const params: Record<string, string> = {}
  for (const piece of rest) {
    const eq = piece.indexOf('=')
    if (eq < 0) continue
    const key = piece.slice(0, eq).trim().toLowerCase()
    let val = piece.slice(eq + 1).trim()
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2) val = val.slice(1, -1)
    if (key) params[key] = val
  }
  return { essence, params }
}

export const RENDERABLE_IMAGES = new Set([
  'image/png',
  'image/jpeg',
  'image/jpg',
  'image/pjpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'image/x-icon',
  'image/vnd.microsoft.icon',
])

export function viewerForMediaType(essence: string): ViewerKind | null {
  if (essence === 'application/json' || essence.endsWith('+json') || essence === 'text/json' || essence === 'application/x-json') return 'json'
  if (essence === 'application/x-www-form-urlencoded') return 'form'
  if (essence.startsWith('multipart/')) return 'multipart'
  if (essence === 'text/html' || essence === 'application/xhtml+xml') return 'html'
  if (essence === 'application/xml' || essence === 'text/xml' || essence.endsWith('+xml')) return 'xml'
  if (RENDERABLE_IMAGES.has(essence)) return 'image'
  if (essence.startsWith('text/') || essence === 'application/javascript' || essence === 'application/x-ndjson' || essence === 'application/graphql') return 'text'
  return null
}

/**
 * The text encoding a body is read in, when it is not UTF-8 (what bodies are read as otherwise), by
 * its standard name: `iso-8859-1` reads as `windows-1252`, as browsers read it. From the Content-Type,
 * and for XML and HTML from a byte-order mark or the document's own declaration (see bodyCharset),
 * as the engine reads it for search. Null when nothing says otherwise or it says UTF-8.
 */
export function bodyEncoding(contentType: string | null | undefined, bytes: Uint8Array): TextEncodingChoice | null {
  const found = bodyCharset(contentType, bytes)
  if (!found) return null
  try {
    const encoding = new TextDecoder(found.label).encoding
    // UTF-8 named by a BOM over another declared charset: read as UTF-8, saying why.
    return encoding === 'utf-8' && found.source !== 'bom' ? null : { label: found.label, encoding, source: found.source }
  } catch {
    return { label: found.label, encoding: null, source: found.source }
  }
}

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096)
  if (sample.includes(0)) return false
  return utf8DecodeStrict(sample) !== null || utf8DecodeStrict(sample.subarray(0, Math.max(0, sample.length - 3))) !== null
}

export function sniffViewer(bytes: Uint8Array): ViewerKind {
  if (bytes.length === 0) return 'empty'
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image'
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image'
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'image'
  if (!looksLikeText(bytes)) return 'hex'
  let i = 0
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++
  const first = bytes[i]
  if (first === 0x7b || first === 0x5b) return 'json'
  if (first === 0x3c) return 'xml'
  return 'text'
}

/** Past this size a body declared as text or a form is not parsed to find out whether it is JSON. */
const JSON_SNIFF_MAX_BYTES = 1024 * 1024

const lenient = new TextDecoder('utf-8')

/**
 * A whole JSON object or array: what a sender declaring text/plain (Amazon SNS) or, through `curl -d`,
 * a form sent in fact. Only bodies that start and end like one are parsed.
 */
function isJsonDocument(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes.length > JSON_SNIFF_MAX_BYTES) return false
  const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  let end = bytes.length - 1
  while (start < end && isSpace(bytes[start])) start++
  while (end > start && isSpace(bytes[end])) end--
  const first = bytes[start]
  const last = bytes[end]
  if (!((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d))) return false
  try {
    JSON.parse(lenient.decode(bytes.subarray(start, end + 1)))
    return true
  } catch {
    return false
  }
}

/**
 * The media type a body is not shown as, in Automatic view: the essence of a Content-Type that says
 * text or a form over a body that is JSON, shown as JSON. Null otherwise.
 */
export function jsonDespiteType(contentType: string | null, bytes: Uint8Array): string | null {
  const media = parseMediaType(contentType)
  if (!media) return null
  const byType = viewerForMediaType(media.essence)
  if (byType !== 'text' && byType !== 'form') return null
  // Text in a declared encoding other than UTF-8 is read in it, as text.
  if (byType === 'text' && bodyEncoding(contentType, bytes)?.encoding) return null
  return isJsonDocument(bytes) ? media.essence : null
}

export function chooseViewer(contentType: string | null, bytes: Uint8Array): ViewerKind {
  if (bytes.length === 0) return 'empty'
  const media = parseMediaType(contentType)
  const byType = media ? viewerForMediaType(media.essence) : null
  if (byType === 'image' && sniffViewer(bytes) !== 'image' && looksLikeText(bytes)) return 'text'
  if ((byType === 'text' || byType === 'form') && jsonDespiteType(contentType, bytes) !== null) return 'json'
  if (byType && byType !== 'text') return byType
  // Text in a declared encoding (UTF-16's zero bytes would sniff as binary).
  if (bodyEncoding(contentType, bytes)?.encoding) return 'text'
  const sniffed = sniffViewer(bytes)
  if (byType === 'text') return sniffed === 'hex' ? 'hex' : 'text'
  return sniffed
}

export function imageMimeFor(contentType: string | null, bytes: Uint8Array): string {
  const media = parseMediaType(contentType)
  if (media && RENDERABLE_IMAGES.has(media.essence)) return media.essence
  if (bytes[0] === 0x89) return 'image/png'
  if (bytes[0] === 0xff) return 'image/jpeg'
  if (bytes[0] === 0x47) return 'image/gif'
  return 'application/octet-stream'
}
