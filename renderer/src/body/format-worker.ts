// The format worker: formats large bodies off the main thread so the list keeps scrolling.
import { formatBody, type FormatKind, type TextEncodingChoice } from './body-format'
import { formatXml, formatXmlHead } from './xml-format'
import { errorMessage } from '../../../shared/errors'

interface FormatRequestMessage {
  id: number
  kind: FormatKind
  bytes: Uint8Array
  charset: TextEncodingChoice | null
}

const scope = self as unknown as { onmessage: ((event: MessageEvent<FormatRequestMessage>) => void) | null; postMessage(message: unknown): void }

scope.onmessage = (event) => {
  const { id, kind, bytes, charset } = event.data
  try {
    const result = kind === 'xml' ? formatXml(bytes, charset) : kind === 'xml-head' ? formatXmlHead(bytes, charset) : formatBody(kind, bytes, charset)
    scope.postMessage({ id, ok: true, result })
  } catch (error) {
    scope.postMessage({ id, ok: false, error: errorMessage(error) })
  }
}
