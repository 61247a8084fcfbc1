// A signature that matched a secret the endpoint has since replaced says so, in the list's badge and
// in the verdict's explanation: during a provider's rotation window, or as the secret in force when
// the request arrived.
import './helpers/setup-dom'
import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { SignatureBadge } from '../../renderer/src/components/capture-badges'
import { formatDateTime } from '../../renderer/src/text/format'
import { explainVerdict } from '../../renderer/src/text/verdict-text'
import type { Verdict } from '../../shared/signatures'
import { createHarness, renderWith } from './helpers/render-app'

const replacedAt = new Date(2026, 11, 7, 9, 30, 0).getTime()

describe('a verdict reached with a replaced secret', () => {
  it('during the rotation window: the badge and the explanation name the previous secret and when it was replaced', () => {
    const verdict: Verdict = { kind: 'valid', scheme: 'stripe', previousSecret: { replacedAt, rotation: true } }
    renderWith(createHarness(), <SignatureBadge verdict={verdict} />)
    const badge = screen.getByTestId('badge-signature')
    expect(badge.textContent).toBe('sig valid')
    expect(badge.title).toBe(`Stripe signature valid (signed with the previous secret, replaced at ${formatDateTime(replacedAt)}, which providers keep signing with for up to 24 hours after a rotation): your app would accept it.`)
    expect(explainVerdict(verdict).details).toContain(`Signed with the previous secret, replaced at ${formatDateTime(replacedAt)}, which providers keep signing with for up to 24 hours after a rotation.`)
  })

  it('before the change: it was the secret in force then, and a re-signed resend uses the current one', () => {
    const verdict: Verdict = { kind: 'timestamp-out-of-tolerance', scheme: 'svix', driftSeconds: 3600, toleranceSeconds: 300, previousSecret: { replacedAt, rotation: false } }
    const details = explainVerdict(verdict).details
    expect(details[0]).toBe(`Signed with the secret in force when it arrived, replaced at ${formatDateTime(replacedAt)}; a re-signed resend uses the current one.`)
    renderWith(createHarness(), <SignatureBadge verdict={verdict} />)
    expect(screen.getByTestId('badge-signature').title).toMatch(/^Svix signature matches \(signed with the secret in force when it arrived, replaced at .*\), but its timestamp is 1 h old/)
  })

  it('with the current secret: nothing more to say', () => {
    expect(explainVerdict({ kind: 'valid', scheme: 'stripe' }).details).toHaveLength(1)
  })
})
