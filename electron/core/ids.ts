// Time-sortable ids: 10 characters of milliseconds and 8 of sequence in Crockford's base32, so that
// sorting ids as strings sorts captures by arrival, even within one millisecond. Plain numbers (not
// BigInt): this runs once per captured request.
import { randomInt } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const SEQUENCE_SPACE = 2 ** 40

function encode(value: number, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) {
    out = ALPHABET[value % 32]! + out
    value = Math.floor(value / 32)
  }
  return out
}

export function createIdGenerator(now: () => number): () => string {
  let lastTime = -1
  let sequence = 0
  return () => {
    let time = now()
    if (time <= lastTime) {
      // Same millisecond (or the clock stepped back): keep the previous time and count up so ids
      // stay strictly increasing within this process.
      time = lastTime
      sequence = (sequence + 1) % SEQUENCE_SPACE
    } else {
      lastTime = time
      // Start each millisecond at a random point in the lower half, leaving room to count up.
      sequence = randomInt(0, 2 ** 39)
    }
    return encode(time, 10) + encode(sequence, 8)
  }
}

export function idTime(id: string): number {
  let value = 0
  for (const ch of id.slice(0, 10)) value = value * 32 + ALPHABET.indexOf(ch)
  return value
}
