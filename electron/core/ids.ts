// Time-sortable ids: 10 characters of milliseconds and 8 of sequence in Crockford's base32, so that
// sorting ids as strings sorts captures by arrival, even within one millisecond. Plain numbers (not
// BigInt): this runs once per captured request.
import { randomInt } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const SEQUENCE_SPACE = 2 ** 40

const CODES = Array.from(ALPHABET, (ch) => ch.charCodeAt(0))

/** Write `value` in base32 into `codes[at..at+length)`, most significant digit first. */
function encodeInto(codes: number[], at: number, value: number, length: number): void {
  for (let i = at + length - 1; i >= at; i--) {
    codes[i] = CODES[value % 32]!
    value = Math.floor(value / 32)
  }
}

export function createIdGenerator(now: () => number): () => string {
  let lastTime = -1
  let sequence = 0
  // One flat string made from character codes: an id built by concatenation is a chain of 18 string
  // pieces, flattened again wherever it is hashed (each Map it keys) or written.
  const codes = new Array<number>(18).fill(48)
  return () => {
    const time = now()
    if (time <= lastTime) {
      // Same millisecond (or the clock stepped back): keep the previous time and count up so ids
      // stay strictly increasing within this process.
      sequence = (sequence + 1) % SEQUENCE_SPACE
    } else {
      lastTime = time
      // Start each millisecond at a random point in the lower half, leaving room to count up.
      sequence = randomInt(0, 2 ** 39)
      encodeInto(codes, 0, time, 10)
    }
    encodeInto(codes, 10, sequence, 8)
    return String.fromCharCode(...codes)
  }
}

export function idTime(id: string): number {
  let value = 0
  for (const ch of id.slice(0, 10)) value = value * 32 + ALPHABET.indexOf(ch)
  return value
}
