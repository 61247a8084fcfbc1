// A host typed beyond ASCII in the Composer's URL (http://café.localhost:3000/) is named on the wire
// as browsers and curl name it, in punycode (xn--caf-dma), as the engine connects to it: the Host
// header that follows the URL and the raw HTTP preview say so, never a percent-encoded host.
import { describe, expect, it } from 'vitest'
import { byteStringForInput, editableOfDraft, editUrl, followUrl, toDraft, wireSpec } from '../../renderer/src/workbench/composer-draft'

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
    expect(new URL(toDraft({ ...request, url, headers }).url).host).toBe('xn--caf-dma.localhost:3000')
    expect(byteStringForInput(url)).toBe('http://café.localhost:3000/hooks')
  })

  it('user info and path typed beyond ASCII are percent-encoded, as browsers send them; the host is not', () => {
    const request = opened()
    const { url } = editUrl(request.url, 'http://ü:pw@bücher.example:8080/straße')
    expect(byteStringForInput(url)).toBe('http://%C3%BC:pw@bücher.example:8080/stra%C3%9Fe')
    expect(toDraft({ ...request, url }).url).toBe('http://%C3%BC:pw@xn--bcher-kva.example:8080/stra%C3%9Fe')
  })

  it('a URL holding bytes that are not UTF-8 gets a host typed beyond ASCII percent-encoded, which reaches the same host', () => {
    const latin1 = editableOfDraft({ method: 'GET', url: 'http://localhost:3000/caf\xe9', headers: [], bodyBase64: '' })
    const { url } = editUrl(latin1.url, 'http://café.localhost:3000/caf\xe9')
    expect(url).toBe('http://caf%C3%A9.localhost:3000/caf\xe9')
    expect(new URL(toDraft({ ...latin1, url }).url).host).toBe('xn--caf-dma.localhost:3000')
  })

  it('an ASCII host, with user info or a port, is named as written', () => {
    const request = opened()
    const { url } = editUrl(request.url, 'http://user:pw@Example.test:8080/x?q=é')
    expect(followUrl(request.headers, url).find((row) => row.name === 'Host')?.value).toBe('Example.test:8080')
  })
})
