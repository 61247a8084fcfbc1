import { describe, expect, it } from 'vitest'
import type { RawHeaders } from '../../shared/model'
import { relayHeaders, upstreamHeaders } from '../../electron/core/forward/upstream'

// The rules as first written, with a lower-case copy of every name: the faster code must agree with them.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate'])
function namedBy(received: RawHeaders): Set<string> {
  const named = new Set<string>()
  for (const [name, value] of received) if (name.toLowerCase() === 'connection') for (const token of value.split(',')) named.add(token.trim().toLowerCase())
  return named
}
function referenceUpstream(received: RawHeaders, options: { host: 'rewrite' | 'keep'; targetHost: string; bodyLength: number; method: string }): RawHeaders {
  const named = namedBy(received)
  const out: RawHeaders = []
  let framingAt = -1
  let sawHost = false
  for (const [name, value] of received) {
    const lower = name.toLowerCase()
    if (lower === 'content-length' || lower === 'transfer-encoding') {
      if (framingAt < 0) framingAt = out.length
      continue
    }
    if (lower === 'host') {
      if (sawHost) continue
      sawHost = true
      out.push([name, options.host === 'rewrite' ? options.targetHost : value])
      continue
    }
    if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || named.has(lower)) continue
    out.push([name, value])
  }
  if (!sawHost) out.unshift(['Host', options.targetHost])
  const needsLength = options.bodyLength > 0 || framingAt >= 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE'].includes(options.method.toUpperCase())
  if (needsLength) {
    const length: [string, string] = ['Content-Length', String(options.bodyLength)]
    if (framingAt >= 0) out.splice(Math.min(framingAt + (sawHost ? 0 : 1), out.length), 0, length)
    else out.push(length)
  }
  return out
}
function referenceRelay(received: RawHeaders): RawHeaders {
  const named = namedBy(received)
  return received.filter(([name]) => {
    const lower = name.toLowerCase()
    return !(HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || named.has(lower))
  })
}

const NAMES = [
  'Host', 'HOST', 'host', 'Content-Length', 'content-length', 'CONTENT-LENGTH', 'Transfer-Encoding', 'transfer-encoding',
  'Connection', 'CONNECTION', 'Keep-Alive', 'keep-alive', 'TE', 'te', 'Trailer', 'Upgrade', 'UPGRADE', 'Proxy-Connection',
  'proxy-authorization', 'Proxy-Authenticate', 'Proxy-', 'proxy-x', 'Proxy', 'Proxyx-A', 'X-Custom', 'x-custom', 'Content-Type',
  'Accept', 'Set-Cookie', 'Tea', 'Tx', 'Hos', 'Hostx', 'Connectionx', 'Upgrades', 'X-Dropped', 'x-dropped',
  // Beyond ASCII: Latin-1 bytes as Node reads them, and the Kelvin sign, which lower-cases to "k".
  'Kéep-Alive', '\u212Aeep-Alive', 'X-\u00c0', 'Prox\u00ff-A',
]
const VALUES = ['a', 'x-custom, X-DROPPED', 'close', ' keep-alive , Upgrade', 'Host', 'kéep-alive, \u212Aeep-alive', '']

function seeded(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
}

describe('upstream and relayed headers', () => {
  it('drop, keep and frame exactly as the rules say, whatever the case of each name', () => {
    const random = seeded(42)
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!
    for (let run = 0; run < 3000; run++) {
      const received: RawHeaders = []
      const count = Math.floor(random() * 9)
      for (let i = 0; i < count; i++) received.push([pick(NAMES), pick(VALUES)])
      const options = { host: pick(['rewrite', 'keep'] as const), targetHost: 'target:8080', bodyLength: pick([0, 0, 12]), method: pick(['GET', 'post', 'HEAD', 'PUT', 'delete']) }
      expect(upstreamHeaders(received, options), JSON.stringify({ received, options })).toEqual(referenceUpstream(received, options))
      expect(relayHeaders(received), JSON.stringify(received)).toEqual(referenceRelay(received))
    }
  })

  it('passes the received pairs on as they are where nothing changes in them', () => {
    const received: RawHeaders = [
      ['Host', 'a'],
      ['X-One', '1'],
      ['Connection', 'close'],
      ['Content-Length', '3'],
    ]
    const sent = upstreamHeaders(received, { host: 'keep', targetHost: 't', bodyLength: 3, method: 'POST' })
    expect(sent).toEqual([['Host', 'a'], ['X-One', '1'], ['Content-Length', '3']])
    expect(sent[0]).toBe(received[0])
    expect(sent[1]).toBe(received[1])
    expect(relayHeaders(received)[1]).toBe(received[1])
  })
})
