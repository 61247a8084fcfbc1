// The signature verdict of every capture. Owns: each endpoint's signing secret (in the secret store,
// never in a document), judging each capture with its endpoint's scheme over the stored raw bytes as
// of the moment it arrived, and judging an endpoint's history again when its scheme or secret changes.
// Verdicts are live state (rebuilt at start), computed off the capture path. A capture judged again
// with a secret stored after it arrived says so, with the verdict it got on arrival while that is
// known (in memory, for the captures judged since start).
import type { CaptureSummary, Endpoint } from '../../../shared/model'
import type { Verdict } from '../../../shared/signatures'
import { headerValue } from '../capture/headers'
import type { SecretStore } from '../secrets'
import type { BlobStore } from '../store/blobs'
import { inlineBytes, type CaptureRecord, type HistoryStore } from '../store/history'
import { verifyWith } from '../signatures'

export interface CheckerDeps {
  history: HistoryStore
  blobs: BlobStore
  secrets: SecretStore
  endpoint: (id: string) => Endpoint | undefined
  onCaptureChanged: (summary: CaptureSummary) => void
}

export const secretRef = (endpointId: string) => `signature:${endpointId}`

/**
 * The URL the provider called: the endpoint's public URL (a tunnel) or what the Host header says, over
 * https when a tunnel in front said so (`X-Forwarded-Proto: https`, as ngrok and cloudflared send it:
 * the provider called the tunnel's https:// URL, and Twilio signs it with its scheme).
 */
export function publicUrlOf(record: Pick<CaptureRecord, 'target' | 'rawHeaders' | 'localPort'>, endpoint: Endpoint): string {
  const path = record.target.startsWith('/') ? record.target : `/${record.target}`
  if (endpoint.signature.publicUrl) return endpoint.signature.publicUrl.replace(/\/+$/, '') + path
  const host = headerValue(record.rawHeaders, 'host') ?? `127.0.0.1:${record.localPort}`
  const forwardedProto = headerValue(record.rawHeaders, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  return `${forwardedProto === 'https' ? 'https' : 'http'}://${host}${path}`
}

/**
 * A signing secret as it is used: without the whitespace around it. Providers' secrets (whsec_…,
 * auth tokens, hex or base64 keys) never begin or end with a space or a line break, but a secret
 * copied from a dashboard, a terminal or a .env file often carries one, and with it every signature
 * would be judged invalid and every re-signed replay refused.
 */
export function normalizeSecret(secret: string | null): string | null {
  const trimmed = secret?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

export class SignatureChecker {
  private readonly secretCache = new Map<string, string | null>()
  private chain: Promise<void> = Promise.resolve()
  private readonly generation = new Map<string, number>()
  /** The verdict each capture got when it arrived, with the secret in force then (this run only). */
  private readonly onArrival = new Map<string, Verdict | null>()
  private stopped = false

  constructor(private readonly deps: CheckerDeps) {}

  async secretOf(endpointId: string): Promise<string | null> {
    // A secret stored with the whitespace it was pasted with (before secrets were trimmed) is read trimmed too.
    if (!this.secretCache.has(endpointId)) this.secretCache.set(endpointId, normalizeSecret(await this.deps.secrets.get(secretRef(endpointId))))
    return this.secretCache.get(endpointId) ?? null
  }

  /** Stores the secret without the spaces, tabs or line breaks around it; nothing left (or null) forgets it. */
  async setSecret(endpointId: string, secret: string | null): Promise<void> {
    const kept = normalizeSecret(secret)
    if (kept === null) await this.deps.secrets.delete(secretRef(endpointId))
    else await this.deps.secrets.set(secretRef(endpointId), kept)
    this.secretCache.set(endpointId, kept)
  }

  /** Judge one record with its endpoint's current scheme and secret, as of its arrival. */
  async verdictFor(record: CaptureRecord, endpoint: Endpoint): Promise<Verdict | null> {
    const scheme = endpoint.signature.scheme
    if (!scheme) return null
    // A signature covers the whole body: over part of it any verdict would be a guess.
    if (record.body.truncated) {
      const kept = record.body.size === 0 ? 'none of it was kept' : `only its first ${record.body.size} bytes were kept`
      return { kind: 'incomplete-body', scheme, reason: `the body was larger than the endpoint's body cap: ${kept}` }
    }
    if (record.flags.includes('incomplete')) return { kind: 'incomplete-body', scheme, reason: 'the sender stopped before the body was complete' }
    const secret = await this.secretOf(endpoint.id)
    const body = record.body.storage === 'blob' ? await this.deps.blobs.read(record.body.sha256) : inlineBytes(record.inline)
    return verifyWith(scheme, { method: record.method, url: publicUrlOf(record, endpoint), rawHeaders: record.rawHeaders, body }, secret, record.receivedAt)
  }

  /** Queue a verdict for a capture that just completed (in arrival order, off the capture path). */
  check(id: string, endpointId: string): void {
    const endpoint = this.deps.endpoint(endpointId)
    if (!endpoint?.signature.scheme) return
    this.chain = this.chain.then(() => this.judge(id, undefined, undefined, true)).catch(() => undefined)
  }

  private async judge(id: string, expectedGeneration?: number, endpointId?: string, arriving = false): Promise<void> {
    if (this.stopped) return
    if (endpointId !== undefined && this.generation.get(endpointId) !== expectedGeneration) return
    const record = await this.deps.history.get(id)
    if (!record) return
    const endpoint = this.deps.endpoint(record.endpointId)
    if (!endpoint) return
    const verdict = await this.verdictFor(record, endpoint)
    if (arriving) this.onArrival.set(id, verdict)
    // Judged with a secret stored after the request arrived: the verdict may not be the one it got
    // then (another secret may have signed it), and says so.
    const changedAt = endpoint.signature.secretChangedAt
    const onArrival = changedAt !== undefined && record.receivedAt < changedAt ? { secretChangedAt: changedAt, verdict: this.onArrival.get(id) ?? null } : null
    const summary = this.deps.history.setSignature(id, verdict, onArrival)
    if (summary) this.deps.onCaptureChanged(summary)
  }

  /** The scheme, secret or public URL changed: judge the endpoint's whole history again. */
  recheck(endpointId: string): Promise<void> {
    const generation = (this.generation.get(endpointId) ?? 0) + 1
    this.generation.set(endpointId, generation)
    const ids = this.deps.history.idsOf(endpointId)
    const run = this.chain.then(async () => {
      for (let i = 0; i < ids.length; i++) {
        await this.judge(ids[i]!, generation, endpointId)
        // Yield now and then so a long history never blocks the event loop.
        if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve))
      }
    })
    this.chain = run.catch(() => undefined)
    return run
  }

  /** Captures removed from the history: their verdicts on arrival go too. */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.onArrival.delete(id)
  }

  /** Stop judging (shutdown); verdicts are rebuilt at the next start. */
  stop(): Promise<void> {
    this.stopped = true
    return this.chain
  }
}
