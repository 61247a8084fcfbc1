// Twilio: `X-Twilio-Signature` = base64 of HMAC-SHA1, keyed with the auth token as UTF-8, over the
// PUBLIC URL Twilio called followed by every form parameter's name and value, sorted by name. A
// body that is not a form is covered instead by a `bodySHA256=<hex>` query parameter: the URL alone
// is signed and the body must hash to that value.
//
// Verification reproduces the official `twilio` library (validateRequest / validateRequestWithBody,
// v6): the URL is tried as received with and without its port (":443"/":80" added when absent),
// then as normalized by `new URL()` with and without the port and with the legacy querystring
// re-encoding. Repeated form parameters sort their distinct values, as the library does. No
// timestamp is signed, so there is no tolerance.
//
// Webhooks signed with a SharedKey carry `X-Twilio-Webhooks-Signature-Settings:
// key=<id>,algorithm=<HMAC_SHA1|HMAC_SHA256>`: the same data is signed with the algorithm it names,
// keyed with the SharedKey secret (the library's getSignatureAlgorithm: a missing header, or one
// without `algorithm=`, means HMAC_SHA1; an algorithm it does not know is refused).
import { parse as parseQuery, stringify as stringifyQuery, type ParsedUrlQuery } from 'node:querystring'
import type { RawHeaders } from '../../../shared/model'
import { findHeader, hasHeader, joinedHeader, repeatedHeadersNote, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac, sha256Hex, type HashAlgorithm } from './hmac'
import type { SignatureScheme } from './scheme'
import { isBlankSecret, verdictsFor } from './verdicts'

const SIGNATURE_HEADER = 'X-Twilio-Signature'
const SETTINGS_HEADER = 'X-Twilio-Webhooks-Signature-Settings'
const BODY_HASH_PARAM = 'bodySHA256'
const verdict = verdictsFor('twilio')

interface UrlParts {
  scheme: string
  userInfo: string
  host: string
  port: string
  rest: string
}

/** Splits without normalizing, so path and query keep the exact characters Twilio signed. */
function splitUrl(url: string): UrlParts | null {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url)
  if (!match) return null
  const [prefix, scheme = '', authority = ''] = match
  const userInfoEnd = authority.lastIndexOf('@')
  const hostAndPort = authority.slice(userInfoEnd + 1)
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1)
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  }
}

function withDefaultPort(url: string): string {
  const parts = splitUrl(url)
  if (!parts || parts.port) return url
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80'
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest
}

function withoutPort(url: string): string {
  const parts = splitUrl(url)
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url
}

/** For back ends that signed the query re-encoded by Node's legacy querystring (e.g. %27 for '). */
function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf('?')
  if (queryStart === -1 || queryStart === url.length - 1) return url
  return url.slice(0, queryStart) + '?' + stringifyQuery(parseQuery(url.slice(queryStart + 1)))
}

function candidateUrls(url: string): string[] {
  const asReceived = [withoutPort(url), withDefaultPort(url)]
  let normalized: string
  try {
    normalized = new URL(url).toString()
  } catch {
    return asReceived
  }
  const normalizedWithout = withoutPort(normalized)
  const normalizedWith = withDefaultPort(normalized)
  return [...asReceived, normalizedWithout, normalizedWith, withLegacyQuerystring(normalizedWithout), withLegacyQuerystring(normalizedWith)]
}

type Algorithm = { name: string; hash: HashAlgorithm }

/** The algorithm the settings header names, as the library reads it; a name it does not know is returned as text. */
function signatureAlgorithm(headers: RawHeaders): Algorithm | string {
  let named = ''
  for (const part of (joinedHeader(headers, SETTINGS_HEADER) ?? '').split(',')) {
    const separator = part.indexOf('=')
    if (separator !== -1 && part.slice(0, separator).trim() === 'algorithm') {
      named = part.slice(separator + 1).trim()
      if (named) break
    }
  }
  if (!named || named.toUpperCase() === 'HMAC_SHA1') return { name: 'HMAC-SHA1', hash: 'sha1' }
  if (named.toUpperCase() === 'HMAC_SHA256') return { name: 'HMAC-SHA256', hash: 'sha256' }
  return named
}

function expectedSignature(authToken: string, url: string, params: ParsedUrlQuery, hash: HashAlgorithm = 'sha1'): string {
  let data = url
  for (const name of Object.keys(params).sort()) {
    const value = params[name]
    if (Array.isArray(value)) {
      for (const item of [...new Set(value)].sort()) data += name + item
    } else {
      data += name + String(value)
    }
  }
  return hmac(hash, authToken, [data]).toString('base64')
}

function isFormBody(headers: RawHeaders): boolean {
  const contentType = findHeader(headers, 'content-type') ?? ''
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

function formParams(body: Buffer): ParsedUrlQuery {
  // maxKeys 0: no silent cut at 1,000 parameters; the signature covers all of them.
  return parseQuery(body.toString('utf8'), '&', '=', { maxKeys: 0 })
}

/** Replaces the first `bodySHA256` query value, leaving every other character of the URL as it was. */
function withBodyHash(url: string, hash: string): string {
  const queryStart = url.indexOf('?')
  if (queryStart === -1) return url
  const fragmentStart = url.indexOf('#', queryStart)
  const queryEnd = fragmentStart === -1 ? url.length : fragmentStart
  const query = url.slice(queryStart + 1, queryEnd)
  const updated = query.replace(new RegExp(`(^|&)${BODY_HASH_PARAM}=[^&]*`), `$1${BODY_HASH_PARAM}=${hash}`)
  return url.slice(0, queryStart + 1) + updated + url.slice(queryEnd)
}

function declaredBodyHash(url: string): string | null {
  try {
    return new URL(url).searchParams.get(BODY_HASH_PARAM) ?? ''
  } catch {
    return null
  }
}

export const twilio: SignatureScheme = {
  id: 'twilio',
  label: 'Twilio',
  headerNames: [SIGNATURE_HEADER],
  toleranceSeconds: null,
  acceptsFutureTimestamps: true,

  verify(request, secret) {
    const signature = joinedHeader(request.rawHeaders, SIGNATURE_HEADER)
    if (signature === undefined) return verdict.missingHeader(SIGNATURE_HEADER)
    if (signature === '') return verdict.malformedHeader(SIGNATURE_HEADER, 'empty')
    if (!request.url) return verdict.invalid('the public URL Twilio called is unknown, and Twilio signs it')
    const algorithm = signatureAlgorithm(request.rawHeaders)
    if (typeof algorithm === 'string') return verdict.malformedHeader(SETTINGS_HEADER, `unsupported algorithm "${algorithm}" (Twilio's library knows HMAC_SHA1 and HMAC_SHA256)`)
    if (isBlankSecret(secret)) return verdict.noSecret()
    const bodyHashInUrl = request.url.includes(BODY_HASH_PARAM)
    const isForm = !bodyHashInUrl && isFormBody(request.rawHeaders)
    const params = isForm ? formParams(request.body) : {}
    const urlMatched =
      candidateUrls(request.url).filter((candidate) => constantTimeEqual(signature, expectedSignature(secret, candidate, params, algorithm.hash))).length > 0
    if (!urlMatched) {
      // Most often the URL is what differs (a tunnel's https:// URL, another host): say which was used.
      const sharedKey = hasHeader(request.rawHeaders, SETTINGS_HEADER)
      const key = sharedKey ? 'SharedKey secret' : 'auth token'
      const signed = isForm ? `the URL, form parameters and ${key}` : `the URL and ${key}`
      const how = sharedKey ? ` (${algorithm.name}, as ${SETTINGS_HEADER} says)` : ''
      // A repeated signature header matches no URL: that, not the URL, is then the thing to fix.
      const repeated = repeatedHeadersNote(request.rawHeaders, [SIGNATURE_HEADER])
      if (repeated) return verdict.invalid(`the signature${how} does not match ${signed}, with the URL taken as ${request.url}${repeated}`)
      return verdict.invalid(`the signature${how} does not match ${signed}, with the URL taken as ${request.url} (Twilio signs the exact URL it called: if it called another, set the endpoint's public URL to that URL's address, such as https://example.trycloudflare.com, to which each request's own path and query are added)`)
    }
    if (bodyHashInUrl) {
      const declared = declaredBodyHash(request.url)
      if (declared === null) return verdict.invalid('the URL cannot be parsed')
      if (!constantTimeEqual(declared, sha256Hex(request.body))) return verdict.invalid(`the body does not match the ${BODY_HASH_PARAM} in the URL`)
      return verdict.valid(`URL signed; the body matches its ${BODY_HASH_PARAM}`)
    }
    return isForm ? verdict.valid() : verdict.valid('only the URL is signed: the body is not covered')
  },

  sign(request, secret) {
    const bodyHashInUrl = request.url.includes(BODY_HASH_PARAM)
    const url = bodyHashInUrl ? withBodyHash(request.url, sha256Hex(request.body)) : request.url
    const params = !bodyHashInUrl && isFormBody(request.rawHeaders) ? formParams(request.body) : {}
    // Signed as the settings header asks, which stays as it was; with an algorithm no library knows, as Twilio signs by default.
    const algorithm = signatureAlgorithm(request.rawHeaders)
    const hash = typeof algorithm === 'string' ? 'sha1' : algorithm.hash
    return {
      rawHeaders: replaceHeaders(request.rawHeaders, [[SIGNATURE_HEADER, expectedSignature(secret, url, params, hash)]]),
      url,
    }
  },
}
