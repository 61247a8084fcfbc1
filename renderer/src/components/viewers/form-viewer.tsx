// application/x-www-form-urlencoded bodies as a table of names and values, in order.
import { useMemo } from 'react'
import { parseQuery } from '../../../../shared/formats/http-parts'
import { decodeForDisplay } from '../../body/body-format'
import { NameValueTable } from '../name-value-table'

export function FormViewer({ bytes }: { bytes: Uint8Array }) {
  const pairs = useMemo(() => parseQuery(decodeForDisplay(bytes).replace(/[\r\n]+$/, '')), [bytes])
  return (
    <div className="viewer" data-testid="viewer-form">
      <NameValueTable pairs={pairs} rowTestId="form-row" />
    </div>
  )
}
