// The format an imported file is read as when the user leaves it to "Auto".
import { describe, expect, it } from 'vitest'
import { detectImportFormat } from '../../renderer/src/workbench/commands'
import { fromCurlMany } from '../../shared/formats'

describe('telling the format of an imported file', () => {
  it('reads a shell script of curl commands as cURL, also when it begins with a #! line, comments or blank lines', () => {
    const script = '#!/usr/bin/env bash\n\n# Create a charge, then list them\ncurl https://api.stripe.com/v1/charges -u sk_test_x: -d amount=2000\ncurl -G https://api.stripe.com/v1/charges -u sk_test_x: -d limit=3\n'
    expect(detectImportFormat(script, 'charges.sh')).toBe('curl')
    expect(detectImportFormat(script.replace(/\n/g, '\r\n'), 'charges.txt')).toBe('curl')
    expect(fromCurlMany(script).map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST https://api.stripe.com/v1/charges',
      'GET https://api.stripe.com/v1/charges?limit=3',
    ])
    // A raw HTTP message never begins with "#".
    expect(detectImportFormat('POST /hooks HTTP/1.1\r\nHost: h\r\n\r\n', 'hook.http')).toBe('raw')
  })

  it('reads a file that is neither JSON nor commands as what its name says it is, so that what is wrong is said of that format', () => {
    const png = '\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR'
    expect(detectImportFormat(png, 'checkout.har')).toBe('har')
    expect(detectImportFormat(png, 'checkout.har', false)).toBe('har')
    expect(detectImportFormat('Stripe webhooks, notes to self', 'Stripe.postman_collection.json')).toBe('postman')
    expect(detectImportFormat('Stripe webhooks, notes to self', 'stripe.json')).toBe('hookscope')
    // Without such a name, it may be an HTTP message.
    expect(detectImportFormat('POST /hooks HTTP/1.1\r\nHost: h\r\n\r\n', 'hook.txt')).toBe('raw')
  })
})
