// Bytes as a hex dump: offset, sixteen bytes, and their printable ASCII.
import { useMemo } from 'react'
import { hexDump } from '../../body/body-format'
import { readOnlyTextProps } from './select-all'

export function HexViewer({ bytes, startOffset = 0, testId = 'viewer-hex', label = 'Body as hex' }: { bytes: Uint8Array; startOffset?: number; testId?: string; label?: string }) {
  const dump = useMemo(() => hexDump(bytes, undefined, startOffset), [bytes, startOffset])
  return (
    <div className="viewer" data-testid={testId}>
      {dump.note && <p className="viewer-note">{dump.note}</p>}
      <pre className="hex-dump" {...readOnlyTextProps(label)}>
        {dump.text}
      </pre>
    </div>
  )
}
