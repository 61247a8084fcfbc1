// Which URLs other machines would use for a listener, from its bind address and this machine's interfaces.
import type os from 'node:os'
import { describe, expect, it } from 'vitest'
import { bindAddress, networkUrlsOf } from '../../electron/core/capture/bind-address'

const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null }) as os.NetworkInterfaceInfo
const interfaces = {
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  eth0: [nic('192.168.1.20', 'IPv4'), nic('fe80::1', 'IPv6'), nic('2001:db8::20', 'IPv6')],
}

describe('networkUrlsOf', () => {
  it('is null on loopback', () => {
    expect(networkUrlsOf(bindAddress('127.0.0.1')!, 80, interfaces)).toBeNull()
    expect(networkUrlsOf(bindAddress('::1')!, 80, interfaces)).toBeNull()
  })
  it('lists the machine’s network addresses for a wildcard, IPv6 ones only for ::, never link-local', () => {
    expect(networkUrlsOf(bindAddress('0.0.0.0')!, 4567, interfaces)).toEqual(['http://192.168.1.20:4567/'])
    expect(networkUrlsOf(bindAddress('::')!, 4567, interfaces)).toEqual(['http://192.168.1.20:4567/', 'http://[2001:db8::20]:4567/'])
  })
  it('is the bound address itself for one network address', () => {
    expect(networkUrlsOf(bindAddress('192.168.1.20')!, 9, interfaces)).toEqual(['http://192.168.1.20:9/'])
  })
})
