// Requests that carry a provider's signature but nothing re-signs: a collection item saved before items
// kept how they are signed, imported from HAR, Postman or cURL, or re-signed by an endpoint since
// removed, opened in the Composer or run. Sent
// as saved, a signature with a timestamp is refused once stale; the Composer and the run panel offer to
// re-sign them with the secret of an endpoint that checks that scheme. Never: calls the engine or
// touches the DOM.
import type { Endpoint, RawHeaders } from '../../../shared/model'
import { schemesCarried, SIGNATURE_HEADERS, type SchemeId } from '../../../shared/signatures'
import { SCHEME_LABELS, SCHEME_SIGNS } from '../text/verdict-text'

/** The signature a request carries: the schemes that read it, and its header as the request spells it. */
export interface CarriedSignature {
  /** One scheme, or two for `webhook-signature` (Standard Webhooks', and Svix's unbranded). */
  schemes: SchemeId[]
  header: string
}

export function carriedSignature(headers: RawHeaders | ReadonlyArray<readonly [string, string]>): CarriedSignature | null {
  const schemes = schemesCarried(headers)
  if (schemes.length === 0) return null
  const names = new Set(schemes.flatMap((scheme) => [...SIGNATURE_HEADERS[scheme], ...(scheme === 'svix' ? ['webhook-signature'] : [])]).map((name) => name.toLowerCase()))
  const header = headers.find(([name]) => names.has(name.toLowerCase()))?.[0] ?? SIGNATURE_HEADERS[schemes[0]!][0]!
  return { schemes, header }
}

/** "Stripe", or "Standard Webhooks or Svix". */
export function schemesInWords(schemes: readonly SchemeId[]): string {
  return schemes.map((scheme) => SCHEME_LABELS[scheme]).join(' or ')
}

/** What sending it as saved does, in words, for a sentence after "sent as saved, ". */
export function staleWords(schemes: readonly SchemeId[], many: boolean): string {
  const they = many ? 'their' : 'its'
  return schemes.some((scheme) => SCHEME_SIGNS[scheme].timestamp)
    ? `${they} signature still carries the time ${many ? 'they were' : 'it was'} signed, which the app refuses once it is a few minutes old`
    : `${they} signature holds only while the app keeps the secret ${many ? 'they were' : 'it was'} signed with and the body is unchanged`
}

/** The endpoints that can re-sign a signature of these schemes: those with a stored secret, and those still waiting for one. */
export function resignCandidates(schemes: readonly SchemeId[], endpoints: readonly Endpoint[]): { usable: Endpoint[]; noSecret: Endpoint[] } {
  const checking = endpoints.filter((endpoint) => endpoint.signature.scheme !== null && schemes.includes(endpoint.signature.scheme))
  return { usable: checking.filter((endpoint) => endpoint.signature.hasSecret), noSecret: checking.filter((endpoint) => !endpoint.signature.hasSecret) }
}

/** `“Shop A” or “Shop B”`: endpoints named in a sentence. */
export function endpointNames(endpoints: readonly Endpoint[]): string {
  return endpoints.map((endpoint) => `“${endpoint.name}”`).join(' or ')
}

/**
 * What makes a request (or several) carrying a signature of `schemes` re-signable when no endpoint has
 * a secret for it: storing the secret of those that check the scheme, else choosing the scheme for one.
 */
export function resignSetupAdvice(schemes: readonly SchemeId[], noSecret: readonly Endpoint[], many = false): string {
  const it = many ? 'them' : 'it'
  return noSecret.length > 0
    ? `To re-sign ${it}, store the signing secret of ${endpointNames(noSecret)} in its signature settings.`
    : `To re-sign ${it}, choose ${schemesInWords(schemes)} as an endpoint’s signature scheme and store its secret.`
}

/**
 * Items of a run that carry a signature nothing re-signs (saved without re-signing, or re-signed by an
 * endpoint since removed), by the schemes that read it.
 */
export interface UnsignedGroup extends CarriedSignature {
  key: string
  count: number
}

export function unsignedGroups(items: ReadonlyArray<{ signature: { endpointId: string } | null; request: { headers: RawHeaders } }>, endpointIds: ReadonlySet<string>): UnsignedGroup[] {
  const groups = new Map<string, UnsignedGroup>()
  for (const item of items) {
    if (item.signature && endpointIds.has(item.signature.endpointId)) continue
    const carried = carriedSignature(item.request.headers)
    if (!carried) continue
    const key = carried.schemes.join(' ')
    const group = groups.get(key)
    if (group) group.count++
    else groups.set(key, { ...carried, key, count: 1 })
  }
  return [...groups.values()]
}

/**
 * The run's `resignWith`: the endpoint chosen for each group, those for signatures more schemes read
 * (webhook-signature) first, since the engine re-signs each item with the first whose scheme it carries.
 */
export function resignWithOf(groups: readonly UnsignedGroup[], chosen: Readonly<Record<string, string>>): string[] {
  return [...groups]
    .sort((a, b) => b.schemes.length - a.schemes.length)
    .map((group) => chosen[group.key] ?? '')
    .filter((id) => id !== '')
}
