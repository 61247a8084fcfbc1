// A 404 or 405 from a forward target, explained: the URL that was called, how Hookscope built it (the
// target's URL plus the request's own path and query), and the target that would call the route once.
import type { WrongPathHint } from '../../text/forward-text'
import { VisibleText } from '../visible-text'

export function PathHint({ hint, testId }: { hint: WrongPathHint; testId: string }) {
  return (
    <p className="viewer-note warning" data-testid={testId}>
      The target answered <VisibleText value={hint.answer} byteString /> to <VisibleText value={hint.method} byteString /> <code><VisibleText value={hint.url} byteString /></code>: is that your app’s route for it? Hookscope appends each request’s path and query to the target’s URL
      {hint.joined ? (
        <>
          {': '}
          <code>
            <VisibleText value={hint.joined.targetUrl} />
          </code>
          {' + '}
          <code>
            <VisibleText value={hint.joined.requestTarget} byteString />
          </code>
        </>
      ) : null}
      .
      {hint.once ? (
        <>
          {' To call '}
          <code>
            <VisibleText value={hint.once.url} byteString />
          </code>
          , make the target <code>{hint.once.target}</code>.
        </>
      ) : null}
    </p>
  )
}
