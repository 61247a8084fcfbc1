// Postman Collection v2.1 (https://schema.getpostman.com/json/collection/v2.1.0/collection.json)
// export and import. It owns the mapping between collection items and Exchanges; it must never
// run scripts, guess a variable the file does not define (it stays as `{{name}}` text), or import
// half a collection.
//
// Export: one item per Exchange, named after the Exchange (or "METHOD url"), inside nested item groups
// (folders) following its `folderPath`, each group where its first exchange or FolderEntry comes (a
// FolderEntry writes a folder with nothing in it too); a folder's description is the group's; notes
// become the request description; headers keep order, case and duplicates; the URL is written as `raw` plus
// its parts, its bytes beyond ASCII percent-encoded (Postman would send them as other bytes). A request with a body but no Content-Type says so to Postman, which would add one
// (`protocolProfileBehavior.disabledSystemHeaders`). A body that is valid UTF-8 is a raw body; other bytes are a raw body in base64 with
// `body.options.hookscope.encoding: "base64"` (Postman keeps unknown `options`). The response, if
// any, becomes the item's one saved example (its duration is `responseTime`); a binary example body
// is base64 with `_hookscope.bodyEncoding: "base64"` on the example.
//
// Import (v2.1, and v2.0 which differs only in auth):
// - The variables the collection defines (its `variable` list, and those of a folder or item, the
//   nearest winning; disabled ones left out) are filled in wherever Postman fills them in when it
//   sends: the URL, headers, body and auth, also inside one another's values. Anything else in
//   braces (an environment's variable, a dynamic one such as {{$guid}}) stays as written. Path
//   variables (`/orders/:id` with the URL's `variable` list) are filled in too. What a request line
//   cannot carry (spaces, anything beyond ASCII) is percent-encoded as UTF-8, as Postman sends it.
// - Folders (item groups) become each exchange's `folderPath`, in order, with their descriptions; an
//   item keeps its own name. fromPostmanEntries also gives each folder as a FolderEntry where it
//   begins, so that one without requests is kept too.
// - Disabled headers, query parameters and form fields are dropped. raw bodies are UTF-8;
//   urlencoded and formdata text fields are encoded as Postman sends them; graphql becomes its JSON
//   body. Each gets the Content-Type header Postman adds when the request has none (for a raw body,
//   the one its language names: json is application/json, and text/plain when it names none),
//   unless the item switches that header off (`protocolProfileBehavior.disabledSystemHeaders`).
//   A GET (HEAD, COPY, PURGE, UNLOCK) goes without its body, as Postman sends it, unless the item
//   asks for it (`protocolProfileBehavior.disableBodyPruning`), and its notes say so; export asks for
//   it when such a request has a body.
//   The files of file fields and file bodies are not in the collection: a file field becomes a file
//   part with the file's name and no content, a file body an empty body (unless the collection holds
//   its text), and the item's notes say which file to add.
// - basic, bearer, apikey and oauth2 with an access token (inherited from folders and the
//   collection) become an Authorization (or the named) header, or a query parameter where the
//   collection puts the key or token in the query; other auth types are left out and said so in the notes.
//   A user and password in the URL become Basic authentication when the request has no Authorization.
// - Scripts are never run: a request that Postman runs a pre-request script before (its own, a
//   folder's or the collection's) says so in its notes, since what the script sets is missing.
// - The first saved example becomes the response. The URL comes from `raw` when present, else from
//   its parts (collections built with the SDK have no `raw`).
import { base64Decode, base64Encode, bodyText, byteStringToBytes, textToByteString, utf8Encode, type BodyTextOf } from './bytes'
import { buildMultipart, formUrlEncode, hasHeader, queryOf, randomBoundary, splitLogin, splitUrl } from './http-parts'
import { formatPath, invalidInput, parseJsonInput, parseOrThrow } from './invalid-input'
import { Exchange, FolderEntry, type FolderRef, type HeaderPair, type RequestSpec, type ResponseSpec } from './types'
import { z } from 'zod'

export const POSTMAN_SCHEMA_V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'

export interface ToPostmanOptions {
  name: string
  /** info._postman_id; a random UUID by default. */
  id?: string
  description?: string
  /** A stand-in for a body's text (see BodyTextOf); by default the text itself. */
  bodyText?: BodyTextOf
}

export interface PostmanKeyValue {
  key: string
  value: string
  disabled?: boolean
}

export interface PostmanUrl {
  raw: string
  protocol?: string
  host?: string[]
  port?: string
  path?: string[]
  /** value null: a parameter written without `=` (Postman's own convention). */
  query?: Array<{ key: string; value: string | null }>
  hash?: string
}

export interface PostmanBody {
  mode: 'raw'
  raw: string
  options?: { raw?: { language: string }; hookscope?: { encoding: 'base64' } }
}

export interface PostmanRequest {
  method: string
  header: PostmanKeyValue[]
  url: PostmanUrl
  body?: PostmanBody
  description?: string
}

export interface PostmanResponse {
  name: string
  originalRequest: PostmanRequest
  status: string
  code: number
  header: PostmanKeyValue[]
  body: string
  responseTime?: number
  _hookscope?: { bodyEncoding: 'base64' }
}

export interface PostmanItem {
  name: string
  request: PostmanRequest
  response: PostmanResponse[]
  /**
   * disabledSystemHeaders: Postman must not add a Content-Type of its own (the request has a body but
   * none); disableBodyPruning: Postman must send the body of a GET (or another method it sends without one).
   */
  protocolProfileBehavior?: { disabledSystemHeaders?: { 'content-type': true }; disableBodyPruning?: true; strictSSL?: false }
}

/** A folder: an item group. */
export interface PostmanItemGroup {
  name: string
  description?: string
  item: Array<PostmanItem | PostmanItemGroup>
}

export interface PostmanCollection {
  info: { _postman_id: string; name: string; schema: string; description?: string }
  item: Array<PostmanItem | PostmanItemGroup>
}

function randomUuid(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * A URL's bytes beyond ASCII after its origin, percent-encoded: Postman takes a URL as text and sends
 * what it holds beyond ASCII as UTF-8, so a byte string written as it is (a latin1 "é", one byte, or
 * UTF-8's two bytes read one character each) would go out as other bytes. Encoded, each byte is sent
 * as itself percent-encoded, which is all a request Postman sends can carry of it.
 */
function encodeBytesBeyondAscii(url: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? ''
  return origin + url.slice(origin.length).replace(/[\x80-\xff]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** raw plus the parts Postman shows, split without normalizing anything. */
function postmanUrl(byteUrl: string): PostmanUrl {
  const url = encodeBytesBeyondAscii(byteUrl)
  const parts = splitUrl(url)
  if (!parts) return { raw: url }
  const out: PostmanUrl = { raw: url, protocol: parts.scheme }
  const hostPort = /^(?:[^@]*@)?(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(parts.authority)
  out.host = (hostPort?.[1] ?? parts.authority).split('.')
  if (hostPort?.[2]) out.port = hostPort[2]
  const hashAt = parts.rest.indexOf('#')
  const beforeHash = hashAt < 0 ? parts.rest : parts.rest.slice(0, hashAt)
  if (hashAt >= 0) out.hash = parts.rest.slice(hashAt + 1)
  const queryAt = beforeHash.indexOf('?')
  const path = queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt)
  if (path !== '') out.path = path.replace(/^\//, '').split('/')
  const query = queryOf(url)
  if (query !== null && query !== '') {
    // Postman keeps query values as written (still encoded).
    out.query = query.split('&').map((pair) => {
      const eq = pair.indexOf('=')
      // Without `=` the value is null, not '': tools that rebuild the URL from these (the Postman SDK
      // drops `raw`) would otherwise add an `=` the request never had.
      return eq < 0 ? { key: pair, value: null } : { key: pair.slice(0, eq), value: pair.slice(eq + 1) }
    })
  }
  return out
}

function postmanHeaders(headers: readonly HeaderPair[]): PostmanKeyValue[] {
  return headers.map(([key, value]) => ({ key, value }))
}

function toPostmanRequest(exchange: Exchange, textOf: BodyTextOf | undefined): PostmanRequest {
  const { request } = exchange
  const out: PostmanRequest = { method: request.method, header: postmanHeaders(request.headers), url: postmanUrl(request.url) }
  if (request.body.length > 0) {
    const body = bodyText(request.body, textOf)
    out.body = body.base64 ? { mode: 'raw', raw: body.text, options: { raw: { language: 'text' }, hookscope: { encoding: 'base64' } } } : { mode: 'raw', raw: body.text }
  }
  if (exchange.notes !== undefined) out.description = exchange.notes
  return out
}

function toPostmanResponse(exchange: Exchange, response: ResponseSpec, originalRequest: PostmanRequest, textOf: BodyTextOf | undefined): PostmanResponse {
  const body = bodyText(response.body, textOf)
  const out: PostmanResponse = {
    name: `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    originalRequest,
    status: response.statusText ?? '',
    code: response.status,
    header: postmanHeaders(response.headers),
    body: body.text,
  }
  if (body.base64) out._hookscope = { bodyEncoding: 'base64' }
  if (exchange.durationMs !== undefined) out.responseTime = exchange.durationMs
  return out
}

export function toPostman(exchanges: ReadonlyArray<Exchange | FolderEntry>, options: ToPostmanOptions): PostmanCollection {
  const valid = parseOrThrow(z.array(z.union([Exchange, FolderEntry])), exchanges, 'list of exchanges')
  const info: PostmanCollection['info'] = { _postman_id: options.id ?? randomUuid(), name: options.name, schema: POSTMAN_SCHEMA_V21 }
  if (options.description !== undefined) info.description = options.description
  const top: PostmanCollection['item'] = []
  // Groups by their folder keys from the top, joined (keys are the caller's, so joined with a NUL).
  const groups = new Map<string, PostmanItemGroup>()
  for (const exchange of valid) {
    let siblings = top
    let at = ''
    for (const folder of 'folder' in exchange ? exchange.folder : (exchange.folderPath ?? [])) {
      at += `\u0000${folder.key}`
      let group = groups.get(at)
      if (!group) {
        group = { name: folder.name, ...(folder.description ? { description: folder.description } : {}), item: [] }
        groups.set(at, group)
        siblings.push(group)
      }
      siblings = group.item
    }
    if ('folder' in exchange) continue
    const request = toPostmanRequest(exchange, options.bodyText)
    const item: PostmanItem = {
      name: exchange.name ?? `${exchange.request.method} ${exchange.request.url}`,
      request,
      response: exchange.response ? [toPostmanResponse(exchange, exchange.response, request, options.bodyText)] : [],
    }
    if (exchange.request.body.length > 0 && !hasHeader(exchange.request.headers, 'content-type')) {
      item.protocolProfileBehavior = { disabledSystemHeaders: { 'content-type': true } }
    }
    if (exchange.request.body.length > 0 && sentWithoutBody(exchange.request.method)) {
      item.protocolProfileBehavior = { ...item.protocolProfileBehavior, disableBodyPruning: true }
    }
    // Postman's "Enable SSL certificate verification" switched off for this request.
    if (exchange.acceptSelfSigned) {
      item.protocolProfileBehavior = { ...item.protocolProfileBehavior, strictSSL: false }
    }
    siblings.push(item)
  }
  return { info, item: top }
}

// ---- Import ------------------------------------------------------------------------------------

// Postman writes null for many absent values; nullish() accepts both.
const KeyValue = z.object({
  key: z.string().nullish(),
  value: z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string' }).nullish(),
  disabled: z.boolean().nullish(),
  type: z.string().nullish(),
  src: z.unknown().optional(),
  contentType: z.string().nullish(),
})
type KeyValue = z.infer<typeof KeyValue>

// Postman allows headers as one "Name: value" string per line; read it as the list form.
const HeaderList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(/\r?\n/)
          .filter((line) => line.includes(':'))
          .map((line) => ({ key: line.slice(0, line.indexOf(':')).trim(), value: line.slice(line.indexOf(':') + 1).trim() }))
      : value,
  z.array(KeyValue),
)

const Description = z.union([z.string(), z.object({ content: z.string().nullish() }).loose()]).nullish()

const UrlObject = z
  .object({
    raw: z.string().nullish(),
    protocol: z.string().nullish(),
    host: z.union([z.string(), z.array(z.string())]).nullish(),
    port: z.union([z.string(), z.number()]).nullish(),
    path: z.union([z.string(), z.array(z.union([z.string(), z.object({ value: z.string().nullish() }).loose()]))]).nullish(),
    query: z.array(KeyValue).nullish(),
    hash: z.string().nullish(),
    /** Path variables: the value of `:key` in the path. */
    variable: z.array(KeyValue).nullish(),
  })
  .loose()

const AuthParams = z.union([z.array(KeyValue), z.record(z.string(), z.unknown())]).nullish()
const Auth = z.object({ type: z.string() }).catchall(AuthParams).nullish()
type Auth = z.infer<typeof Auth>

const Body = z
  .object({
    mode: z.string().nullish(),
    raw: z.string().nullish(),
    urlencoded: z.array(KeyValue).nullish(),
    formdata: z.array(KeyValue).nullish(),
    graphql: z.object({ query: z.string().nullish(), variables: z.unknown().optional() }).loose().nullish(),
    file: z.unknown().optional(),
    disabled: z.boolean().nullish(),
    options: z
      .object({
        raw: z.object({ language: z.string().nullish() }).loose().nullish(),
        hookscope: z.object({ encoding: z.string().nullish() }).loose().nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose()

// A request may be just its URL.
const Request = z.preprocess(
  (value) => (typeof value === 'string' ? { url: value } : value),
  z
    .object({
      method: z.string().nullish(),
      url: z.union([z.string(), UrlObject], { error: 'expected a URL string or a Postman URL object' }).nullish(),
      header: HeaderList.nullish(),
      body: Body.nullish(),
      auth: Auth,
      description: Description,
    })
    .loose(),
)

// A variable's value may be any JSON value; Postman sends its text.
const Variable = z
  .object({ key: z.string().nullish(), id: z.string().nullish(), value: z.unknown().optional(), disabled: z.boolean().nullish() })
  .loose()
const Variables = z.array(Variable).nullish()

const HookscopeExtra = z.object({ bodyEncoding: z.string().nullish() }).loose().nullish()
const SavedResponse = z
  .object({
    status: z.string().nullish(),
    code: z.number().int().nullish(),
    header: HeaderList.nullish(),
    body: z.string().nullish(),
    responseTime: z.union([z.number(), z.string()]).nullish(),
    _hookscope: HookscopeExtra,
    // The SDK's toJSON() moves "_x" properties into "_": { x }.
    _: z.object({ hookscope: HookscopeExtra }).loose().nullish(),
  })
  .loose()

// Scripts Postman runs around a request; only whether a pre-request one holds code is read.
const Events = z
  .array(
    z
      .object({
        listen: z.string().nullish(),
        disabled: z.boolean().nullish(),
        script: z.object({ exec: z.union([z.string(), z.array(z.string())]).nullish() }).loose().nullish(),
      })
      .loose(),
  )
  .nullish()

/** Whether these events hold a pre-request script with code in it (not only blank lines or comments). */
function hasPreRequestScript(events: z.infer<typeof Events>): boolean {
  return (events ?? []).some((event) => {
    if (event.listen !== 'prerequest' || event.disabled) return false
    const exec = event.script?.exec
    const code = (Array.isArray(exec) ? exec.join('\n') : (exec ?? '')).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '')
    return code.trim() !== ''
  })
}

const ProfileBehavior = z
  .object({ disabledSystemHeaders: z.record(z.string(), z.unknown()).nullish(), disableBodyPruning: z.unknown().optional(), strictSSL: z.unknown().optional() })
  .loose()
  .nullish()

interface ImportedItem {
  protocolProfileBehavior?: z.infer<typeof ProfileBehavior>
  event?: z.infer<typeof Events>
  name?: string | null
  item?: ImportedItem[] | null
  request?: z.infer<typeof Request> | null
  response?: Array<z.infer<typeof SavedResponse>> | null
  auth?: Auth
  description?: z.infer<typeof Description>
  variable?: z.infer<typeof Variables>
}

const Item: z.ZodType<ImportedItem> = z.lazy(() =>
  z
    .object({
      name: z.string().nullish(),
      item: z.array(Item).nullish(),
      request: Request.nullish(),
      response: z.array(SavedResponse).nullish(),
      auth: Auth,
      description: Description,
      variable: Variables,
      protocolProfileBehavior: ProfileBehavior,
      event: Events,
    })
    .loose(),
)

const Collection = z
  .object({
    info: z.object({ name: z.string().nullish(), schema: z.string().nullish() }).loose(),
    item: z.array(Item),
    auth: Auth,
    variable: Variables,
    event: Events,
  })
  .loose()

type Path = Array<string | number>

/** Methods Postman sends without their body, unless the item says otherwise (`disableBodyPruning`). */
const METHODS_WITHOUT_BODY = new Set(['get', 'copy', 'head', 'purge', 'unlock'])

function sentWithoutBody(method: string): boolean {
  return METHODS_WITHOUT_BODY.has(method.toLowerCase())
}

function fail(path: Path, message: string): never {
  throw invalidInput(`Not a valid Postman collection: ${formatPath(path)}: ${message}`)
}

function text(value: KeyValue['value']): string {
  return value === null || value === undefined ? '' : String(value)
}

function descriptionText(description: z.infer<typeof Description>): string | undefined {
  if (typeof description === 'string') return description
  return description?.content ?? undefined
}

function importHeaders(header: KeyValue[] | null | undefined): HeaderPair[] {
  return (header ?? [])
    .filter((entry) => !entry.disabled && entry.key !== null && entry.key !== undefined)
    .map((entry) => [textToByteString(entry.key!), textToByteString(text(entry.value))])
}

/**
 * Path variables as Postman sends them: a segment `:key` (or `:key.suffix`) becomes the variable's
 * value, the suffix kept; a variable without a value leaves the segment as written.
 */
function fillPathVariables(url: string, variables: KeyValue[]): string {
  const values = new Map<string, string>()
  for (const variable of variables) {
    if (!variable.disabled && variable.key && text(variable.value) !== '') values.set(variable.key, text(variable.value))
  }
  if (values.size === 0) return url
  const end = url.search(/[?#]/)
  const before = end < 0 ? url : url.slice(0, end)
  const filled = before
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment
      const dot = segment.indexOf('.')
      const value = values.get(segment.slice(1, dot < 0 ? undefined : dot))
      return value === undefined ? segment : value + (dot < 0 ? '' : segment.slice(dot))
    })
    .join('/')
  return filled + (end < 0 ? '' : url.slice(end))
}

function importUrl(url: z.infer<typeof UrlObject> | string | null | undefined, path: Path, itemName: string): string {
  let result: string
  if (typeof url === 'string') result = url
  else if (!url) fail(path, 'the request has no URL')
  else if (url.raw) result = url.raw
  else {
    const host = Array.isArray(url.host) ? url.host.join('.') : (url.host ?? '')
    const segments = Array.isArray(url.path)
      ? url.path.map((segment) => (typeof segment === 'string' ? segment : (segment.value ?? '')))
      : url.path
        ? [url.path.replace(/^\//, '')]
        : []
    const query = (url.query ?? []).filter((entry) => !entry.disabled && entry.key !== null && entry.key !== undefined)
    result =
      (url.protocol ? `${url.protocol.replace(/:\/*$/, '')}://` : '') +
      host +
      (url.port !== null && url.port !== undefined && url.port !== '' ? `:${url.port}` : '') +
      (segments.length > 0 ? `/${segments.join('/')}` : '') +
      (query.length > 0 ? `?${query.map((entry) => (entry.value === null || entry.value === undefined ? entry.key! : `${entry.key}=${text(entry.value)}`)).join('&')}` : '') +
      (url.hash ? `#${url.hash}` : '')
  }
  if (result.trim() === '') fail(path, 'the request has an empty URL')
  if (typeof url === 'object' && url?.variable) result = fillPathVariables(result, url.variable)
  // Postman sends scheme-less URLs over http; a URL that starts with a variable is left as written.
  const written = result
  if (!splitUrl(result) && !result.startsWith('{{')) result = `http://${result}`
  // A URL with {{variables}} is checked when it is sent, once they are filled in.
  if (!result.includes('{{') && !URL.canParse(result)) {
    fail(path, `${itemName ? `"${itemName}"` : 'the request'}'s URL "${written}" is not a valid URL`)
  }
  return textToByteString(encodeUnsendable(result))
}

/**
 * The URL with what no request line can carry as is (spaces, control characters, anything beyond
 * ASCII) percent-encoded as UTF-8 after its origin, as Postman encodes it when it sends (`hello world`
 * as `hello%20world`, `café` as `caf%C3%A9`). Everything else stays as written, as it came through a
 * Hookscope export (Postman would also encode `"`, `<`, `>` and a few more, which requests carry fine).
 */
function encodeUnsendable(url: string): string {
  const origin = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*|\{\{[^{}]*\}\}[^/?#]*)?/i.exec(url)![0]
  let out = ''
  for (const char of url.slice(origin.length)) {
    const code = char.codePointAt(0)!
    if (code > 0x20 && code < 0x7f) out += char
    else for (const byte of utf8Encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return origin + out
}

interface Body {
  bytes: Uint8Array
  contentType?: string
  /** What the body lacks that Postman would have sent (a file it read from disk). */
  notes?: string[]
}

/** The file names a Postman `src` holds: a path, a list of paths (several files in one field), or none. */
function fileSources(src: unknown): string[] {
  const list = Array.isArray(src) ? src : [src]
  return list.filter((entry): entry is string => typeof entry === 'string' && entry !== '')
}

const baseName = (file: string): string => file.replace(/^.*[\\/]/, '')

/** The Content-Type Postman sends with a raw body of each language (text/plain for any other). */
const RAW_CONTENT_TYPES: Record<string, string> = {
  text: 'text/plain',
  json: 'application/json',
  javascript: 'application/javascript',
  html: 'text/html',
  xml: 'application/xml',
}

function importBody(body: z.infer<typeof Body> | null | undefined, path: Path): Body {
  if (!body || body.disabled || !body.mode) return { bytes: new Uint8Array(0) }
  switch (body.mode) {
    case 'raw': {
      const raw = body.raw ?? ''
      if (body.options?.hookscope?.encoding === 'base64') {
        const bytes = base64Decode(raw)
        if (!bytes) fail([...path, 'raw'], 'the text is not valid base64')
        return { bytes }
      }
      if (raw === '') return { bytes: new Uint8Array(0) }
      const language = body.options?.raw?.language ?? 'text'
      return { bytes: utf8Encode(raw), contentType: RAW_CONTENT_TYPES[language] ?? 'text/plain' }
    }
    case 'urlencoded': {
      const pairs = (body.urlencoded ?? [])
        .filter((entry) => !entry.disabled && entry.key !== null && entry.key !== undefined)
        .map((entry) => [entry.key!, text(entry.value)] as const)
      return { bytes: utf8Encode(formUrlEncode(pairs)), contentType: 'application/x-www-form-urlencoded' }
    }
    case 'formdata': {
      const fields = body.formdata ?? []
      const notes: string[] = []
      const parts = fields.flatMap((entry) => {
        if (entry.disabled || entry.key === null || entry.key === undefined) return []
        if (entry.type === 'file') {
          // Postman reads these files from disk when it sends; the collection holds only their paths.
          const files = fileSources(entry.src)
          notes.push(
            files.length > 0
              ? `The form field "${entry.key}" sends ${files.map((file) => `"${file}"`).join(', ')}, which ${files.length === 1 ? 'is' : 'are'} not in the collection: ${files.length === 1 ? 'it is' : 'they are'} sent empty (0 bytes).`
              : `The form field "${entry.key}" is a file field with no file chosen: it is sent empty (0 bytes).`,
          )
          return (files.length > 0 ? files : ['']).map((file) => ({
            name: textToByteString(entry.key!),
            value: new Uint8Array(0),
            filename: textToByteString(baseName(file)),
            contentType: entry.contentType || 'application/octet-stream',
          }))
        }
        return [
          {
            name: textToByteString(entry.key),
            value: utf8Encode(text(entry.value)),
            ...(entry.contentType ? { contentType: entry.contentType } : {}),
          },
        ]
      })
      const boundary = randomBoundary()
      return { bytes: buildMultipart(parts, boundary), contentType: `multipart/form-data; boundary=${boundary}`, ...(notes.length > 0 ? { notes } : {}) }
    }
    case 'graphql': {
      const graphql = body.graphql ?? {}
      let variables: unknown = graphql.variables
      if (typeof variables === 'string') {
        try {
          variables = variables.trim() === '' ? undefined : (JSON.parse(variables) as unknown)
        } catch {
          fail([...path, 'graphql', 'variables'], 'not JSON')
        }
      }
      const json = JSON.stringify(variables === undefined ? { query: graphql.query ?? '' } : { query: graphql.query ?? '', variables })
      return { bytes: utf8Encode(json), contentType: 'application/json' }
    }
    case 'file': {
      // The schema lets a collection carry the file's text as `content`; Postman itself keeps only `src`.
      const file = body.file && typeof body.file === 'object' ? (body.file as { src?: unknown; content?: unknown }) : {}
      if (typeof file.content === 'string') return { bytes: utf8Encode(file.content) }
      const [source] = fileSources(file.src)
      const note = source
        ? `The body is the file "${source}", which is not in the collection: it is sent empty (0 bytes).`
        : 'The body is a file, but none was chosen: it is sent empty (0 bytes).'
      return { bytes: new Uint8Array(0), notes: [note] }
    }
    default:
      fail([...path, 'mode'], `body mode "${body.mode}" is not supported`)
  }
}

function authParam(auth: NonNullable<Auth>, key: string): string | undefined {
  const params = auth[auth.type]
  if (Array.isArray(params)) {
    const found = params.find((entry) => entry.key === key)
    return found ? text(found.value) : undefined
  }
  if (params && typeof params === 'object') {
    const value = (params as Record<string, unknown>)[key]
    return value === undefined || value === null ? undefined : String(value)
  }
  return undefined
}

/** The headers (or query parameters) an auth block adds, or a note saying why it could not. */
function importAuth(auth: Auth): { headers: HeaderPair[]; query?: Array<[string, string]>; note?: string } {
  if (!auth || auth.type === 'noauth') return { headers: [] }
  switch (auth.type) {
    case 'basic': {
      const credentials = `${authParam(auth, 'username') ?? ''}:${authParam(auth, 'password') ?? ''}`
      return { headers: [['Authorization', `Basic ${base64Encode(utf8Encode(credentials))}`]] }
    }
    case 'bearer':
      return { headers: [['Authorization', textToByteString(`Bearer ${authParam(auth, 'token') ?? ''}`)]] }
    case 'apikey': {
      const where = authParam(auth, 'in') ?? 'header'
      if (where === 'header') {
        return { headers: [[textToByteString(authParam(auth, 'key') ?? ''), textToByteString(authParam(auth, 'value') ?? '')]] }
      }
      if (where === 'query') return { headers: [], query: [[authParam(auth, 'key') ?? '', authParam(auth, 'value') ?? '']] }
      return { headers: [], note: `Postman "apikey" auth in the ${where} was not converted.` }
    }
    case 'oauth2': {
      // The token Postman last obtained, sent the way the collection says (Postman's defaults: a header, "Bearer").
      const token = authParam(auth, 'accessToken')
      const addTo = authParam(auth, 'addTokenTo') ?? 'header'
      if (token && addTo === 'header') {
        const prefix = authParam(auth, 'headerPrefix') ?? 'Bearer'
        return { headers: [['Authorization', textToByteString(prefix === '' ? token : `${prefix} ${token}`)]] }
      }
      if (token && addTo === 'queryParams') return { headers: [], query: [['access_token', token]] }
      return { headers: [], note: `Postman "oauth2" auth was not converted (${token ? `its token goes to "${addTo}"` : 'it holds no access token'}); add it by hand.` }
    }
    default:
      return { headers: [], note: `Postman "${auth.type}" auth was not converted; add its header by hand.` }
  }
}

/** The URL with query parameters added after its own, as Postman adds an API key or token that goes in the query. */
function withQuery(url: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  if (pairs.length === 0) return url
  const hash = url.indexOf('#')
  const base = hash < 0 ? url : url.slice(0, hash)
  const added = pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&')
  const joiner = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&'
  return textToByteString(base + joiner + added) + (hash < 0 ? '' : url.slice(hash))
}

function importResponse(saved: z.infer<typeof SavedResponse>, path: Path): ResponseSpec {
  const encoding = saved._hookscope?.bodyEncoding ?? saved._?.hookscope?.bodyEncoding
  let body: Uint8Array
  if (encoding === 'base64') {
    const bytes = base64Decode(saved.body ?? '')
    if (!bytes) fail([...path, 'body'], 'the text is not valid base64')
    body = bytes
  } else body = utf8Encode(saved.body ?? '')
  const response: ResponseSpec = { status: saved.code ?? 0, headers: importHeaders(saved.header), body }
  if (saved.status) response.statusText = saved.status
  return response
}

type VariableScope = ReadonlyMap<string, string>

/** The scope seen inside a collection, folder or item: its own enabled variables over the outer ones. */
function withVariables(outer: VariableScope, variables: z.infer<typeof Variables>): VariableScope {
  if (!variables || variables.length === 0) return outer
  const scope = new Map(outer)
  for (const variable of variables) {
    const key = variable.key ?? variable.id
    if (!key || variable.disabled) continue
    const value = variable.value
    scope.set(key, value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value))
  }
  return scope
}

// Postman fills in variables found inside other variables' values up to this depth.
const VARIABLE_DEPTH = 19

function fillText(text: string, scope: VariableScope): string {
  let out = text
  for (let pass = 0; pass < VARIABLE_DEPTH && out.includes('{{'); pass++) {
    const next = out.replace(/\{\{([^{}]+)\}\}/g, (whole, name: string) => scope.get(name) ?? whole)
    if (next === out) break
    out = next
  }
  return out
}

/** Every string in a request or auth block with the scope's variables filled in. */
function fillVariables<T>(value: T, scope: VariableScope): T {
  if (scope.size === 0) return value
  if (typeof value === 'string') return fillText(value, scope) as T
  if (Array.isArray(value)) return value.map((entry: unknown) => fillVariables(entry, scope)) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, fillVariables(entry, scope)])) as T
  }
  return value
}

function importItem(
  item: ImportedItem,
  folders: FolderRef[],
  inheritedAuth: Auth,
  outerScope: VariableScope,
  /** Where a pre-request script runs before this item's requests: "the collection", "the folder "Orders"". */
  scripts: readonly string[],
  path: Path,
  out: Array<Exchange | FolderEntry>,
): void {
  const name = item.name ?? ''
  const auth = item.auth !== undefined && item.auth !== null ? item.auth : inheritedAuth
  const scope = withVariables(outerScope, item.variable)
  if (item.item) {
    // The folder's place in the file is its key: two folders of the same name stay two.
    const description = descriptionText(item.description)
    const folder: FolderRef = { key: path.join('.'), name, ...(description ? { description } : {}) }
    out.push({ folder: [...folders, folder] })
    const inner = hasPreRequestScript(item.event) ? [...scripts, `the folder "${name}"`] : scripts
    item.item.forEach((child, index) => importItem(child, [...folders, folder], auth, scope, inner, [...path, 'item', index], out))
    return
  }
  if (item.request === undefined || item.request === null) fail(path, 'an item without a request or items')
  // Descriptions are text for people: Postman leaves their braces alone, and so does this.
  const request = { ...fillVariables(item.request, scope), description: item.request.description }
  const requestPath = [...path, 'request']
  const requestAuth = fillVariables(request.auth !== undefined && request.auth !== null ? request.auth : auth, scope)
  const { headers: authHeaders, query: authQuery, note } = importAuth(requestAuth)
  const method = request.method ? request.method : 'GET'
  let body = importBody(request.body, [...requestPath, 'body'])
  if (body.bytes.length > 0 && sentWithoutBody(method) && item.protocolProfileBehavior?.disableBodyPruning !== true) {
    body = { bytes: new Uint8Array(0), notes: [`Postman sends a ${method.toUpperCase()} request without the body the collection holds for it (the request does not ask for its body to be sent): it is left out.`] }
  }
  const headers = importHeaders(request.header)
  for (const header of authHeaders) if (!hasHeader(headers, header[0])) headers.push(header)
  const systemOff = item.protocolProfileBehavior?.disabledSystemHeaders ?? {}
  const contentTypeOff = Object.entries(systemOff).some(([name, off]) => name.toLowerCase() === 'content-type' && off === true)
  if (body.contentType && !contentTypeOff && !hasHeader(headers, 'content-type')) headers.push(['Content-Type', body.contentType])

  let url = withQuery(importUrl(request.url, [...requestPath, 'url'], name), authQuery ?? [])
  // A user and password in the URL go as Basic authentication, as Postman sends them, unless the request has its own.
  const login = splitLogin(url)
  if (login) {
    url = login.url
    if (!hasHeader(headers, 'authorization')) headers.push(['Authorization', `Basic ${base64Encode(byteStringToBytes(login.credentials)!)}`])
  }
  const spec: RequestSpec = { method, url, headers, body: body.bytes }
  const exchange: Exchange = { request: spec }
  if (name !== '') exchange.name = name
  if (folders.length > 0) exchange.folderPath = folders
  if (item.protocolProfileBehavior?.strictSSL === false) exchange.acceptSelfSigned = true
  const scripted = hasPreRequestScript(item.event) ? [...scripts, 'the request itself'] : scripts
  const scriptNote =
    scripted.length > 0
      ? `Postman runs a pre-request script before this request (in ${scripted.join(', in ')}), which Hookscope does not run: what it sets, such as a header, a signature or a variable, is not in this request.`
      : undefined
  const notes = [descriptionText(request.description) ?? descriptionText(item.description), note, ...(body.notes ?? []), scriptNote]
    .filter((part): part is string => part !== undefined && part !== '')
    .join('\n\n')
  if (notes !== '') exchange.notes = notes
  const saved = item.response?.[0]
  if (saved) {
    exchange.response = importResponse(saved, [...path, 'response', 0])
    const time = Number(saved.responseTime)
    if (saved.responseTime !== null && saved.responseTime !== undefined && Number.isFinite(time)) exchange.durationMs = time
  }
  out.push(exchange)
}

/** Folders nested deeper than this are refused, by name: reading them recurses once per level. */
export const MAX_FOLDER_DEPTH = 200

/** How deep `item` arrays nest (folders in folders), counted without recursing; stops past `limit`. */
function folderDepth(json: unknown, limit: number): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[json, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (depth > deepest) deepest = depth
    if (deepest > limit) return deepest
    const items = node && typeof node === 'object' ? (node as { item?: unknown }).item : undefined
    if (Array.isArray(items)) for (const child of items) stack.push([child, depth + 1])
  }
  return deepest
}

export function fromPostman(input: unknown): Exchange[] {
  return fromPostmanEntries(input).filter((entry): entry is Exchange => !('folder' in entry))
}

/** The collection's requests and folders in file order: each folder where it begins, empty or not. */
export function fromPostmanEntries(input: unknown): Array<Exchange | FolderEntry> {
  const json = parseJsonInput(input, 'Postman collection')
  if (json && typeof json === 'object' && 'requests' in json && !('item' in json)) {
    throw invalidInput('Not a valid Postman collection: this is a Postman v1 collection; export it again as Collection v2.1')
  }
  if (json && typeof json === 'object' && !('item' in json) && ('_postman_variable_scope' in json || 'values' in json)) {
    throw invalidInput(
      'Not a Postman collection: this is a Postman environment (variables only, no requests); export the collection itself (Collection v2.1) and import that',
    )
  }
  // The collection's own `item` is the first level.
  if (folderDepth(json, MAX_FOLDER_DEPTH + 1) > MAX_FOLDER_DEPTH + 1) {
    fail(['item'], `folders are nested more than ${MAX_FOLDER_DEPTH} levels deep; Hookscope reads up to ${MAX_FOLDER_DEPTH}`)
  }
  const collection = parseOrThrow(Collection, json, 'Postman collection')
  const schema = collection.info.schema
  if (schema && !/\/collection\/v2\.[01]\.\d+\//.test(schema)) {
    fail(['info', 'schema'], `"${schema}" is not Postman Collection v2.0 or v2.1`)
  }
  const out: Array<Exchange | FolderEntry> = []
  const scope = withVariables(new Map(), collection.variable)
  const scripts = hasPreRequestScript(collection.event) ? ['the collection'] : []
  collection.item.forEach((item, index) => importItem(item, [], collection.auth, scope, scripts, ['item', index], out))
  return out
}
