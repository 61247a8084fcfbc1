// The model every layer agrees on: endpoints, captures, settings. Each type is a zod schema first so
// that documents on disk and messages over IPC/WebSocket are validated by the same definition.
//
// Header names and values are "byte strings": one UTF-16 code unit per received byte (latin1), which
// is how node:http hands them over. Buffer.from(value, 'latin1') gives back the exact bytes.
import { z } from 'zod'
import { SchemeId, Verdict } from './signatures'

export const HeaderPair = z.tuple([z.string(), z.string()])
export type HeaderPair = z.infer<typeof HeaderPair>
export const RawHeaders = z.array(HeaderPair)
export type RawHeaders = z.infer<typeof RawHeaders>

export const MAX_RESPONSE_DELAY_MS = 30_000

// RFC 9110 token characters: what a header name may contain.
export const HEADER_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Field values: visible characters, spaces and tabs, obs-text; never CR, LF or NUL.
export const HEADER_VALUE_RE = /^[\t\x20-\x7e\x80-\xff]*$/

const SafeHeaderPair = z.tuple([
  z.string().regex(HEADER_NAME_RE, 'header names are tokens: letters, digits and !#$%&\'*+-.^_`|~'),
  z.string().regex(HEADER_VALUE_RE, 'header values may not contain CR, LF, NUL or characters above U+00FF'),
])

export const ResponseRule = z.object({
  status: z.number().int().min(200).max(599),
  headers: z.array(SafeHeaderPair),
  body: z.string().max(10 * 1024 * 1024),
  delayMs: z.number().int().min(0).max(MAX_RESPONSE_DELAY_MS),
})
export type ResponseRule = z.infer<typeof ResponseRule>

export const defaultResponseRule = (): ResponseRule => ({
  status: 200,
  headers: [['Content-Type', 'application/json']],
  body: '{"ok":true}\n',
  delayMs: 0,
})

export const ForwardTarget = z.object({
  id: z.string().min(1),
  /** Origin plus an optional base path, e.g. http://localhost:3000/webhooks. The request's own path
   * and query are appended to it, never resolved against it. */
  url: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//i.test(value), 'forward targets are http:// or https:// URLs')
    .refine((value) => !/[?#]/.test(value), 'a forward target has no query or fragment: the request brings its own'),
  /** Delivery from the queue is held while paused (async mode). */
  paused: z.boolean().default(false),
  /**
   * An https:// target's certificate is accepted even when no authority the engine trusts vouches for
   * it: a local app's self-signed or mkcert one (Node does not read the system's certificate store).
   * Absent (as in settings saved before it existed): verified.
   */
  acceptSelfSigned: z.boolean().optional(),
})
export type ForwardTarget = z.infer<typeof ForwardTarget>

export const RouteMatch = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path-prefix'), prefix: z.string().min(1) }),
  z.object({ kind: z.literal('method'), method: z.string().min(1) }),
  /**
   * Header value equality; the name is matched case-insensitively, the value exactly unless
   * `ignoreCase` (absent, as in settings saved before it existed: exact).
   */
  z.object({ kind: z.literal('header'), name: z.string().min(1), value: z.string(), ignoreCase: z.boolean().optional() }),
  /** A field of a JSON body, by dotted path (e.g. `type`, `data.object.status`), equal to a value (in any letter case with `ignoreCase`). */
  z.object({ kind: z.literal('json-field'), path: z.string().min(1), value: z.string(), ignoreCase: z.boolean().optional() }),
])
export type RouteMatch = z.infer<typeof RouteMatch>

export const ForwardRoute = z.object({ id: z.string().min(1), match: RouteMatch, targetId: z.string().min(1) })
export type ForwardRoute = z.infer<typeof ForwardRoute>

export const ForwardMode = z.enum(['off', 'async', 'proxy'])
export type ForwardMode = z.infer<typeof ForwardMode>

export const ForwardConfig = z.object({
  /** async: the sender gets the endpoint's response at once, delivery happens from a queue.
   *  proxy: the sender gets the target's response, relayed as it came. */
  mode: ForwardMode,
  targets: z.array(ForwardTarget),
  /** First match wins; requests matching no route go to the default target. */
  routes: z.array(ForwardRoute),
  defaultTargetId: z.string().nullable(),
  /** Host header sent to the target: rewritten to the target's (default), or kept as received. */
  host: z.enum(['rewrite', 'keep']),
  /** Forward requests flagged as sent by a web browser (off by default). */
  allowBrowser: z.boolean(),
  /**
   * Re-sign a queued delivery that leaves later than the endpoint's signature scheme accepts (say,
   * Stripe's 300 s), with a fresh timestamp and the endpoint's secret; only the scheme's headers
   * change. On by default; endpoints saved before it existed read as on.
   */
  resignStale: z.boolean().default(true),
  timeoutMs: z.number().int().min(100).max(10 * 60_000),
  retry: z.object({
    maxAttempts: z.number().int().min(1).max(1000),
    /** Stop retrying a request this long after it was captured. */
    maxAgeMs: z.number().int().min(1000),
    baseDelayMs: z.number().int().min(10),
    maxDelayMs: z.number().int().min(10),
  }),
})
export type ForwardConfig = z.infer<typeof ForwardConfig>

export const defaultForwardConfig = (): ForwardConfig => ({
  mode: 'off',
  targets: [],
  routes: [],
  defaultTargetId: null,
  host: 'rewrite',
  allowBrowser: false,
  resignStale: true,
  timeoutMs: 30_000,
  retry: { maxAttempts: 10, maxAgeMs: 24 * 60 * 60_000, baseDelayMs: 1000, maxDelayMs: 5 * 60_000 },
})

export const SignatureConfig = z.object({
  /** The provider's signature scheme, or null for none. */
  scheme: SchemeId.nullable(),
  /** The public URL the provider calls (Twilio signs it); the capture's own URL otherwise. */
  publicUrl: z.string().nullable(),
  /** Whether a secret is stored (the secret itself lives in the secret store, never here). */
  hasSecret: z.boolean(),
  /** When the current secret was stored or removed (absent before that was recorded): requests that
   * arrived earlier may have been signed with another secret. */
  secretChangedAt: z.number().optional(),
})
export type SignatureConfig = z.infer<typeof SignatureConfig>
export const defaultSignatureConfig = (): SignatureConfig => ({ scheme: null, publicUrl: null, hasSecret: false })

export const Endpoint = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(100),
  /** Bind address; 127.0.0.1 unless the user explicitly chooses another. */
  host: z.string().min(1),
  /** 0 picks a free port when the endpoint starts; the chosen port is then kept. */
  port: z.number().int().min(0).max(65535),
  /** Whether the endpoint listens while the app runs (restored at start). */
  enabled: z.boolean(),
  response: ResponseRule,
  forward: ForwardConfig,
  signature: SignatureConfig,
  createdAt: z.number(),
})
export type Endpoint = z.infer<typeof Endpoint>

export const EndpointDraft = z.object({
  name: Endpoint.shape.name,
  host: Endpoint.shape.host.default('127.0.0.1'),
  port: Endpoint.shape.port.default(0),
  enabled: z.boolean().default(true),
  response: ResponseRule.optional(),
  forward: ForwardConfig.partial().optional(),
})
export type EndpointDraft = z.input<typeof EndpointDraft>

export const EndpointPatch = z.object({
  name: Endpoint.shape.name.optional(),
  host: Endpoint.shape.host.optional(),
  port: Endpoint.shape.port.optional(),
  response: ResponseRule.partial().optional(),
  forward: ForwardConfig.partial().optional(),
  signature: SignatureConfig.pick({ scheme: true, publicUrl: true }).partial().optional(),
})
export type EndpointPatch = z.input<typeof EndpointPatch>

/** Requests an endpoint refused before they became captures, by reason. */
export const RejectionCounters = z.object({
  malformed: z.number().int(),
  headersTooLarge: z.number().int(),
  timeout: z.number().int(),
  connectionLimit: z.number().int(),
})
export type RejectionCounters = z.infer<typeof RejectionCounters>
export const emptyRejections = (): RejectionCounters => ({
  malformed: 0,
  headersTooLarge: 0,
  timeout: 0,
  connectionLimit: 0,
})

export const ListenerState = z.enum(['stopped', 'starting', 'listening', 'error'])
export type ListenerState = z.infer<typeof ListenerState>

/** An endpoint since removed, by the name it had: its captures stay in the history under it. */
export const RemovedEndpoint = z.object({ id: z.string(), name: z.string(), removedAt: z.number() })
export type RemovedEndpoint = z.infer<typeof RemovedEndpoint>

export const EndpointStatus = z.object({
  id: z.string(),
  state: ListenerState,
  /** The port actually bound (differs from the configured 0 while listening). */
  port: z.number().int().nullable(),
  url: z.string().nullable(),
  /**
   * While it listens on an address other machines can reach (not loopback): the URLs they would use,
   * one per network address of this machine that the bind covers (possibly none found). Absent on
   * loopback.
   */
  networkUrls: z.array(z.string()).optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  rejected: RejectionCounters,
  connections: z.number().int(),
  /**
   * True while this run forwards the endpoint's captures by a setting that is not saved
   * (`hookscope serve --forward`): the next start forwards as saved. Absent otherwise.
   */
  forwardThisRunOnly: z.literal(true).optional(),
})
export type EndpointStatus = z.infer<typeof EndpointStatus>

export const CaptureFlag = z.enum([
  /** Sent by a web browser (Origin or Sec-Fetch-* headers). */
  'browser',
  /** Sent by a page on another site: a foreign Origin or Sec-Fetch-Site: cross-site. */
  'cross-site',
  /** The body went past the cap; only the first part is kept. */
  'truncated',
  /** The sender went away (or timed out) before the body ended. */
  'incomplete',
  /** More header lines than the endpoint accepts; answered 431. */
  'too-many-headers',
])
export type CaptureFlag = z.infer<typeof CaptureFlag>

export const BodyRef = z.object({
  /** Bytes stored (after a cap, the kept part). */
  size: z.number().int().min(0),
  sha256: z.string(),
  truncated: z.boolean(),
  /** Content-Length the sender declared, when it did. */
  declaredSize: z.number().int().min(0).nullable(),
  storage: z.enum(['none', 'inline', 'blob']),
})
export type BodyRef = z.infer<typeof BodyRef>

export const ForwardState = z.enum([
  /** Waiting in the queue. */
  'pending',
  'delivering',
  /** The target was down or answered 5xx/429: waiting for the next attempt. */
  'retrying',
  'delivered',
  /** The target answered 4xx, or retries ran out. */
  'failed',
  /** The user chose not to deliver it. */
  'dropped',
  /** Sent by a web browser; not forwarded unless the endpoint allows it. */
  'blocked',
  /** No target matched and there is no default target. */
  'unrouted',
  /**
   * Never sent, by design: its bytes are not the request as sent (over the body cap, cut short, too
   * many headers), it is a CONNECT, or its sender was never answered. The error says which. Not a
   * failure: it is not retried (that would send wrong bytes); it can be sent by hand from the
   * Composer. Records written before this state existed say 'failed' for these, and are read so.
   */
  'skipped',
])
export type ForwardState = z.infer<typeof ForwardState>

export const ForwardSummary = z.object({
  state: ForwardState,
  targetId: z.string().nullable(),
  /** Status of the latest attempt's response. */
  status: z.number().int().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  nextAttemptAt: z.number().nullable(),
})
export type ForwardSummary = z.infer<typeof ForwardSummary>

export const AttemptErrorCode = z.enum(['REFUSED', 'TIMEOUT', 'RESET', 'INVALID_RESPONSE', 'DNS', 'TLS', 'ABORTED', 'OTHER'])
export type AttemptErrorCode = z.infer<typeof AttemptErrorCode>

/**
 * Why a send (a forward attempt, a replay) got no answer, or how its answer was cut short. `message`
 * is the whole of it in words, as lists, logs and the CLI show it; the parts a view lays out apart
 * come beside it, each only when there is one, so that no view reads them out of the message. Errors
 * recorded by earlier versions have `code` and `message` only.
 */
export const SendError = z.object({
  code: AttemptErrorCode,
  message: z.string(),
  /** The system's own words, its code among them ("connect ECONNREFUSED 127.0.0.1:1", OpenSSL's reason), which the message holds in parentheses. Absent when the message is all Hookscope's words. */
  detail: z.string().optional(),
  /** What to do about it, in words (the URL to use instead, say), with which the message ends. */
  advice: z.string().optional(),
  /** A fix that can be made where the error shows: accept the target's self-signed certificate (its own, or one from a local authority such as mkcert's). */
  remedy: z.enum(['accept-self-signed']).optional(),
  /** A timeout: whether the answer never came or stopped coming, and after how long. */
  timeout: z.object({ waitingFor: z.enum(['answer', 'data']), ms: z.number() }).optional(),
})
export type SendError = z.infer<typeof SendError>

export const ForwardAttempt = z.object({
  id: z.string(),
  captureId: z.string(),
  endpointId: z.string(),
  targetId: z.string(),
  /** 1 for the first attempt. */
  n: z.number().int(),
  method: z.string(),
  /** The exact upstream URL: the target's origin and base path plus the request's raw path. */
  url: z.string(),
  /** The target's URL as configured when it was sent: what names the target once it is removed
   * (or was given for one run with `serve --forward`). Absent in attempts stored before it was kept. */
  targetUrl: z.string().optional(),
  /** Headers as sent to the target (hop-by-hop removed, framing recomputed). */
  sentHeaders: RawHeaders,
  startedAt: z.number(),
  status: z.number().int().nullable(),
  statusText: z.string().nullable(),
  rawHeaders: RawHeaders,
  body: BodyRef.nullable(),
  timings: z.object({
    connectMs: z.number().nullable(),
    firstByteMs: z.number().nullable(),
    totalMs: z.number().nullable(),
  }),
  error: SendError.nullable(),
  /**
   * Its signature had outlived the scheme's tolerance when it left: `resigned` when it was signed
   * again with a fresh timestamp, `stale` when it was sent as captured (re-signing off, or no secret),
   * so the app will likely refuse it. Absent when the signature was still fresh, or none is checked.
   */
  signature: z.object({ kind: z.enum(['resigned', 'stale']), message: z.string() }).optional(),
  /**
   * The target answered 2xx, its status line and headers whole, then its body was cut short (the
   * connection reset or closed before its end, it stalled past the timeout, or Hookscope stopped):
   * why, as an error would say it. The app took the request, so the attempt counts as delivered and
   * is never retried; its body is what came. Absent when the answer came whole.
   */
  cutShort: SendError.optional(),
  /** Sent at startedAt and still waiting for the target's answer (no status, error or timings yet):
   * listed while it lasts, never stored; once answered it is listed under the same id. */
  inProgress: z.literal(true).optional(),
})
export type ForwardAttempt = z.infer<typeof ForwardAttempt>

/** The id of the target `hookscope serve --forward` gives the endpoint for one run. */
export const RUN_TARGET_ID = 'cli'

export const TargetStatus = z.object({
  endpointId: z.string(),
  targetId: z.string(),
  url: z.string(),
  /**
   * unknown: nothing was sent to it since Hookscope started. idle: it answered the last attempt (any
   * status) and nothing is being delivered. down: the last attempt could not reach it (lastError
   * says why). delivering, retrying (it answered 5xx/408/429 and the queue waits) and paused concern
   * the async queue only; in proxy mode the state is what the last proxied request found.
   */
  state: z.enum(['unknown', 'idle', 'delivering', 'retrying', 'down', 'paused']),
  waiting: z.number().int(),
  failed: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.number().nullable(),
  /** The capture at the head of the async queue (being sent, or waiting out a backoff): the ones
   * after it wait behind it, since deliveries keep their order. Null when nothing waits. */
  headId: z.string().nullable().default(null),
  /** A target the endpoint no longer has, listed while requests that failed or wait for it remain
   * (its url is '' when not known since start): a retry routes them by the endpoint's rules now. */
  removed: z.boolean().default(false),
})
export type TargetStatus = z.infer<typeof TargetStatus>

export const CaptureSummary = z.object({
  id: z.string(),
  endpointId: z.string(),
  receivedAt: z.number(),
  method: z.string(),
  /** The request target exactly as received (origin-form, absolute-form, asterisk...). */
  target: z.string(),
  /** Response status returned to the sender (null if none could be sent). */
  status: z.number().int().nullable(),
  bodySize: z.number().int(),
  contentType: z.string().nullable(),
  /** Milliseconds from the first byte of the request to the response being sent. */
  durationMs: z.number().nullable(),
  flags: z.array(CaptureFlag),
  /** Where forwarding of this capture stands (null when its endpoint does not forward). Live state,
   * kept by the forwarder; stored records hold null. */
  forward: ForwardSummary.nullable().default(null),
  /** The signature verdict for the endpoint's scheme, judged at the moment the request arrived
   * (null when the endpoint checks no signature). Live state; stored records hold null. */
  signature: Verdict.nullable().default(null),
  /** Live state, on the summaries the hosts relay: true while the request is still being received or
   * answered, false once it is stored and answered or its sender gone; absent when an update says
   * nothing of it (it stays as it was) and on stored captures read back (done), but for one stored and
   * still waiting out its endpoint's response delay, which is read back with true. */
  inFlight: z.boolean().optional(),
  /** Set when `signature` was judged with a secret stored after the request arrived. Live state. */
  signatureOnArrival: z
    .object({
      /** When the endpoint's current secret was stored (or removed). */
      secretChangedAt: z.number(),
      /** The verdict it got on arrival, with the secret in force then; null when not known (verdicts
       * on arrival are kept in memory, not across a restart). */
      verdict: Verdict.nullable(),
    })
    .nullable()
    .optional(),
})
export type CaptureSummary = z.infer<typeof CaptureSummary>

export const Timings = z.object({
  /** Monotonic milliseconds since the request's headers were parsed. */
  bodyEndMs: z.number().nullable(),
  storedMs: z.number().nullable(),
  respondedMs: z.number().nullable(),
})
export type Timings = z.infer<typeof Timings>

/**
 * Hookscope's own answers up to this size are kept with the capture, so an export can say what was
 * sent. Each capture's record holds its copy, so the bound is small: a webhook's acknowledgement is a
 * few bytes; a larger answer is recorded by its size only.
 */
export const RESPONSE_BODY_KEPT_BYTES = 4 * 1024

export const Capture = CaptureSummary.extend({
  httpVersion: z.string(),
  rawHeaders: RawHeaders,
  rawTrailers: RawHeaders,
  body: BodyRef,
  remoteAddress: z.string().nullable(),
  remotePort: z.number().int().nullable(),
  localPort: z.number().int(),
  timings: Timings,
  response: z
    .object({
      status: z.number().int(),
      headers: RawHeaders,
      bodySize: z.number().int(),
      /** The body Hookscope itself sent (its response rule's, or an explanation), as the text it was
       * sent as UTF-8, when at most RESPONSE_BODY_KEPT_BYTES; absent when not kept (a relayed
       * target's answer is kept with its forwarding attempt). */
      body: z.string().optional(),
    })
    .nullable(),
  /** The delivery decided at capture time: target and mode (null when not forwarded). */
  forwardPlan: z.object({ targetId: z.string().nullable(), mode: ForwardMode, state: ForwardState.nullable() }).nullable().default(null),
})
export type Capture = z.infer<typeof Capture>

/** The longest time a timer can wait (2^31 − 1 ms, about 24.8 days): past it Node fires it after 1 ms. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1

export const Limits = z.object({
  maxBodyBytes: z.number().int().min(0),
  maxHeaderBytes: z.number().int().min(1024).max(1024 * 1024),
  maxHeaderCount: z.number().int().min(1).max(100_000),
  headersTimeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS),
  requestTimeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS),
  keepAliveTimeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS),
  maxConnections: z.number().int().min(1),
})
export type Limits = z.infer<typeof Limits>

export const Retention = z.object({
  maxCaptures: z.number().int().min(10),
  maxBytes: z.number().int().min(1024 * 1024),
})
export type Retention = z.infer<typeof Retention>

export const Theme = z.enum(['system', 'light', 'dark'])

export const Storage = z.object({
  /** disk: a capture is on stable storage before its sender is answered (survives power loss).
   *  os: it is written to the operating system first (survives a crash of Hookscope) and reaches
   *  stable storage within 100 ms; faster under heavy load. */
  sync: z.enum(['disk', 'os']),
})
export type Storage = z.infer<typeof Storage>

export const Settings = z.object({
  limits: Limits,
  retention: Retention,
  storage: Storage,
  ui: z.object({
    theme: Theme,
    notifications: z.boolean(),
    /** Whether screen readers hear that new requests arrived (a polite live region, at most once per 5 s); on when a file does not say. */
    announceRequests: z.boolean().default(true),
  }),
})
export type Settings = z.infer<typeof Settings>

export const defaultSettings = (): Settings => ({
  limits: {
    maxBodyBytes: 100 * 1024 * 1024,
    maxHeaderBytes: 16 * 1024,
    maxHeaderCount: 2000,
    headersTimeoutMs: 30_000,
    requestTimeoutMs: 300_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 1024,
  },
  retention: { maxCaptures: 10_000, maxBytes: 1024 * 1024 * 1024 },
  storage: { sync: 'disk' },
  ui: { theme: 'system', notifications: false, announceRequests: true },
})

export const SettingsPatch = z.object({
  limits: Limits.partial().optional(),
  retention: Retention.partial().optional(),
  storage: Storage.partial().optional(),
  ui: Settings.shape.ui.partial().optional(),
})
export type SettingsPatch = z.input<typeof SettingsPatch>

export const CaptureQuery = z.object({
  endpointId: z.string().optional(),
  methods: z.array(z.string()).optional(),
  /** Status classes: 2 means 2xx. 0 matches captures with no response. */
  statusClasses: z.array(z.number().int().min(0).max(5)).optional(),
  /** Case-insensitive text looked up in the target, header names and values, and the body. */
  text: z.string().max(1000).optional(),
  since: z.number().optional(),
  until: z.number().optional(),
  /** Return captures older than this id (paging, newest first). */
  before: z.string().optional(),
  limit: z.number().int().min(1).max(5000).default(200),
})
export type CaptureQuery = z.input<typeof CaptureQuery>

export const CapturePage = z.object({
  items: z.array(CaptureSummary),
  /** Captures matching the query in all. */
  total: z.number().int(),
  /** Pass as `before` to get the next page; null when there is none. */
  next: z.string().nullable(),
})
export type CapturePage = z.infer<typeof CapturePage>

export const BodyChunk = z.object({
  base64: z.string(),
  offset: z.number().int(),
  size: z.number().int(),
  /** Size of the whole body (decoded, when decoding was asked for). */
  totalSize: z.number().int(),
  /** Content-Encoding values undone to produce these bytes, outermost first. */
  decodedFrom: z.array(z.string()),
  /** Decoding stopped at the display cap; the rest of the decoded body is not available. */
  capped: z.boolean(),
  /** Why decoding failed or stopped (the raw bytes are returned then). */
  decodeError: z.string().nullable(),
})

export const BodyPart = z.object({
  /** The part's header lines as sent (order, case, duplicates), latin1 byte strings. */
  rawHeaders: RawHeaders.default([]),
  name: z.string(),
  filename: z.string().nullable(),
  contentType: z.string(),
  transferEncoding: z.string(),
  size: z.number().int(),
  /** The first bytes of the part (see `truncated`), base64. */
  base64: z.string(),
  truncated: z.boolean(),
})
export type BodyPart = z.infer<typeof BodyPart>
export type BodyChunk = z.infer<typeof BodyChunk>

export const HttpMethod = z.string().regex(HEADER_NAME_RE, 'a method is a token (letters, digits, !#$%&\'*+-.^_`|~)').max(64)

/** A request composed or edited by the user (or taken from a capture) to send. */
export const RequestDraft = z.object({
  method: HttpMethod,
  /** Absolute http(s) URL; its path and query are sent exactly as written (no normalization). */
  url: z
    .string()
    .max(64 * 1024)
    .refine((value) => /^https?:\/\/[^/?#\s]+/i.test(value), 'the URL must start with http:// or https:// and a host'),
  headers: z.array(SafeHeaderPair).max(10_000),
  bodyBase64: z.string(),
})
export type RequestDraft = z.infer<typeof RequestDraft>

export const ReplayPart = z.object({
  method: z.string(),
  url: z.string(),
  headers: RawHeaders,
  body: BodyRef,
})

export const Replay = z.object({
  id: z.string(),
  /** The capture it came from (null for a draft composed from scratch). */
  originId: z.string().nullable(),
  sentAt: z.number(),
  request: ReplayPart,
  response: z
    .object({ status: z.number().int(), statusText: z.string(), headers: RawHeaders, body: BodyRef.nullable() })
    .nullable(),
  timings: z.object({ connectMs: z.number().nullable(), firstByteMs: z.number().nullable(), totalMs: z.number().nullable() }),
  error: SendError.nullable(),
  resigned: z
    .object({
      scheme: SchemeId,
      renewedId: z.boolean(),
      /**
       * The URL the signature says the provider called (Twilio signs it), which the app checks it
       * against, and where it came from: the endpoint's public URL with the request's path; the URL
       * the original request named as it arrived (its Host, over https when its tunnel said so); or
       * the one this request names (its Host, else its URL). Absent for schemes that sign no URL.
       */
      signedUrl: z.object({ url: z.string(), from: z.enum(['public-url', 'arrival', 'request']) }).optional(),
    })
    .nullable(),
  /** Sent to an https:// URL accepting a certificate no trusted authority vouches for; absent: the certificate was checked. */
  acceptSelfSigned: z.literal(true).optional(),
  /**
   * The signature as it was sent, judged with the endpoint's scheme and secret at that moment: what the
   * app checking it would decide (so an edited body sent without re-signing says it will be refused).
   * Null when no endpoint with a scheme signs it; absent in replays sent before it was recorded.
   */
  signature: Verdict.nullable().optional(),
})
export type Replay = z.infer<typeof Replay>
