// Where a collection run's requests would go on their own URLs: a request saved from a capture names
// the Hookscope endpoint it came to, so that sent there it is captured (and forwarded) again. The run
// panel says so, and offers that endpoint's forward target first when it has exactly one. The saved
// URLs never change: a run given a base URL sends each item's path and query there. Never: calls the
// engine or touches the DOM.
import type { CollectionFolder, ItemInfo } from '../../../shared/collections'
import type { Endpoint, EndpointStatus } from '../../../shared/model'

/** The requests a run of a collection, or of one of its folders and its sub-folders, sends (in no particular order). */
export function itemsOfRun<I extends Pick<ItemInfo, 'folderId'>>(collection: { items: readonly I[]; folders: readonly CollectionFolder[] }, folderId: string | null): I[] {
  if (folderId === null) return [...collection.items]
  const inRun = new Set([folderId])
  for (let grew = true; grew; ) {
    grew = false
    for (const folder of collection.folders) {
      if (folder.parentId !== null && inRun.has(folder.parentId) && !inRun.has(folder.id)) {
        inRun.add(folder.id)
        grew = true
      }
    }
  }
  return collection.items.filter((item) => item.folderId !== null && inRun.has(item.folderId))
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]' || host === '::1'
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === ''
}

function hostOf(url: string | null): string | null {
  if (!url) return null
  try {
    return new URL(url).hostname.toLowerCase()
  } catch {
    return null
  }
}

/** The listening Hookscope endpoint a URL reaches (its port, on an address its bind covers), or null. */
export function hookscopeEndpointAt(url: string, endpoints: readonly Endpoint[], statusById: Readonly<Record<string, EndpointStatus>>): Endpoint | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  // Capture listeners speak plain HTTP.
  if (parsed.protocol !== 'http:') return null
  const port = parsed.port === '' ? 80 : Number(parsed.port)
  const host = parsed.hostname.toLowerCase()
  for (const endpoint of endpoints) {
    const status = statusById[endpoint.id]
    if (!status || status.port !== port) continue
    const bind = endpoint.host.toLowerCase()
    const named = [status.url, ...(status.networkUrls ?? [])].map(hostOf)
    if (named.includes(host) || (isLoopback(host) && (isLoopback(bind) || isWildcard(bind)))) return endpoint
  }
  return null
}

export interface OwnEndpointRun {
  /** The endpoints the run's requests point at, in the order first met. */
  endpoints: Endpoint[]
  /** How many of the run's requests point at one of them. */
  count: number
  total: number
  /** The forward target to send to instead: the single endpoint's only target, when every request points at it. */
  forwardTarget: string | null
}

/** Which of a run's requests would reach Hookscope's own endpoints on their own URLs; null when none would. */
export function ownEndpointRun(items: readonly Pick<ItemInfo, 'request'>[], endpoints: readonly Endpoint[], statusById: Readonly<Record<string, EndpointStatus>>): OwnEndpointRun | null {
  const reached: Endpoint[] = []
  let count = 0
  for (const item of items) {
    const endpoint = hookscopeEndpointAt(item.request.url, endpoints, statusById)
    if (!endpoint) continue
    count++
    if (!reached.includes(endpoint)) reached.push(endpoint)
  }
  if (count === 0) return null
  const only = reached.length === 1 && count === items.length ? reached[0]! : null
  const forwardTarget = only && only.forward.targets.length === 1 ? only.forward.targets[0]!.url : null
  return { endpoints: reached, count, total: items.length, forwardTarget }
}
