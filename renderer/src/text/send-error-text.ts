// Why a request sent from the Composer got no answer, as people read it: a short headline for the place
// of the status line, a sentence that says what happened and where, and the system's own words kept
// apart as the technical detail, each from the parts the engine gives beside its message. Never:
// decides anything about sending (the engine's sender does).
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

interface Parts {
  detail: string | null
  advice: string | null
  timeout: NonNullable<SendError['timeout']> | null
}

/** An earlier version worded a classified error as "connection refused (<the system's message>)",
 * optionally followed by ". <advice>", and kept nothing else. */
const WRAPPED = /^(?:connection refused|connection reset|invalid HTTP response|host not found|TLS failed) \((.*?)\)(?:\. (.+))?$/s

/**
 * The parts of an error: as the engine gives them, or, for one recorded by an earlier version (a
 * replay kept from then, with its message alone, none of its parts), as that version worded them.
 */
function partsOf(error: SendError): Parts {
  if (error.detail !== undefined || error.advice !== undefined || error.timeout !== undefined || error.remedy !== undefined) {
    return { detail: error.detail ?? null, advice: error.advice ?? null, timeout: error.timeout ?? null }
  }
  const wrapped = WRAPPED.exec(error.message)
  const waited = error.code === 'TIMEOUT' ? /^no (response within|data for) (\d+) ms$/.exec(error.message) : null
  return { detail: wrapped?.[1] ?? null, advice: wrapped?.[2] ?? null, timeout: waited ? { waitingFor: waited[1] === 'data for' ? 'data' : 'answer', ms: Number(waited[2]) } : null }
}

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
  const { detail, advice, timeout } = partsOf(error)
  const { host, hostPort } = placeOf(url)
  switch (error.code) {
    case 'REFUSED':
      return {
        headline: 'Connection refused',
        sentence: advice ? sentenceCase(advice) : `Nothing accepted a connection at ${hostPort}: is the app running, and listening on that port?`,
        detail,
      }
    case 'TIMEOUT': {
      // Nothing came back, or the answer stalled; a system's own timeout (connecting) says it in its words.
      if (!timeout) return { headline: 'No answer in time', sentence: sentenceCase(error.message), detail: null }
      const time = seconds(timeout.ms)
      return timeout.waitingFor === 'data'
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
