// Copy as cURL: the shared formatter (shared/formats/curl-export), which keeps every byte of the
// request and quotes for POSIX shells.
import { shellQuote, toCurl } from '../../../shared/formats/curl-export'
import type { RequestSpec } from '../../../shared/formats/types'

export function curlCommandFor(request: RequestSpec): string {
  return toCurl(request)
}

/** The command the empty state shows for sending a first request to an endpoint. */
export function firstRequestCommand(endpointUrl: string): string {
  const url = `${endpointUrl.replace(/\/+$/, '')}/webhooks`
  return `curl -X POST ${shellQuote(url)} -H 'Content-Type: application/json' -d '{"event":"hello","from":"curl"}'`
}
