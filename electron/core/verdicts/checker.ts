// The signature verdict of every capture. Owns: each endpoint's signing secret (in the secret store,
// never in a document), judging each capture with its endpoint's scheme over the stored raw bytes as
// of the moment it arrived, and judging an endpoint's history again when its scheme or secret changes.
// Verdicts are live state (rebuilt at start), computed off the capture path. A secret replaced by
// another is kept, with when it was replaced (`signature-previous:<endpoint id>` in the secret store),
// so that a capture is judged with the secret in force when it arrived, and one that arrived in the
// rotation window after a change with the previous secret too (the verdict says when that one matched);
// replays and late deliveries are signed with the current secret only. A capture that arrived while no
// secret was stored is judged with the current one and says so, with the verdict it got on arrival
// while that is known (in memory, for the captures judged since start).
import type { CaptureSummary, Endpoint } from '../../../shared/model'
import { z } from 'zod'
import { SECRET_ROTATION_WINDOW_MS, type Verdict } from '../../../shared/signatures'
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
 * The secrets an endpoint had before its current one, as JSON text in one value of the secret store
 * (encrypted like any other). Versions that do not know it keep it as it is and read only `signature:`.
 */
export const previousSecretsRef = (endpointId: string) => `signature-previous:${endpointId}`
/** How many replaced secrets an endpoint keeps (the most recent). */
export const PREVIOUS_SECRETS_KEPT = 10

const PreviousSecrets = z.array(
  z.object({
    secret: z.string().min(1),
    /** When it was stored (absent when that was not recorded: it was in force from the start). */
    since: z.number().optional(),
    replacedAt: z.number(),
  }),
)
type PreviousSecrets = z.infer<typeof PreviousSecrets>

function parsePrevious(text: string | null): PreviousSecrets {
  if (text === null) return []
  try {
    const parsed = PreviousSecrets.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data.sort((a, b) => b.replacedAt - a.replacedAt) : []
  } catch {
    return []
  }
}

function signatureMatched(verdict: Verdict): boolean {
  return verdict.kind === 'valid' || verdict.kind === 'timestamp-out-of-tolerance'
}

/** A verdict reached with a secret since replaced says which. */
function withPrevious(verdict: Verdict, previousSecret: { replacedAt: number; rotation: boolean }): Verdict {
  return verdict.kind === 'valid' || verdict.kind === 'timestamp-out-of-tolerance' ? { ...verdict, previousSecret } : verdict
}

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
  /** Each endpoint's replaced secrets, newest first. */
  private readonly previousCache = new Map<string, PreviousSecrets>()
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

  private async previousOf(endpointId: string): Promise<PreviousSecrets> {
    if (!this.previousCache.has(endpointId)) this.previousCache.set(endpointId, parsePrevious(await this.deps.secrets.get(previousSecretsRef(endpointId))))
    return this.previousCache.get(endpointId) ?? []
  }

  /**
   * Stores the secret without the spaces, tabs or line breaks around it; nothing left (or null)
   * forgets it, and the secrets it replaced. With `rotation`, the secret it takes the place of (stored
   * `since`) is kept among the previous secrets, replaced `replacedAt`.
   */
  async setSecret(endpointId: string, secret: string | null, rotation?: { replacedAt: number; since: number | undefined }): Promise<void> {
    const kept = normalizeSecret(secret)
    if (kept === null) {
      await this.deps.secrets.delete(previousSecretsRef(endpointId))
      this.previousCache.set(endpointId, [])
      await this.deps.secrets.delete(secretRef(endpointId))
    } else {
      const replaced = await this.secretOf(endpointId)
      if (rotation && replaced !== null && replaced !== kept) {
        const entry = { secret: replaced, ...(rotation.since !== undefined ? { since: rotation.since } : {}), replacedAt: rotation.replacedAt }
        const previous = [entry, ...(await this.previousOf(endpointId))].slice(0, PREVIOUS_SECRETS_KEPT)
        // Written before the new secret: a stop between the two leaves the old one kept twice, never lost.
        await this.deps.secrets.set(previousSecretsRef(endpointId), JSON.stringify(previous))
        this.previousCache.set(endpointId, previous)
      }
      await this.deps.secrets.set(secretRef(endpointId), kept)
    }
    this.secretCache.set(endpointId, kept)
  }

  /** Judge one record with its endpoint's scheme and the secret(s) in force when it arrived, as of its arrival. */
  async verdictFor(record: CaptureRecord, endpoint: Endpoint): Promise<Verdict | null> {
    return (await this.judgement(record, endpoint)).verdict
  }

  /**
   * The verdict, and when it was reached with a secret stored after the request arrived, what the
   * secret in force then concluded (`known: false` when none was stored then, or which one is not kept).
   */
  private async judgement(record: CaptureRecord, endpoint: Endpoint): Promise<{ verdict: Verdict | null; later?: { storedAt: number; onArrival: Verdict | null; known: boolean } }> {
    const scheme = endpoint.signature.scheme
    if (!scheme) return { verdict: null }
    // A signature covers the whole body: over part of it any verdict would be a guess.
    if (record.body.truncated) {
      const kept = record.body.size === 0 ? 'none of it was kept' : `only its first ${record.body.size} bytes were kept`
      return { verdict: { kind: 'incomplete-body', scheme, reason: `the body was larger than the endpoint's body cap: ${kept}` } }
    }
    if (record.flags.includes('incomplete')) return { verdict: { kind: 'incomplete-body', scheme, reason: 'the sender stopped before the body was complete' } }
    const current = await this.secretOf(endpoint.id)
    const previous = await this.previousOf(endpoint.id)
    const arrived = record.receivedAt
    const changedAt = endpoint.signature.secretChangedAt
    const body = record.body.storage === 'blob' ? await this.deps.blobs.read(record.body.sha256) : inlineBytes(record.inline)
    const request = { method: record.method, url: publicUrlOf(record, endpoint), rawHeaders: record.rawHeaders, body }
    const verify = (secret: string | null) => verifyWith(scheme, request, secret, arrived)
    const currentIsLater = changedAt !== undefined && arrived < changedAt
    // The secret in force when it arrived: the current one, or one it replaced.
    const inForce = !currentIsLater ? { secret: current, replacedAt: null } : previous.find((p) => (p.since ?? -Infinity) <= arrived && arrived < p.replacedAt)
    // None stored then, or not known which: judged with the current one, saying so.
    if (!inForce || inForce.secret === null) return { verdict: verify(current), ...(currentIsLater ? { later: { storedAt: changedAt, onArrival: null, known: false } } : {}) }
    const verdict = verify(inForce.secret)
    if (signatureMatched(verdict)) return { verdict: inForce.replacedAt === null ? verdict : withPrevious(verdict, { replacedAt: inForce.replacedAt, rotation: false }) }
    // In the rotation window after a change the provider may still sign with the secret(s) replaced.
    for (const candidate of previous) {
      if (candidate.replacedAt > arrived || arrived - candidate.replacedAt >= SECRET_ROTATION_WINDOW_MS || candidate.secret === inForce.secret) continue
      const other = verify(candidate.secret)
      if (signatureMatched(other)) return { verdict: withPrevious(other, { replacedAt: candidate.replacedAt, rotation: true }) }
    }
    // A secret stored after it arrived that matches (a mistyped secret corrected, or one the provider
    // rolled before it was stored here): shown with what the secret in force then concluded.
    const later = [
      ...(currentIsLater && current !== null ? [{ secret: current, storedAt: changedAt, replacedAt: null }] : []),
      ...previous.flatMap((p) => (p.since !== undefined && p.since > arrived ? [{ secret: p.secret, storedAt: p.since, replacedAt: p.replacedAt }] : [])),
    ]
    for (const candidate of later) {
      if (candidate.secret === inForce.secret) continue
      const other = verify(candidate.secret)
      if (!signatureMatched(other)) continue
      const shown = candidate.replacedAt === null ? other : withPrevious(other, { replacedAt: candidate.replacedAt, rotation: false })
      return { verdict: shown, later: { storedAt: candidate.storedAt, onArrival: verdict, known: true } }
    }
    return { verdict }
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
    const { verdict, later } = await this.judgement(record, endpoint)
    if (arriving) this.onArrival.set(id, verdict)
    // Judged with a secret stored after the request arrived: the verdict is not the one it got then,
    // and says so, with that one when it is known.
    const onArrival = later ? { secretChangedAt: later.storedAt, verdict: later.known ? later.onArrival : (this.onArrival.get(id) ?? null) } : null
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
