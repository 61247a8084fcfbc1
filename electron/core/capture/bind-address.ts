// Which listening addresses contend for the same port, so that a port refused to one endpoint can be
// blamed on the endpoint that holds it rather than on "another program".
import { lookup } from 'node:dns/promises'
import net from 'node:net'

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
