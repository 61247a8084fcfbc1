// A host typed beyond ASCII in the Composer's URL (http://café.localhost:3000/) is named on the wire
// as browsers and curl name it, in punycode (xn--caf-dma), as the engine connects to it: the Host
// header that follows the URL and the raw HTTP preview say so, never a percent-encoded host.
import { describe, expect, it } from 'vitest'
import { editableOfDraft, editUrl, followUrl, wireSpec } from '../../renderer/src/workbench/composer-draft'

const opened = () => editableOfDraft({ method: 'POST', url: 'http://localhost:3000/hooks', headers: [['Host', 'localhost:3000']], bodyBase64: '' })

describe('a host typed beyond ASCII', () => {
  it('goes out in punycode in the Host header that follows the URL, and in the preview of what is sent', () => {
    const request = opened()
    const { url } = editUrl(request.url, 'http://café.localhost:3000/hooks')
    const headers = followUrl(request.headers, url)
    expect(headers.find((row) => row.name === 'Host')?.value).toBe('xn--caf-dma.localhost:3000')
    expect(wireSpec({ ...request, url, headers }).headers[0]).toEqual(['Host', 'xn--caf-dma.localhost:3000'])
    // Without a Host row, the one added from the URL names it the same way.
    expect(wireSpec({ ...request, url, headers: [] }).headers[0]).toEqual(['Host', 'xn--caf-dma.localhost:3000'])
    expect(new URL(url).host).toBe('xn--caf-dma.localhost:3000')
  })

  it('an ASCII host, with user info or a port, is named as written', () => {
    const request = opened()
    const { url } = editUrl(request.url, 'http://user:pw@Example.test:8080/x?q=é')
    expect(followUrl(request.headers, url).find((row) => row.name === 'Host')?.value).toBe('Example.test:8080')
  })
})
