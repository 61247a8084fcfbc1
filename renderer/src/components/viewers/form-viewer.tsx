// application/x-www-form-urlencoded bodies as a table of names and values, in order.
import { useMemo } from 'react'
import { parseQuery } from '../../../../shared/formats/http-parts'
import { decodeForDisplay } from '../../body/body-format'
import { VisibleText } from '../visible-text'

export function FormViewer({ bytes }: { bytes: Uint8Array }) {
  const pairs = useMemo(() => parseQuery(decodeForDisplay(bytes).replace(/[\r\n]+$/, '')), [bytes])
  return (
    <div className="viewer" data-testid="viewer-form">
      <table className="kv-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((pair, index) => (
            <tr key={index} data-testid="form-row">
              <td className="kv-name">
                <VisibleText value={pair.name} />
              </td>
              <td className="kv-value">
                <VisibleText value={pair.value} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
