// Which charset a body's text is in, from its Content-Type and its first bytes. Shared by the engine
// (search) and the renderer (the viewers, the Raw tab), so that what is shown and what is found read
// the same text. Runs unchanged in the browser and in Node: no Node APIs.
//
// XML (RFC 7303, XML 1.0 appendix F) and HTML (the WHATWG encoding sniffing algorithm) alike: a
// byte-order mark wins, then the Content-Type's charset, then what the document says of itself (XML:
// its encoding declaration, or the UTF-16 form of `<?xml`; HTML: a `<meta charset>` or
// `<meta http-equiv="Content-Type" content="...; charset=...">` in its first 1024 bytes), else
// nothing (UTF-8). Other bodies are read in their Content-Type's charset only.

export type CharsetSource = 'content-type' | 'bom' | 'xml-declaration' | 'html-meta'

export interface BodyCharset {
  /** The label as written (a BOM's: `utf-8`, `utf-16le` or `utf-16be`). */
  label: string
  source: CharsetSource
}

/** How much of a body the document's own declaration is looked for in (the WHATWG prescan's span). */
export const CHARSET_SNIFF_BYTES = 1024

const CHARSET_PARAM = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]+))/i
const XML_TYPE = /^\s*(?:application\/xml|text\/xml|[^;\s]+\/[^;\s]+\+xml)\s*(?:;|$)/i
const HTML_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i

/** The charset parameter of a Content-Type, as written, or null. */
export function contentTypeCharset(contentType: string | null | undefined): string | null {
  if (!contentType) return null
  const match = CHARSET_PARAM.exec(contentType)
  const label = (match?.[1] ?? match?.[2])?.trim()
  return label ? label : null
}

/** Whether the body's first bytes can change how it is read (XML and HTML types): cheap, for hot paths. */
export function sniffsCharset(contentType: string | null | undefined): boolean {
  return !!contentType && (XML_TYPE.test(contentType) || HTML_TYPE.test(contentType))
}

function bomCharset(head: Uint8Array): string | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8'
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le'
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be'
  return null
}

/**
 * The charset a body is read in, or null for UTF-8 (nothing says otherwise). `head`: at least the
 * first CHARSET_SNIFF_BYTES of the body (more are ignored). A label no decoder knows is returned as
 * it is: the caller says so and reads UTF-8.
 */
export function bodyCharset(contentType: string | null | undefined, head: Uint8Array): BodyCharset | null {
  const declared = contentTypeCharset(contentType)
  const xml = !!contentType && XML_TYPE.test(contentType)
  const html = !xml && !!contentType && HTML_TYPE.test(contentType)
  if (xml || html) {
    const bom = bomCharset(head)
    if (bom !== null) return isUtf8Label(bom) && (declared === null || isUtf8Label(declared)) ? null : { label: bom, source: 'bom' }
  }
  if (declared !== null) return isUtf8Label(declared) ? null : { label: declared, source: 'content-type' }
  if (xml) return xmlDeclared(head)
  if (html) return htmlDeclared(head)
  return null
}

function knownLabel(label: string): boolean {
  try {
    new TextDecoder(label)
    return true
  } catch {
    return false
  }
}

function isUtf8Label(label: string): boolean {
  const lower = label.toLowerCase()
  return lower === 'utf-8' || lower === 'utf8' || lower === 'unicode-1-1-utf-8'
}

/** ASCII text of the first bytes, every other byte as U+FFFD (enough to read a declaration). */
function asciiHead(head: Uint8Array): string {
  const end = Math.min(head.length, CHARSET_SNIFF_BYTES)
  let text = ''
  for (let i = 0; i < end; i++) text += head[i]! < 0x80 ? String.fromCharCode(head[i]!) : '\ufffd'
  return text
}

const XML_DECLARATION = /^<\?xml\s[^?>]*?\bencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/

/** The charset of an XML document's declaration, or of its UTF-16 start (`<?` in two-byte units). */
function xmlDeclared(head: Uint8Array): BodyCharset | null {
  if (head[0] === 0x3c && head[1] === 0x00 && head[2] === 0x3f && head[3] === 0x00) return { label: 'utf-16le', source: 'xml-declaration' }
  if (head[0] === 0x00 && head[1] === 0x3c && head[2] === 0x00 && head[3] === 0x3f) return { label: 'utf-16be', source: 'xml-declaration' }
  if (head[0] !== 0x3c || head[1] !== 0x3f) return null
  const match = XML_DECLARATION.exec(asciiHead(head.subarray(0, 256)))
  const label = (match?.[1] ?? match?.[2])?.trim()
  // Read as ASCII, the document cannot be in UTF-16, whatever it declares (a body converted to UTF-8
  // that kept its declaration): read as UTF-8, as XML parsers and browsers do.
  if (!label || isUtf8Label(label) || /^utf-?16/i.test(label)) return null
  return { label, source: 'xml-declaration' }
}

const META_TAG = /<meta(?=[\s/])([^>]*)>?/gi
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g
const CONTENT_CHARSET = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i

/**
 * The charset of an HTML document's `<meta charset>` or `<meta http-equiv="Content-Type">` within
 * its first 1024 bytes, comments skipped: the WHATWG prescan, short of its handling of every other tag.
 */
function htmlDeclared(head: Uint8Array): BodyCharset | null {
  const text = asciiHead(head).replace(/<!--[\s\S]*?(?:-->|$)/g, (comment) => ' '.repeat(comment.length))
  for (const meta of text.matchAll(META_TAG)) {
    let charset: string | null = null
    let content: string | null = null
    let httpEquiv = false
    for (const attribute of meta[1]!.matchAll(ATTRIBUTE)) {
      const name = attribute[1]!.toLowerCase()
      const value = attribute[2] ?? attribute[3] ?? attribute[4] ?? ''
      if (name === 'charset' && charset === null) charset = value.trim()
      else if (name === 'content' && content === null) content = value
      else if (name === 'http-equiv' && value.trim().toLowerCase() === 'content-type') httpEquiv = true
    }
    let label = charset
    if (!label && httpEquiv && content !== null) {
      const match = CONTENT_CHARSET.exec(content)
      label = (match?.[1] ?? match?.[2] ?? match?.[3])?.trim() ?? null
    }
    // As the prescan: a label no encoding has is passed over for the next.
    if (!label || !knownLabel(label)) continue
    // As the prescan: a UTF-16 label in a document read as ASCII means UTF-8.
    if (isUtf8Label(label) || /^utf-?16/i.test(label)) return null
    return { label: label.toLowerCase() === 'x-user-defined' ? 'windows-1252' : label, source: 'html-meta' }
  }
  return null
}
