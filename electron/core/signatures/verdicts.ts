// Small builders so each scheme states its conclusions in one line each. No logic beyond shaping.
import type { SchemeId, Verdict } from '../../../shared/signatures'

export function verdictsFor(scheme: SchemeId) {
  return {
    valid: (detail?: string): Verdict => (detail === undefined ? { kind: 'valid', scheme } : { kind: 'valid', scheme, detail }),
    invalid: (reason: string): Verdict => ({ kind: 'invalid', scheme, reason }),
    outOfTolerance: (driftSeconds: number, toleranceSeconds: number): Verdict => ({
      kind: 'timestamp-out-of-tolerance',
      scheme,
      driftSeconds,
      toleranceSeconds,
    }),
    missingHeader: (header: string): Verdict => ({ kind: 'missing-header', scheme, header }),
    malformedHeader: (header: string, reason: string): Verdict => ({ kind: 'malformed-header', scheme, header, reason }),
    noSecret: (): Verdict => ({ kind: 'no-secret', scheme }),
    unusableSecret: (reason: string): Verdict => ({ kind: 'unusable-secret', scheme, reason }),
  }
}

/** A secret that is absent or only whitespace cannot have signed anything a provider sent. */
export function isBlankSecret(secret: string | null): secret is null {
  return secret === null || /^[ \t\r\n\f\v]*$/.test(secret)
}

/** Whole seconds between now and a signed Unix timestamp; positive when the timestamp is in the past. */
export function driftInSeconds(nowMs: number, signedSeconds: number): number {
  return Math.floor(nowMs / 1000) - signedSeconds
}
