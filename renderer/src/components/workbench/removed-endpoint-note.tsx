// The warning that a saved request's URL names the address of an endpoint since removed, where
// nothing answers any more: shown where the item is and in the composer, before a send fails.
import type { ReactNode } from 'react'
import { useRemovedEndpoint } from '../../workbench/commands'
import { VisibleText } from '../visible-text'

export function RemovedEndpointNote(props: { endpoint: { id: string; origin: string } | null; testId: string; error?: boolean; children: ReactNode }) {
  const removed = useRemovedEndpoint(props.endpoint?.id)
  if (!props.endpoint || !removed) return null
  return (
    <p className={props.error ? 'viewer-note error' : 'viewer-note'} data-testid={props.testId}>
      {removed.name === null ? (
        'The endpoint it was saved from'
      ) : (
        <>
          The endpoint “<VisibleText value={removed.name} />”
        </>
      )}{' '}
      was removed: nothing answers at <VisibleText value={props.endpoint.origin} byteString /> any more{props.children}
    </p>
  )
}
