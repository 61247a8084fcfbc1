// Images rendered from their bytes through a blob: URL (revoked when the view goes away). Only raster
// types reach this viewer; SVG is shown as XML text.
import { useEffect, useState } from 'react'
import { formatBytes } from '../../text/format'

export function ImageViewer({ bytes, mime }: { bytes: Uint8Array; mime: string }) {
  const [url, setUrl] = useState<string | null>(null)
  const [size, setSize] = useState<{ width: number; height: number } | null>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    const objectUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }))
    setUrl(objectUrl)
    setFailed(false)
    return () => URL.revokeObjectURL(objectUrl)
  }, [bytes, mime])
  return (
    <div className="viewer image-viewer" data-testid="viewer-image">
      <p className="viewer-note">
        {mime}, {formatBytes(bytes.length)}
        {size ? `, ${size.width} × ${size.height} px` : ''}
        {failed ? ' — the browser could not decode this image' : ''}
      </p>
      {url && (
        <img
          src={url}
          alt="Captured image body"
          data-testid="body-image"
          onLoad={(event) => setSize({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })}
          onError={() => setFailed(true)}
        />
      )}
    </div>
  )
}
