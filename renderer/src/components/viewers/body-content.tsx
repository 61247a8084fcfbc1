// Picks the viewer for a body's bytes: by the chosen kind, else by Content-Type, else by sniffing.
import { bodyEncoding, chooseViewer, imageMimeFor, type ViewerKind } from '../../text/content-type'
import { FormattedViewer } from './formatted-viewer'
import { FormViewer } from './form-viewer'
import { HexViewer } from './hex-viewer'
import { ImageViewer } from './image-viewer'

export type ViewChoice = 'auto' | Exclude<ViewerKind, 'empty' | 'multipart'>

export function resolveViewer(choice: ViewChoice, contentType: string | null, bytes: Uint8Array): ViewerKind {
  return choice === 'auto' ? chooseViewer(contentType, bytes) : choice
}

interface BodyContentProps {
  bytes: Uint8Array
  contentType: string | null
  kind: ViewerKind
}

export function BodyContent({ bytes, contentType, kind }: BodyContentProps) {
  const charset = bodyEncoding(contentType, bytes)
  switch (kind) {
    case 'empty':
      return (
        <p className="viewer-status" data-testid="body-empty">
          No body.
        </p>
      )
    case 'json':
      return <FormattedViewer bytes={bytes} kind="json" language="json" testId="viewer-json" charset={charset} />
    case 'xml':
      return <FormattedViewer bytes={bytes} kind="xml" language="xml" testId="viewer-xml" charset={charset} />
    case 'html':
      return <FormattedViewer bytes={bytes} kind="text" language="html" testId="viewer-html" charset={charset} />
    case 'text':
      return <FormattedViewer bytes={bytes} kind="text" language={null} testId="viewer-text" charset={charset} />
    case 'form':
      return <FormViewer bytes={bytes} contentType={contentType} />
    case 'image':
      return <ImageViewer bytes={bytes} mime={imageMimeFor(contentType, bytes)} />
    case 'hex':
    case 'multipart':
      return <HexViewer bytes={bytes} />
  }
}
