// The folder's own base64 and byte-string helpers, checked against Node's Buffer as the reference.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { base64Decode, base64Encode, byteStringToBytes, bytesToByteString, textToByteString } from '../../../shared/formats'
import { allBytes, plain } from './helpers'

describe('base64', () => {
  it('encodes and decodes like Buffer for every length from 0 to 300', () => {
    for (let length = 0; length <= 300; length++) {
      const data = new Uint8Array(randomBytes(length))
      const encoded = base64Encode(data)
      expect(encoded).toBe(Buffer.from(data).toString('base64'))
      expect(plain(base64Decode(encoded)!)).toEqual(data)
    }
  })

  it('accepts missing padding, whitespace and the URL alphabet; refuses anything else', () => {
    const data = allBytes()
    const standard = Buffer.from(data).toString('base64')
    expect(plain(base64Decode(standard.replace(/=+$/, ''))!)).toEqual(data)
    expect(plain(base64Decode(standard.replace(/(.{76})/g, '$1\r\n'))!)).toEqual(data)
    expect(plain(base64Decode(Buffer.from(data).toString('base64url'))!)).toEqual(data)
    expect(base64Decode('a')).toBeNull()
    expect(base64Decode('ab*d')).toBeNull()
    expect(base64Decode('abc=d')).toBeNull()
  })
})

describe('byte strings', () => {
  it('map each byte to one character and back', () => {
    const text = bytesToByteString(allBytes())
    expect(text).toBe(Buffer.from(allBytes()).toString('latin1'))
    expect(plain(byteStringToBytes(text)!)).toEqual(allBytes())
    expect(byteStringToBytes('✓')).toBeNull()
  })

  it('read latin1 text as bytes and anything wider as UTF-8', () => {
    expect(textToByteString('café')).toBe('caf\xe9')
    expect(textToByteString('café ✓')).toBe(Buffer.from('café ✓').toString('latin1'))
  })
})
