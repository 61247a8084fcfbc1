// The composer's body as an editable CodeMirror document: line numbers, undo history, JSON syntax
// when the body is JSON. The document is taken from the store when the editor is created (and again
// whenever `revision` changes); the user's edits flow back through onChange. A body with CRLF line
// ends keeps them. CodeMirror renders text nodes only: nothing typed or captured becomes markup.
import { useEffect, useRef } from 'react'
import { minimalSetup } from 'codemirror'
import { EditorState, Prec } from '@codemirror/state'
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
  const latestText = useRef(text)
  const latestOnChange = useRef(onChange)
  useEffect(() => {
    latestText.current = text
    latestOnChange.current = onChange
  })
  useEffect(() => {
    if (!host.current) return
    const doc = latestText.current
    const view = new EditorView({
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
          ...(doc.includes('\r\n') ? [EditorState.lineSeparator.of('\r\n')] : []),
          ...(language === 'json' ? [json()] : []),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latestOnChange.current(update.state.doc.toString())
          }),
        ],
      }),
    })
    return () => view.destroy()
  }, [revision, language])
  return <div ref={host} className="code-block body-editor" data-testid="composer-body-editor" />
}
