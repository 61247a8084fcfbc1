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
  const tree = parser.parse(text)
  let malformed = false
  tree.iterate({
    enter(node) {
      if (malformed) return false
      if (node.type.isError || MALFORMED.has(node.name)) malformed = true
      return undefined
    },
  })
  if (malformed) return { ok: false, reason: 'malformed' }

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
  const decoded = decodeForDisplay(bytes, charset?.encoding ?? null)
  const bom = decoded.charCodeAt(0) === 0xfeff
  const text = bom ? decoded.slice(1) : decoded
  const asSent = (note: string): FormattedBody => ({ kind: 'xml', text: decoded, pretty: false, note: withNote(encodingNote(charset), note), shownBytes: bytes.length })
  if (bytes.length > JSON_PRETTY_MAX_BYTES) return asSent(`Larger than ${JSON_PRETTY_MAX_BYTES / 1024 / 1024} MB: shown as sent, not re-indented.`)
  const result = reindentXml(text, '  ', Math.min(JSON_PRETTY_MAX_OUTPUT, Math.max(1024 * 1024, 8 * text.length)))
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
