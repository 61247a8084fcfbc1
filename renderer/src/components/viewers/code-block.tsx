// A read-only CodeMirror view of formatted text: line numbers, folding for JSON and XML, syntax
// classes styled by the theme, and special characters (controls, bidi overrides, zero-width)
// drawn as visible placeholders. CodeMirror renders text nodes only; nothing is parsed as HTML.
import { useEffect, useRef } from 'react'
import { EditorSelection, EditorState, type Extension, type StateCommand } from '@codemirror/state'
import { EditorView, highlightSpecialChars, lineNumbers } from '@codemirror/view'
import { foldGutter, foldKeymap, syntaxHighlighting, codeFolding } from '@codemirror/language'
import { keymap } from '@codemirror/view'
import { classHighlighter } from '@lezer/highlight'
import { json } from '@codemirror/lang-json'
import { xml } from '@codemirror/lang-xml'
import { html } from '@codemirror/lang-html'

export type CodeLanguage = 'json' | 'xml' | 'html' | null

// eslint-disable-next-line no-misleading-character-class -- lone combining characters are what must be shown
const BIDI_AND_INVISIBLES = /[\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]/

function renderSpecialChar(code: number): HTMLElement {
  const badge = document.createElement('span')
  badge.className = 'char-badge'
  const label = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  badge.textContent = code === 9 ? '\t' : `<${label}>`
  badge.title = label
  return badge
}

/** Ctrl+A (Cmd+A) selects the viewer's whole text, not the page: copied whole, lines out of view too. */
const selectAll: StateCommand = ({ state, dispatch }) => {
  dispatch(state.update({ selection: EditorSelection.single(0, state.doc.length), userEvent: 'select' }))
  return true
}

function languageExtension(language: CodeLanguage): Extension[] {
  switch (language) {
    case 'json':
      return [json(), codeFolding(), foldGutter()]
    case 'xml':
      return [xml(), codeFolding(), foldGutter()]
    case 'html':
      return [html({ autoCloseTags: false, matchClosingTags: false }), codeFolding(), foldGutter()]
    case null:
      return []
  }
}

interface CodeBlockProps {
  text: string
  language: CodeLanguage
  testId?: string
  wrap?: boolean
  /** False for a part of a text whose line numbers are not known (the tail of a large body). */
  numbered?: boolean
  /** Its accessible name: what the text is ("Body", "Body, first 512 KB"). */
  label?: string
}

export function CodeBlock({ text, language, testId, wrap = false, numbered = true, label = 'Body' }: CodeBlockProps) {
  const host = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!host.current) return
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          ...(numbered ? [lineNumbers()] : []),
          highlightSpecialChars({ addSpecialChars: BIDI_AND_INVISIBLES, render: renderSpecialChar }),
          syntaxHighlighting(classHighlighter),
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          EditorView.contentAttributes.of({ tabindex: '0', 'aria-label': label }),
          keymap.of([...foldKeymap, { key: 'Mod-a', run: selectAll }]),
          ...(wrap ? [EditorView.lineWrapping] : []),
          ...languageExtension(language),
        ],
      }),
    })
    return () => view.destroy()
  }, [text, language, wrap, numbered, label])
  return <div ref={host} className="code-block" data-testid={testId} data-language={language ?? 'text'} />
}
