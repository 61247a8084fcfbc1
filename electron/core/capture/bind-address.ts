// Which listening addresses contend for the same port, so that a port refused to one endpoint can be
// blamed on the endpoint that holds it rather than on "another program".
import { lookup } from 'node:dns/promises'
import net from 'node:net'
import os from 'node:os'

export interface BindAddress {
  /** In one spelling per address: an IPv6 address compressed and lower-cased, an IPv4-mapped one as IPv4. */
  address: string
  family: 4 | 6
}

/** The address as Node reports a bound one, or null for something that is not an IP address. */
export function bindAddress(address: string): BindAddress | null {
  const family = net.isIP(address)
  if (family === 4) return { address, family: 4 }
  if (family !== 6) return null
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped && net.isIPv4(mapped[1]!)) return { address: mapped[1]!, family: 4 }
  try {
    return { address: new URL(`http://[${address}]/`).hostname.slice(1, -1), family: 6 }
  } catch {
    // A scoped address (fe80::1%eth0) is not a URL host: compare it as written.
    return { address: address.toLowerCase(), family: 6 }
  }
}

/** The address Node binds for an endpoint's host: the host itself, or what a name resolves to
 * first, the one lookup `server.listen` makes. Null when the name does not resolve. */
export async function bindAddressOfHost(host: string): Promise<BindAddress | null> {
  if (net.isIP(host) !== 0) return bindAddress(host)
  try {
    return bindAddress((await lookup(host)).address)
  } catch {
    return null
  }
}

/** Whether two listeners on one port collide: the same address, or a wildcard over the other. */
export function bindingsOverlap(a: BindAddress, b: BindAddress): boolean {
  if (a.family === b.family && a.address === b.address) return true
  return covers(a, b) || covers(b, a)
}

function covers(wildcard: BindAddress, other: BindAddress): boolean {
  if (wildcard.family === 4) return wildcard.address === '0.0.0.0' && other.family === 4
  // Node listens on "::" for both families (dual stack) unless told ipv6Only, which no endpoint is.
  return wildcard.address === '::'
}

/** Whether an address is reachable only from this machine. */
export function isLoopback(bound: BindAddress): boolean {
  return bound.family === 4 ? bound.address.startsWith('127.') : bound.address === '::1'
}

/**
 * The URLs other machines would use for a listener bound to `bound` on `port`, or null when the bind is
 * loopback only. A wildcard bind covers every network address of this machine (`::` both families, as
 * Node listens on it); IPv6 link-local addresses are left out, since a URL cannot carry their zone.
 */
export function networkUrlsOf(bound: BindAddress, port: number, interfaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces()): string[] | null {
  if (isLoopback(bound)) return null
  const urlOf = (address: string, family: 4 | 6) => (family === 6 ? `http://[${address}]:${port}/` : `http://${address}:${port}/`)
  const wildcard = bound.family === 4 ? bound.address === '0.0.0.0' : bound.address === '::'
  if (!wildcard) return [urlOf(bound.address, bound.family)]
  const urls: string[] = []
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.internal) continue
      const family = info.family === 'IPv4' || (info.family as unknown) === 4 ? 4 : 6
      if (family === 6 && (bound.family === 4 || /^fe80:/i.test(info.address))) continue
      urls.push(urlOf(info.address, family))
    }
  }
  return urls
}
