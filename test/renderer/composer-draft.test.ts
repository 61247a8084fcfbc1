import { describe, expect, it } from 'vitest'
import { bytesToByteString } from '../../shared/formats/bytes'
import {
  blankRequest,
  bodyOfBytes,
  byteStringForInput,
  computedContentLength,
  editableOfDraft,
  editUrl,
  headerNameError,
  headerValueError,
  pastedKind,
  problemsOf,
  retarget,
  toDraft,
  typedToByteString,
  wireSpec,
  type EditableRequest,
} from '../../renderer/src/workbench/composer-draft'
import { detectImportFormat } from '../../renderer/src/workbench/commands'
import { createWorkbenchStore } from '../../renderer/src/state/workbench-store'
import { utf8 } from './helpers/fake-api'

const b64 = (text: string) => btoa(bytesToByteString(utf8(text)))

describe('the composer’s draft', () => {
  it('keeps headers in order, case and duplicates, and sends untouched byte strings byte for byte', () => {
    const cafe = bytesToByteString(utf8('café'))
    const editable = editableOfDraft({
      method: 'POST',
      url: 'http://127.0.0.1:3000/hook?a=1',
      headers: [
        ['X-Dup', 'one'],
        ['x-dup', 'two'],
        ['X-Name', cafe],
        ['Content-Length', '3'],
      ],
      bodyBase64: b64('{"a":1}'),
    })
    expect(byteStringForInput(cafe)).toBe('café')
    const draft = toDraft(editable)
    expect(draft.headers).toEqual([
      ['X-Dup', 'one'],
      ['x-dup', 'two'],
      ['X-Name', cafe],
      ['Content-Length', '7'],
    ])
    expect(draft.bodyBase64).toBe(b64('{"a":1}'))
    expect(typedToByteString('café')).toBe(cafe)
  })

  it('leaves disabled headers out and sets Content-Length from the body as it is now', () => {
    const editable = editableOfDraft({ method: 'POST', url: 'http://h/x', headers: [['A', '1'], ['Content-Length', '999']], bodyBase64: b64('hello') })
    editable.headers[0]!.enabled = false
    editable.body = { mode: 'text', text: 'hello world' }
    expect(toDraft(editable).headers).toEqual([['Content-Length', '11']])
    expect(computedContentLength(editable)).toBe(11)
    expect(computedContentLength({ method: 'GET', headers: [], body: { mode: 'text', text: '' } })).toBeNull()
    expect(computedContentLength({ method: 'POST', headers: [], body: { mode: 'text', text: '' } })).toBe(0)
    expect(computedContentLength({ method: 'POST', headers: [], body: { mode: 'text', text: 'é' } })).toBe(2)
  })

  it('keeps a binary body as bytes and a UTF-8 one as text', () => {
    expect(bodyOfBytes(new Uint8Array([0xff, 0x00, 0x01]))).toMatchObject({ mode: 'binary' })
    expect(bodyOfBytes(utf8('{"x":"é"}'))).toEqual({ mode: 'text', text: '{"x":"é"}' })
    const binary = editableOfDraft({ method: 'PUT', url: 'http://h/', headers: [], bodyBase64: btoa('\xff\x00\x10') })
    expect(toDraft(binary).bodyBase64).toBe(btoa('\xff\x00\x10'))
  })

  it('percent-encodes as UTF-8 what is typed into the URL and keeps the bytes the edit left alone', () => {
    // Typed: sent as a browser sends it.
    expect(editUrl('http://localhost:3000/search?q=', 'http://localhost:3000/search?q=é')).toEqual({ url: 'http://localhost:3000/search?q=%C3%A9', caret: 37 })
    expect(editUrl('', 'http://h/🦊 ok').url).toBe('http://h/%F0%9F%A6%8A ok')
    // A URL whose bytes are not UTF-8 (a latin1 é) keeps them around an edit.
    const latin1 = 'http://h/caf\xe9?a=1'
    expect(editUrl(latin1, 'http://h/caf\xe9?a=1&b=é').url).toBe('http://h/caf\xe9?a=1&b=%C3%A9')
    expect(editUrl(latin1, 'http://h/caf\xe9?a=2').url).toBe('http://h/caf\xe9?a=2')
    // UTF-8 bytes written as is keep them too, shown as their text; an edit in the middle encodes only itself.
    const raw = bytesToByteString(utf8('http://h/café?x=ü'))
    expect(byteStringForInput(raw)).toBe('http://h/café?x=ü')
    expect(editUrl(raw, 'http://h/café/ñ?x=ü')).toEqual({ url: bytesToByteString(utf8('http://h/café')) + '/%C3%B1' + bytesToByteString(utf8('?x=ü')), caret: 20 })
    // Deleting keeps the rest as it was; an unchanged text changes nothing.
    expect(editUrl(raw, 'http://h/café')).toEqual({ url: bytesToByteString(utf8('http://h/café')), caret: 13 })
    expect(editUrl(latin1, 'http://h/caf\xe9?a=1').url).toBe(latin1)
  })

  it('validates method, URL and header lines live', () => {
    expect(headerNameError('X-Good_Name.1')).toBeNull()
    expect(headerNameError('Bad Name')).toMatch(/tokens/)
    expect(headerNameError('X:Y')).toMatch(/tokens/)
    expect(headerNameError('')).toMatch(/needs a name/)
    expect(headerValueError('a\r\nInjected: yes')).toMatch(/CR or LF/)
    expect(headerValueError('a\nb')).toMatch(/CR or LF/)
    expect(headerValueError('nul\0')).toMatch(/NUL/)
    expect(headerValueError('tab\tand spaces ok')).toBeNull()
    expect(headerValueError('bell\x07')).toMatch(/control/)
    const request: EditableRequest = { ...blankRequest(), method: 'PO ST', url: 'ftp://x' }
    request.headers.push({ key: 999, name: 'X-Evil', value: 'a\rb', enabled: true }, { key: 1000, name: 'Off Name', value: '', enabled: false })
    const problems = problemsOf(request)
    expect(problems.count).toBe(3)
    expect(problems.method).toMatch(/token/)
    expect(problems.url).toMatch(/http/)
    expect(problems.headers[999]?.value).toMatch(/CR or LF/)
    expect(problems.headers[1000]).toBeUndefined()
  })

  it('sends to another forward target, keeping the request’s own path and query as written', () => {
    const bases = ['http://localhost:3000/app', 'http://127.0.0.1:4567']
    expect(retarget('http://localhost:3000/app/hooks/a%2Fb?x=1', 'http://localhost:4000/v2', bases)).toBe('http://localhost:4000/v2/hooks/a%2Fb?x=1')
    expect(retarget('http://127.0.0.1:4567/hooks?x', 'http://localhost:3000/app/', bases)).toBe('http://localhost:3000/app/hooks?x')
    expect(retarget('http://elsewhere:9/p/../q', 'http://localhost:3000', bases)).toBe('http://localhost:3000/p/../q')
  })

  it('tells cURL commands, raw HTTP messages and import files apart', () => {
    expect(pastedKind("  curl -X POST 'http://h'")).toBe('curl')
    expect(pastedKind('$ curl http://h')).toBe('curl')
    expect(pastedKind('POST /x HTTP/1.1\nHost: h\n\n')).toBe('raw')
    expect(detectImportFormat('{"log":{"entries":[]}}')).toBe('har')
    expect(detectImportFormat('{"info":{"name":"x"},"item":[]}')).toBe('postman')
    expect(detectImportFormat('{"schemaVersion":1,"data":{}}')).toBe('hookscope')
    expect(detectImportFormat('{"log": [', 'broken.har')).toBe('har')
    // Postman files that are not v2 collections go to the Postman importer, which says what they are.
    expect(detectImportFormat('{"id":"1","name":"old","order":[],"requests":[]}', 'old.json')).toBe('postman')
    expect(detectImportFormat('{"id":"e","name":"Staging","values":[],"_postman_variable_scope":"environment"}', 'Staging.postman_environment.json')).toBe('postman')
    expect(detectImportFormat("curl 'http://h' -d x")).toBe('curl')
    expect(detectImportFormat('GET / HTTP/1.1\r\nHost: h\r\n\r\n')).toBe('raw')
  })
})

describe('the request as it would cross the wire', () => {
  it('adds Host from the URL, drops hop-by-hop headers and frames the body with Content-Length', () => {
    const request = editableOfDraft({
      method: 'POST',
      url: 'http://user:pw@localhost:3000/x?y=1',
      headers: [
        ['Content-Type', 'text/plain'],
        ['Transfer-Encoding', 'chunked'],
        ['Connection', 'keep-alive'],
        ['X-Last', '1'],
      ],
      bodyBase64: btoa('hello'),
    })
    expect(wireSpec(request).headers).toEqual([
      ['Host', 'localhost:3000'],
      ['Content-Type', 'text/plain'],
      ['Content-Length', '5'],
      ['X-Last', '1'],
    ])
    const get = editableOfDraft({ method: 'GET', url: 'http://h/', headers: [['host', 'kept.example']], bodyBase64: '' })
    expect(wireSpec(get).headers).toEqual([['host', 'kept.example']])
  })
})

describe('the Host row of a draft from a capture', () => {
  const captured = { method: 'POST', url: 'http://127.0.0.1:46083/hooks', headers: [['host', '127.0.0.1:46083'], ['Content-Type', 'application/json']] as [string, string][], bodyBase64: b64('{}') }
  const hostSent = (store: ReturnType<typeof createWorkbenchStore>) => toDraft(store.getState().composer.request).headers.filter(([name]) => name.toLowerCase() === 'host')

  it('names the URL’s host as the URL changes, until the user edits the row', () => {
    const store = createWorkbenchStore()
    store.getState().loadRequest(editableOfDraft(captured), {})
    store.getState().setRequest({ url: 'http://127.0.0.1:4100/hooks' })
    expect(hostSent(store)).toEqual([['host', '127.0.0.1:4100']])
    expect(wireSpec(store.getState().composer.request).headers[0]).toEqual(['host', '127.0.0.1:4100'])
    const row = store.getState().composer.request.headers[0]!
    expect(row.value).toBe('127.0.0.1:4100')
    store.getState().updateHeader(row.key, { enabled: true })
    store.getState().setRequest({ url: 'http://localhost:5000/x' })
    expect(hostSent(store)).toEqual([['host', 'localhost:5000']])
    store.getState().updateHeader(row.key, { value: 'api.example.com' })
    store.getState().setRequest({ url: 'http://127.0.0.1:4100/hooks' })
    expect(hostSent(store)).toEqual([['host', 'api.example.com']])
  })
})
