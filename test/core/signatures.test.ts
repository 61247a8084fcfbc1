// Differential tests of electron/core/signatures: for every scheme, a corpus of genuine and altered
// requests is judged by the provider's official library (or a reference verifier written from its
// documentation) and by our verify(); the two must agree on every case, and each case also states
// the expected outcome so that a broken corpus cannot pass. The clock is fixed; nothing sleeps.
import { describe, expect, it } from 'vitest'
import { Verdict } from '../../shared/signatures'
import { buildCorpus, NOW_MS } from './signatures/corpus'
import { providers } from './signatures/providers'

const corpora = await Promise.all(providers.map(async (provider) => ({ provider, cases: await buildCorpus(provider) })))

for (const { provider, cases } of corpora) {
  describe(`${provider.name}: our verdict equals ${provider.judge}`, () => {
    it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
      const official = await provider.officialAccepts(testCase.request, testCase.secret, testCase.nowMs)
      const ours = provider.scheme.verify(testCase.request, testCase.secret, testCase.nowMs)
      expect(official, 'the official verdict differs from what this case expects').toBe(testCase.expectValid)
      expect(ours.kind === 'valid', `our verdict ${JSON.stringify(ours)} disagrees with the official one`).toBe(official)
      if (testCase.expectVerdict) expect(ours).toMatchObject(testCase.expectVerdict)
      expect(Verdict.parse(ours)).toEqual(ours)
    })

    it('covers valid and refused requests alike', () => {
      expect(cases.filter((c) => c.expectValid).length).toBeGreaterThanOrEqual(5)
      expect(cases.filter((c) => !c.expectValid).length).toBeGreaterThanOrEqual(8)
      expect(cases.every((c) => c.nowMs === NOW_MS)).toBe(true)
    })
  })
}
