// What a bind address typed into the endpoint editor means for who can reach the endpoint, judged as
// the engine binds it: an IP address as written, a name as it resolves when the endpoint starts.

export type BindAddressKind =
  /** Neither an IP address nor a host name: the endpoint cannot listen on it. */
  | 'invalid'
  /** Only this machine can reach it (127.0.0.0/8, ::1, localhost). */
  | 'loopback'
  /** An address of this machine's network, or a wildcard over all of them. */
  | 'network'
  /** A host name: who can reach it depends on the address it resolves to. */
  | 'name'

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i

/** An IPv6 address in the URL parser's spelling (compressed, lower case, no zone), or null. */
function ipv6(host: string): string | null {
  // A zone (fe80::1%eth0) is not part of a URL host; the address before it is what is checked.
  const address = host.replace(/%[0-9a-z_.-]+$/i, '')
  if (!address.includes(':') || /[[\]/]/.test(address)) return null
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1)
  } catch {
    return null
  }
}

export function bindAddressKind(typed: string): BindAddressKind {
  const host = typed.trim()
  if (host === '') return 'invalid'
  if (IPV4.test(host)) return host.startsWith('127.') ? 'loopback' : 'network'
  const v6 = ipv6(host)
  if (v6 !== null) {
    // An IPv4-mapped loopback address (::ffff:127.0.0.1) is loopback too.
    return v6 === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(v6) ? 'loopback' : 'network'
  }
  const name = host.replace(/\.$/, '')
  if (name.length > 253) return 'invalid'
  const labels = name.split('.')
  if (!labels.every((label) => LABEL.test(label))) return 'invalid'
  // All digits and dots is an IPv4 address written wrong (999.1.1.1, 10.0.0), not a name.
  if (labels.every((label) => /^\d+$/.test(label))) return 'invalid'
  const lower = name.toLowerCase()
  return lower === 'localhost' || lower.endsWith('.localhost') ? 'loopback' : 'name'
}
