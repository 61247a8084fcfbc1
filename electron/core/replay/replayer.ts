// Resending: a capture as it was, or a draft the user edited, to any URL, optionally re-signed with a
// fresh timestamp. Owns: turning a capture or a draft into the exact request to send (path as
// written, headers in order, Content-Length following the body), re-signing, sending through the
// same sender as forwarding, and keeping the last replays (one appended line each, in
// `replays/`; bodies as blobs) linked to where they came from. Never: follows a redirect.
import https from 'node:https'
import path from 'node:path'
import { z } from 'zod'
import { HookscopeError } from '../../../shared/errors'
import { Replay as ReplaySchema, type Endpoint, type RawHeaders, type Replay, type RequestDraft } from '../../../shared/model'
import type { SchemeId } from '../../../shared/signatures'
import type { Clock } from '../clock'
import { headerValue } from '../capture/headers'
import { cancelledError, send, StopGroup } from '../forward/sender'
import { pathOfTarget, pathOfTargetOrNone, upstreamHeaders } from '../forward/upstream'
import { EMPTY_SHA256, type BlobStore } from '../store/blobs'
import { DocumentStore } from '../store/document'
import { exists } from '../store/fs-util'
import { inlineBytes, type HistoryStore } from '../store/history'
import { RecentLog } from '../store/recent-log'
import { signWith, UnusableSecretError, verifyWith } from '../signatures'
import { publicUrlOf, type SignatureChecker } from '../verdicts/checker'

export const MAX_REPLAYS = 1000
/** Replays per file of `replays/`: the folder holds at most MAX_REPLAYS and one file more. */
export const REPLAYS_PER_FILE = 100

/** Where earlier versions kept the replays: one lowdb document, written whole on every send. */
const ReplaysDoc = z.object({ replays: z.array(ReplaySchema) })

export interface ResignOptions {
  scheme: SchemeId
  renewId: boolean
}

export interface ReplayDeps {
  dir: string
  history: HistoryStore
  blobs: BlobStore
  clock: Clock
  newId: () => string
  checker: SignatureChecker
  endpoint: (id: string) => Endpoint | undefined
  maxResponseBytes: () => number
  onNotice: Parameters<typeof DocumentStore.open>[0]['onNotice']
}

/** Origin (scheme, host, port) and the raw path+query of an absolute URL, without normalizing it. */
export function splitUrl(url: string): { origin: URL; path: string } {
  let origin: URL
  try {
    origin = new URL(url)
  } catch {
    throw new HookscopeError('INVALID_INPUT', `Not a URL: ${url.slice(0, 200)}`)
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') throw new HookscopeError('INVALID_INPUT', 'Requests go to http:// or https:// URLs only.')
  // new URL() would fold `..` and re-encode the path; send it exactly as written.
  const raw = pathOfTarget(url)
  const pathAndQuery = raw.replace(/#.*$/, '')
  return { origin: new URL(origin.origin), path: pathAndQuery === '' ? '/' : pathAndQuery }
}

export class Replayer {
  /** Sends still waiting for their answer, by the id their caller gave them (to cancel them). */
  private readonly inFlight = new Map<string, StopGroup>()
  /** Connections for sends that accept a self-signed certificate: never shared with the others, which verify. */
  private unverified: https.Agent | null = null

  private constructor(
    private readonly deps: ReplayDeps,
    private readonly log: RecentLog<Replay>,
  ) {}

  static async open(deps: ReplayDeps): Promise<Replayer> {
    const log = await RecentLog.open<Replay>({
      dir: path.join(deps.dir, 'replays'),
      keep: MAX_REPLAYS,
      perSegment: REPLAYS_PER_FILE,
      parse: (line) => {
        const parsed = ReplaySchema.safeParse(line)
        return parsed.success ? parsed.data : null
      },
      idOf: (replay) => replay.id,
      noun: 'replay',
      now: deps.clock.now,
      onNotice: deps.onNotice,
    })
    await adoptReplaysDocument(deps, log)
    for (const replay of log.records) {
      for (const sha256 of blobsOf(replay)) deps.blobs.retain(sha256)
    }
    return new Replayer(deps, log)
  }

  /** An endpoint as it is now (undefined once removed): whose scheme and secret re-sign a send. */
  endpoint(id: string): Endpoint | undefined {
    return this.deps.endpoint(id)
  }

  /**
   * The endpoint a capture reached, as a URL origin. Never its Host header: that is whatever the sender
   * wrote, and a replay or a collection run sent there (re-signed with the user's secret, say) would go
   * wherever the sender chose.
   */
  endpointOriginOf(record: { endpointId: string; localPort: number }): string {
    const bound = this.deps.endpoint(record.endpointId)?.host ?? '127.0.0.1'
    const host = bound === '0.0.0.0' ? '127.0.0.1' : bound === '::' ? '::1' : bound
    return `http://${host.includes(':') ? `[${host}]` : host}:${record.localPort}`
  }

  /**
   * A capture as a draft: exactly its method, its URL (at the given base, or at the endpoint it
   * reached), raw headers and body. With `host: 'rewrite'` (a resend to a forward target, following the
   * endpoint's Host setting as forwarding does) its Host header names the base's host instead.
   */
  async draftOf(captureId: string, baseUrl?: string, host: 'rewrite' | 'keep' = 'keep'): Promise<RequestDraft> {
    const record = await this.deps.history.get(captureId)
    if (!record) throw new HookscopeError('NOT_FOUND', `No capture with id ${captureId}.`)
    const body = record.body.storage === 'blob' ? await this.deps.blobs.read(record.body.sha256) : inlineBytes(record.inline)
    // A CONNECT's target names a host, not a path: its draft goes to the endpoint's root, never to that host.
    const rawPath = pathOfTargetOrNone(record.target) ?? '/'
    const url = (baseUrl ? baseUrl.replace(/\/+$/, '') : this.endpointOriginOf(record)) + rawPath
    const headers: RawHeaders =
      host === 'rewrite' && baseUrl ? record.rawHeaders.map(([name, value]) => [name, name.toLowerCase() === 'host' ? new URL(url).host : value]) : record.rawHeaders
    return { method: record.method, url, headers, bodyBase64: body.toString('base64') }
  }

  async send(input: { draft: RequestDraft; originId: string | null; resign: ResignOptions | null; timeoutMs: number; endpointId?: string; sendId?: string; acceptSelfSigned?: boolean }): Promise<Replay> {
    if (input.sendId !== undefined && this.inFlight.has(input.sendId)) throw new HookscopeError('INVALID_INPUT', `A send with id ${input.sendId} is already in progress.`)
    const { draft } = input
    const { origin, path: draftPath } = splitUrl(draft.url)
    let requestPath = draftPath
    const body = Buffer.from(draft.bodyBase64, 'base64')
    let headers: RawHeaders = draft.headers
    let resigned: Replay['resigned'] = null
    const endpointId = input.endpointId ?? (input.originId ? this.deps.history.summary(input.originId)?.endpointId : undefined)
    const endpoint = endpointId ? this.deps.endpoint(endpointId) : undefined
    // The provider signed the public URL it called; a replay of its request claims the one the app checks.
    const signedFor = endpoint ? await this.signedUrlOf(endpoint, input.originId, requestPath, headers, origin) : { url: draft.url, from: 'request' as const }
    let signedUrl = signedFor.url
    if (input.resign) {
      if (!endpoint) throw new HookscopeError('INVALID_INPUT', 'Re-signing needs the endpoint whose secret signs the request.')
      const secret = await this.deps.checker.secretOf(endpoint.id)
      if (!secret) throw new HookscopeError('INVALID_INPUT', `The endpoint "${endpoint.name}" has no signing secret; add one in its signature settings.`)
      try {
        const result = signWith(input.resign.scheme, { method: draft.method, url: signedUrl, rawHeaders: headers, body }, secret, this.deps.clock.now(), { renewId: input.resign.renewId })
        headers = result.rawHeaders
        if (result.url !== signedUrl) {
          // Only the query's bodySHA256 changed: the request keeps its own path, whatever the public URL's.
          requestPath = requestPath.replace(/\?.*$/, '') + splitUrl(result.url).path.replace(/^[^?]*/, '')
          signedUrl = result.url
        }
      } catch (error) {
        if (error instanceof UnusableSecretError) throw new HookscopeError('INVALID_INPUT', `The signing secret cannot be used for ${input.resign.scheme}: ${error.message}`)
        throw error
      }
      resigned = { scheme: input.resign.scheme, renewedId: input.resign.renewId, ...(input.resign.scheme === 'twilio' ? { signedUrl: { url: signedUrl, from: signedFor.from } } : {}) }
    }
    // Host as the draft says (added from the URL when absent); Content-Length follows the body.
    const sent = upstreamHeaders(headers, { host: headerValue(headers, 'host') === null ? 'rewrite' : 'keep', targetHost: origin.host, bodyLength: body.length, method: draft.method })
    // What the app will make of the signature it gets, judged as a capture's is.
    const scheme = endpoint?.signature.scheme ?? null
    const signature = endpoint && scheme ? verifyWith(scheme, { method: draft.method, url: signedUrl, rawHeaders: sent, body }, await this.deps.checker.secretOf(endpoint.id), this.deps.clock.now()) : null
    const requestBody = body.length > 0 ? await this.deps.blobs.put(body) : null
    const sentAt = this.deps.clock.now()
    const stop = input.sendId === undefined ? undefined : new StopGroup()
    if (stop) this.inFlight.set(input.sendId!, stop)
    const unverified = input.acceptSelfSigned === true && origin.protocol === 'https:'
    const result = await send({
      origin,
      path: requestPath,
      method: draft.method,
      headers: sent,
      body,
      timeoutMs: input.timeoutMs,
      maxResponseBytes: this.deps.maxResponseBytes(),
      spool: () => {
        const spool = this.deps.blobs.createSpool()
        // Replays keep their response bodies as blobs: a replay's line holds none.
        spool.forceBlob = true
        return spool
      },
      ...(stop ? { stop } : {}),
      ...(unverified ? { agent: (this.unverified ??= new https.Agent({ rejectUnauthorized: false })) } : {}),
    }).finally(() => {
      if (stop) this.inFlight.delete(input.sendId!)
    })
    const replay: Replay = {
      id: this.deps.newId(),
      originId: input.originId,
      sentAt,
      request: {
        method: draft.method,
        url: `${origin.origin}${requestPath}`,
        // As they went on the wire (with what the client adds, such as Connection), as attempts record them.
        headers: result.sentHeaders ?? sent,
        body: { size: body.length, sha256: requestBody?.sha256 ?? EMPTY_SHA256, truncated: false, declaredSize: null, storage: requestBody ? 'blob' : 'none' },
      },
      response: result.head
        ? {
            status: result.head.status,
            statusText: result.head.statusText,
            headers: result.head.rawHeaders,
            body: result.body ? { size: result.body.size, sha256: result.body.sha256, truncated: result.truncated, declaredSize: null, storage: result.body.blob ? 'blob' : 'none' } : null,
          }
        : null,
      timings: result.timings,
      error: result.error,
      resigned,
      // Kept, so that sent again or saved from here it reaches the same app.
      ...(unverified ? { acceptSelfSigned: true as const } : {}),
      signature,
    }
    for (const sha256 of blobsOf(replay)) this.deps.blobs.retain(sha256)
    let dropped: Replay[]
    try {
      dropped = await this.log.append(replay)
    } catch (error) {
      // Not stored: its bodies are not kept for it.
      await this.release([replay])
      throw error
    }
    await this.release(dropped)
    return replay
  }

  /**
   * The URL a signature over the called URL (Twilio's) is made and judged for: the one the app checks.
   * An app behind a tunnel checks the URL it is called on there, not its local address: the endpoint's
   * public URL with the request's own path and query; else the URL the original request named as it
   * arrived (its Host, over https when its tunnel said so), never the Host a resend to a forward
   * target rewrote (a tunnel's https:// on the target's host is a URL nothing calls); else the one
   * this request names in its Host, or its URL. Only Twilio signs a URL: other schemes read no origin.
   */
  private async signedUrlOf(endpoint: Endpoint, originId: string | null, requestPath: string, headers: RawHeaders, origin: URL): Promise<{ url: string; from: 'public-url' | 'arrival' | 'request' }> {
    if (endpoint.signature.publicUrl) return { url: publicUrlOf({ target: requestPath, rawHeaders: headers, localPort: 0 }, endpoint), from: 'public-url' }
    const arrived = originId && endpoint.signature.scheme === 'twilio' ? await this.deps.history.get(originId) : undefined
    if (arrived) return { url: publicUrlOf({ target: requestPath, rawHeaders: arrived.rawHeaders, localPort: arrived.localPort }, endpoint), from: 'arrival' }
    if (headerValue(headers, 'host') !== null) return { url: publicUrlOf({ target: requestPath, rawHeaders: headers, localPort: 0 }, endpoint), from: 'request' }
    return { url: `${origin.origin}${requestPath}`, from: 'request' }
  }

  /** Give up the bodies of replays no longer kept; a body nothing else uses is deleted. */
  private async release(replays: Replay[]): Promise<void> {
    const orphans: string[] = []
    for (const replay of replays) {
      for (const sha256 of blobsOf(replay)) if (this.deps.blobs.release(sha256)) orphans.push(sha256)
    }
    await this.deps.blobs.collect(orphans)
  }

  /** Cuts short the send given this id while it waits for its answer; false when none is in progress. */
  cancel(sendId: string): boolean {
    const stop = this.inFlight.get(sendId)
    if (!stop) return false
    this.inFlight.delete(sendId)
    stop.stopAll(cancelledError)
    return true
  }

  list(originId?: string): Replay[] {
    const all = this.log.records
    return (originId === undefined ? all : all.filter((replay) => replay.originId === originId)).slice().reverse()
  }

  get(id: string): Replay {
    const replay = this.log.records.find((r) => r.id === id)
    if (!replay) throw new HookscopeError('NOT_FOUND', `No replay with id ${id}.`)
    return replay
  }

  async body(id: string, part: 'request' | 'response'): Promise<{ bytes: Buffer; headers: RawHeaders; total: number }> {
    const replay = this.get(id)
    const ref = part === 'request' ? replay.request.body : replay.response?.body
    const headers = part === 'request' ? replay.request.headers : (replay.response?.headers ?? [])
    if (!ref || ref.size === 0) return { bytes: Buffer.alloc(0), headers, total: 0 }
    return { bytes: await this.deps.blobs.read(ref.sha256), headers, total: ref.size }
  }

  /** Let the replays being stored land, then close their files. */
  close(): Promise<void> {
    return this.log.close()
  }
}

function blobsOf(replay: Replay): string[] {
  const blobs: string[] = []
  if (replay.request.body.storage === 'blob') blobs.push(replay.request.body.sha256)
  if (replay.response?.body?.storage === 'blob') blobs.push(replay.response.body.sha256)
  return blobs
}

/**
 * The replays an earlier version kept in `replays.json` join the log, once: read as that document
 * always was (a damaged file moved aside and its last good copy used, saying so), written to the log,
 * then the document removed. A start cut short in between finds them in the log already and adds none twice.
 */
async function adoptReplaysDocument(deps: ReplayDeps, log: RecentLog<Replay>): Promise<void> {
  const file = path.join(deps.dir, 'replays.json')
  if (!(await exists(file)) && !(await exists(`${file}.bak`))) return
  const doc = await DocumentStore.open({
    dir: deps.dir,
    name: 'replays.json',
    schema: ReplaysDoc,
    version: 1,
    migrations: [],
    defaults: () => ({ replays: [] }),
    now: deps.clock.now,
    onNotice: deps.onNotice,
  })
  await log.adopt(doc.data.replays)
  await doc.remove()
}
