// The composer's body as an editable CodeMirror document: line numbers, undo history, JSON syntax
// when the body is JSON. The document is taken from the store when the editor is created (and again
// whenever `revision` changes: another request); the user's edits flow back through onChange. A text
// set from outside meanwhile (Format) is a change in the same editor, which Ctrl+Z undoes, and JSON
// syntax comes and goes in it as the body becomes JSON or stops being it, so the focus and the history
// stay where the user is typing. A body with CRLF line ends keeps them. CodeMirror renders text nodes
// only: nothing typed or captured becomes markup.
import { useEffect, useRef } from 'react'
import { minimalSetup } from 'codemirror'
import { Compartment, EditorState, Prec } from '@codemirror/state'
import { EditorView, lineNumbers } from '@codemirror/view'
import { syntaxHighlighting } from '@codemirror/language'
import { classHighlighter } from '@lezer/highlight'
import { json } from '@codemirror/lang-json'
import { isSendKey } from '../../keyboard/shortcuts'

// Ahead of every keymap; the key event still bubbles up to the composer's handler.
const leaveSendKey = Prec.highest(EditorView.domEventHandlers({ keydown: (event) => isSendKey(event) }))

// A character typed over a selection that spans lines (Ctrl+A, then typing) replaces it in the
// document itself: left to the browser, Chromium keeps the last line's empty block and the editor
// reads it back as a trailing line break, so the body sent would end with a "\n" no one typed.
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== 'insertText' || event.data === null || view.state.selection.ranges.every((range) => range.empty)) return false
    event.preventDefault()
    view.dispatch(view.state.replaceSelection(event.data), { userEvent: 'input.type', scrollIntoView: true })
    return true
  },
})

interface BodyEditorProps {
  text: string
  revision: number
  language: 'json' | null
  onChange: (text: string) => void
}

export function BodyEditor({ text, revision, language, onChange }: BodyEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const syntax = useRef(new Compartment())
  // The document as the editor last reported it: a text prop that differs was set from outside.
  const shown = useRef(text)
  const latestText = useRef(text)
  const latestLanguage = useRef(language)
  const latestOnChange = useRef(onChange)
  useEffect(() => {
    latestText.current = text
    latestLanguage.current = language
    latestOnChange.current = onChange
  })
  const crlf = text.includes('\r\n')
  useEffect(() => {
    if (!host.current) return
    const doc = latestText.current
    shown.current = doc
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc,
        extensions: [
          leaveSendKey,
          typeOverSelection,
          minimalSetup,
          lineNumbers(),
          syntaxHighlighting(classHighlighter),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'Request body', 'data-testid': 'composer-body-input' }),
          ...(crlf ? [EditorState.lineSeparator.of('\r\n')] : []),
          syntax.current.of(latestLanguage.current === 'json' ? json() : []),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return
            shown.current = update.state.doc.toString()
            latestOnChange.current(shown.current)
          }),
        ],
      }),
    })
    view.current = editor
    return () => {
      view.current = null
      editor.destroy()
    }
    // A change of line ends (a CRLF body formatted) needs an editor with the other separator.
  }, [revision, crlf])
  useEffect(() => {
    view.current?.dispatch({ effects: syntax.current.reconfigure(language === 'json' ? json() : []) })
  }, [language])
  useEffect(() => {
    const editor = view.current
    if (!editor || text === shown.current) return
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text }, userEvent: 'input.format' })
  }, [text])
  return <div ref={host} className="code-block body-editor" data-testid="composer-body-editor" />
}
