// Why a request sent from the Composer got no answer, as people read it: a short headline for the place
// of the status line, a sentence that says what happened and where, and the system's own words kept
// apart as the technical detail. Never: decides anything about sending (the engine's sender does).
import type { Replay } from '../../../shared/model'
import { formatDuration } from './format'

export interface SendErrorText {
  /** "Connection refused": where the status line would be. */
  headline: string
  /** What happened, where, and what to check. */
  sentence: string
  /** The system's own message ("connect ECONNREFUSED 127.0.0.1:1"), when the sentence does not hold it. */
  detail: string | null
}

type SendError = NonNullable<Replay['error']>

/** The engine words a classified error as "connection refused (<the system's message>)", optionally
 * followed by ". <advice>" (a refused loopback address names the one that answers). */
const WRAPPED = /^(?:connection refused|connection reset|invalid HTTP response|host not found|TLS failed) \((.*?)\)(?:\. (.+))?$/s

/** host:port of the URL sent to, its default port spelt out; the URL itself when it does not parse. */
function placeOf(url: string): { host: string; hostPort: string } {
  try {
    const parsed = new URL(url)
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80')
    return { host: parsed.hostname, hostPort: parsed.port ? parsed.host : `${parsed.host}:${port}` }
  } catch {
    return { host: url, hostPort: url }
  }
}

function sentenceCase(text: string): string {
  const trimmed = text.trim().replace(/\.$/, '')
  return trimmed === '' ? trimmed : `${trimmed[0]!.toUpperCase()}${trimmed.slice(1)}.`
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : formatDuration(ms)
}

export function sendErrorText(error: SendError, url: string): SendErrorText {
  const wrapped = WRAPPED.exec(error.message)
  const detail = wrapped ? wrapped[1]! : null
  const advice = wrapped?.[2] ?? null
  const { host, hostPort } = placeOf(url)
  switch (error.code) {
    case 'REFUSED':
      return {
        headline: 'Connection refused',
        sentence: advice ? sentenceCase(advice) : `Nothing accepted a connection at ${hostPort}: is the app running, and listening on that port?`,
        detail,
      }
    case 'TIMEOUT': {
      // "no response within 30000 ms" (nothing came back), "no data for 30000 ms" (the answer stalled).
      const waited = /^no (response within|data for) (\d+) ms$/.exec(error.message)
      if (!waited) return { headline: 'No answer in time', sentence: sentenceCase(error.message), detail: null }
      const time = seconds(Number(waited[2]))
      return waited[1] === 'data for'
        ? { headline: 'Answer stalled', sentence: `${hostPort} stopped sending its answer: nothing more came for ${time}.`, detail: null }
        : { headline: 'No answer in time', sentence: `${hostPort} sent no answer within ${time}, the timeout: raise it if the app needs longer.`, detail: null }
    }
    case 'RESET':
      return { headline: 'Connection closed', sentence: `${hostPort} closed the connection before its answer was complete.`, detail }
    // The engine says what was wrong with the answer, or why TLS failed, in words of its own when it
    // knows more than the system's message (an https:// URL for a server of plain HTTP): kept as the detail.
    case 'INVALID_RESPONSE':
      return { headline: 'Not an HTTP answer', sentence: `${hostPort} answered with something that is not valid HTTP.`, detail: detail ?? error.message }
    case 'DNS':
      return { headline: 'Host not found', sentence: `No address was found for ${host}: check the host name in the URL.`, detail }
    case 'TLS':
      return { headline: 'Secure connection failed', sentence: `The TLS connection to ${hostPort} failed.`, detail: detail ?? error.message }
    case 'ABORTED':
      return { headline: 'Cancelled', sentence: sentenceCase(error.message), detail: null }
    case 'OTHER':
      return { headline: 'No answer', sentence: sentenceCase(error.message), detail: null }
  }
}
