// XML re-indentation for display. Owns: deciding where whitespace may change without changing what
// the document says, and telling a document that is not well formed (shown as sent instead).
//
// Only the whitespace between markup changes, and only inside an element whose content is other
// elements, comments and processing instructions (element-only content). Every tag, attribute (its
// order, quotes and spacing), comment, CDATA section, processing instruction and doctype is copied
// from the text as sent. An element with text of its own (mixed content, `<p>a <b>b</b></p>`), with
// `xml:space="preserve"`, or whose whitespace between elements stays on one line (`<b>a</b> <i>b</i>`,
// where that space is the text between two words) is copied whole, as sent.
import { parser } from '@lezer/xml'
import type { SyntaxNode } from '@lezer/common'
import { decodeForDisplay, encodingNote, JSON_PRETTY_MAX_BYTES, JSON_PRETTY_MAX_OUTPUT, withNote, type FormattedBody, type TextEncodingChoice } from './body-format'

export const XML_MAX_DEPTH = 256

export type XmlReindent = { ok: true; text: string } | { ok: false; reason: 'malformed' | 'deep' | 'large' }

const CONTENT_TEXT = new Set(['Text', 'EntityReference', 'CharacterReference', 'Cdata'])
const MALFORMED = new Set(['MissingCloseTag', 'MismatchedCloseTag'])

/** Whitespace that may become a line break: none at all, or whitespace that already holds one. */
function isLayout(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text) && (text.length === 0 || /[\r\n]/.test(text))
}

function isWhitespace(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text)
}

function preservesSpace(openTag: SyntaxNode, text: string): boolean {
  for (let attribute = openTag.getChild('Attribute'); attribute; attribute = attribute.nextSibling) {
    if (attribute.name !== 'Attribute') continue
    const name = attribute.getChild('AttributeName')
    const value = attribute.getChild('AttributeValue')
    if (name && value && text.slice(name.from, name.to) === 'xml:space' && text.slice(value.from + 1, value.to - 1) === 'preserve') return true
  }
  return false
}

/**
 * The text re-indented with `indentUnit` per level, or why it is left as sent. `maxLength` caps
 * the output (indentation is what grows).
 */
export function reindentXml(text: string, indentUnit = '  ', maxLength = Infinity): XmlReindent {
  return reindent(text, null, indentUnit, maxLength)
}

const TAG_START = /[A-Za-z_:/\u00c0-\uffff]/
const DELIMITED: [open: string, close: string][] = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
]

/** Where the markup starting at `at` ends, -1 when it runs to the end of the text (cut), or `at + 1` for a `<` that starts no markup. */
function markupEnd(text: string, at: number): number {
  for (const [open, close] of DELIMITED) {
    if (text.startsWith(open, at)) {
      const end = text.indexOf(close, at + open.length)
      return end < 0 ? -1 : end + close.length
    }
    if (at + open.length > text.length && open.startsWith(text.slice(at))) return -1
  }
  const doctype = text.startsWith('<!', at)
  if (!doctype && at + 1 < text.length && !TAG_START.test(text[at + 1]!)) return at + 1
  // Up to the first `>` outside an attribute value (in a doctype, outside a quoted literal and the internal subset).
  let subset = false
  let afterIs = false
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i]!
    if ((c === '"' || c === "'") && (doctype || afterIs)) {
      const end = text.indexOf(c, i + 1)
      if (end < 0) return -1
      i = end
      afterIs = false
      continue
    }
    if (c === '=') afterIs = true
    else if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n') afterIs = false
    if (doctype && c === '[') subset = true
    else if (doctype && c === ']') subset = false
    else if (c === '>' && !subset) return i + 1
  }
  return -1
}

/**
 * Where the last piece of a head of XML starts if the cut left it unfinished: a tag (an attribute
 * value included), comment, CDATA section, processing instruction, doctype or character or entity
 * reference; the text's length when the head ends in text or after complete markup.
 */
export function xmlHeadCut(text: string): number {
  let i = 0
  for (;;) {
    const lt = text.indexOf('<', i)
    if (lt < 0) {
      const amp = text.lastIndexOf('&')
      return amp >= i && /^&#?[\w:.\-\u00b7-\uffff]*$/.test(text.slice(amp)) ? amp : text.length
    }
    const end = markupEnd(text, lt)
    if (end < 0) return lt
    i = end
  }
}

/**
 * The first part of an XML document re-indented like reindentXml: the elements it leaves open end
 * it (no close tags are made up), and `rest`, the last piece the cut left unfinished (see
 * xmlHeadCut), follows as sent: on a line of its own in element-only content, or right after the
 * text of mixed content. Anything else not well formed is reported as by reindentXml.
 */
export function reindentXmlHead(text: string, rest: string, indentUnit = '  ', maxLength = Infinity): XmlReindent {
  return reindent(text, rest, indentUnit, maxLength)
}

function reindent(text: string, rest: string | null, indentUnit: string, maxLength: number): XmlReindent {
  const tree = parser.parse(text)
  let malformed = false
  // The end of a head: the elements still open there end in an empty error node.
  const leftOpen = (node: SyntaxNode | null) => rest !== null && node !== null && node.type.isError && node.from === text.length && node.to === text.length && node.parent?.name === 'Element'
  tree.iterate({
    enter(node) {
      if (malformed) return false
      if ((node.type.isError && !leftOpen(node.node)) || MALFORMED.has(node.name)) malformed = true
      return undefined
    },
  })
  if (malformed) return { ok: false, reason: 'malformed' }
  // Text or a CDATA section cut midway is text of its own in the element it is in.
  const restIsText = rest !== null && (rest.startsWith('&') || rest.startsWith('<!['))
  let restPlaced = false

  const lines: string[] = []
  let length = 0
  let tooLarge = false
  let tooDeep = false
  const line = (depth: number, content: string) => {
    length += content.length + indentUnit.length * depth + 1
    if (length > maxLength) tooLarge = true
    lines.push(indentUnit.repeat(depth) + content)
  }
  const source = (node: SyntaxNode) => text.slice(node.from, node.to)

  const element = (node: SyntaxNode, depth: number) => {
    if (tooLarge || tooDeep) return
    if (depth > XML_MAX_DEPTH) {
      tooDeep = true
      return
    }
    const open = node.firstChild
    const close = node.lastChild
    if (open && leftOpen(close)) {
      openElement(node, open, depth)
      return
    }
    if (!open || open.name === 'SelfClosingTag' || !close || close.name !== 'CloseTag' || preservesSpace(open, text)) {
      line(depth, source(node))
      return
    }
    const children: SyntaxNode[] = []
    for (let child = open.nextSibling; child && child.from < close.from; child = child.nextSibling) {
      if (CONTENT_TEXT.has(child.name) && !(child.name === 'Text' && isLayout(source(child)))) {
        // Text of its own: mixed content, copied as sent.
        line(depth, source(node))
        return
      }
      if (child.name !== 'Text') children.push(child)
    }
    if (children.length === 0) {
      line(depth, source(node))
      return
    }
    line(depth, source(open))
    for (const child of children) {
      if (child.name === 'Element') element(child, depth + 1)
      else line(depth + 1, source(child))
    }
    line(depth, source(close))
  }

  /** An element the head ends in: everything from it to the end of the head is its content. */
  const openElement = (node: SyntaxNode, open: SyntaxNode, depth: number) => {
    const children: SyntaxNode[] = []
    let mixed = preservesSpace(open, text)
    let innermost = true
    for (let child = open.nextSibling; child && !mixed; child = child.nextSibling) {
      if (child.type.isError) continue
      if (CONTENT_TEXT.has(child.name) && !(child.name === 'Text' && isLayout(source(child)))) mixed = true
      else if (child.name !== 'Text') children.push(child)
      if (child.name === 'Element' && leftOpen(child.lastChild)) innermost = false
    }
    restPlaced = true
    if (mixed || (innermost && restIsText)) {
      line(depth, text.slice(node.from) + rest!)
      return
    }
    line(depth, source(open))
    for (const child of children) {
      if (child.name === 'Element') element(child, depth + 1)
      else line(depth + 1, source(child))
    }
    if (innermost && rest) line(rest.startsWith('</') ? depth : depth + 1, rest)
  }

  let roots = 0
  for (let child = tree.topNode.firstChild; child; child = child.nextSibling) {
    if (child.name === 'Text') {
      if (!isWhitespace(source(child))) return { ok: false, reason: 'malformed' }
      continue
    }
    if (CONTENT_TEXT.has(child.name)) return { ok: false, reason: 'malformed' }
    if (child.name === 'Element') {
      roots++
      element(child, 0)
    } else line(0, source(child))
  }
  if (rest && !restPlaced) {
    // After the root element only comments and instructions may follow, and no text anywhere.
    if (restIsText || (roots > 0 && !rest.startsWith('<!') && !rest.startsWith('<?'))) return { ok: false, reason: 'malformed' }
    line(0, rest)
    if (roots === 0) return tooLarge ? { ok: false, reason: 'large' } : { ok: true, text: lines.join('\n') }
  }
  if (roots !== 1) return { ok: false, reason: 'malformed' }
  if (tooDeep) return { ok: false, reason: 'deep' }
  if (tooLarge) return { ok: false, reason: 'large' }
  return { ok: true, text: lines.join('\n') }
}

/**
 * XML (SOAP envelopes, TwiML, PayPal's and payment gateways' notifications) re-indented, every
 * token as sent; XML that is not well formed is shown as sent, saying so.
 */
export function formatXml(bytes: Uint8Array, charset: TextEncodingChoice | null = null): FormattedBody {
  return formatXmlWith(bytes, charset, (text, maxLength) => reindentXml(text, '  ', maxLength))
}

/**
 * The first part of an XML body too large to show whole, re-indented from its start like formatXml.
 * It tolerates what the cut gives: elements left open, and a last tag, comment, CDATA section or
 * text cut midway, shown as sent after the rest (see reindentXmlHead).
 */
export function formatXmlHead(bytes: Uint8Array, charset: TextEncodingChoice | null = null): FormattedBody {
  return formatXmlWith(bytes, charset, (text, maxLength) => {
    const cut = xmlHeadCut(text)
    return reindentXmlHead(text.slice(0, cut), text.slice(cut), '  ', maxLength)
  })
}

function formatXmlWith(bytes: Uint8Array, charset: TextEncodingChoice | null, reindentText: (text: string, maxLength: number) => XmlReindent): FormattedBody {
  const decoded = decodeForDisplay(bytes, charset?.encoding ?? null)
  const bom = decoded.charCodeAt(0) === 0xfeff
  const text = bom ? decoded.slice(1) : decoded
  const asSent = (note: string): FormattedBody => ({ kind: 'xml', text: decoded, pretty: false, note: withNote(encodingNote(charset), note), shownBytes: bytes.length })
  if (bytes.length > JSON_PRETTY_MAX_BYTES) return asSent(`Larger than ${JSON_PRETTY_MAX_BYTES / 1024 / 1024} MB: shown as sent, not re-indented.`)
  const result = reindentText(text, Math.min(JSON_PRETTY_MAX_OUTPUT, Math.max(1024 * 1024, 8 * text.length)))
  if (!result.ok) {
    switch (result.reason) {
      case 'malformed':
        return asSent('Not well-formed XML: shown as sent.')
      case 'deep':
        return asSent(`Nested more than ${XML_MAX_DEPTH} levels deep: shown as sent.`)
      case 'large':
        return asSent('Re-indented it would be many times its size: shown as sent.')
    }
  }
  return { kind: 'xml', text: result.text, pretty: true, note: withNote(encodingNote(charset), bom && charset?.source !== 'bom' ? 'Starts with a UTF-8 byte-order mark, not shown here.' : null), shownBytes: bytes.length }
}
