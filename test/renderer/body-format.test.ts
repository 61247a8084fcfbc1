import { describe, expect, it } from 'vitest'
import { formatJson, formatJsonHead, hexDump, jsonDepth, JSON_MAX_DEPTH, JSON_PRETTY_MAX_BYTES, reindentJson } from '../../renderer/src/body/body-format'
import { formatXml, formatXmlHead, reindentXml } from '../../renderer/src/body/xml-format'
import { chooseViewer } from '../../renderer/src/text/content-type'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('JSON formatting', () => {
  it('re-indents without touching a single value: big numbers, duplicate keys and escapes stay as sent', () => {
    const sent = '{"id":12345678901234567890,"id":1,"amount":1.10,"s":"a\\u0041\\"}{[,:]","e":[],"o":{},"n":-0}'
    const pretty = reindentJson(sent)
    expect(pretty).toBe(
      [
        '{',
        '  "id": 12345678901234567890,',
        '  "id": 1,',
        '  "amount": 1.10,',
        '  "s": "a\\u0041\\"}{[,:]",',
        '  "e": [],',
        '  "o": {},',
        '  "n": -0',
        '}',
      ].join('\n'),
    )
    expect(pretty.replace(/\s+/g, '')).toBe(sent.replace(/\s+/g, ''))
  })

  it('marks valid JSON as pretty, and invalid JSON as text with the reason', () => {
    expect(formatJson(bytes('{"a":[1,2]}'))).toMatchObject({ kind: 'json', pretty: true, note: null })
    const broken = formatJson(bytes('{"a":'))
    expect(broken.kind).toBe('text')
    expect(broken.note).toMatch(/Not valid JSON/)
    expect(broken.text).toBe('{"a":')
  })

  it('shows JSON nested 100,000 levels deep as sent, quickly, without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const started = performance.now()
    const result = formatJson(bytes(deep))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(result.pretty).toBe(false)
    expect(result.note).toMatch(/Nested more than/)
    expect(result.text.length).toBe(200_000)
    expect(jsonDepth(deep, JSON_MAX_DEPTH)).toBe(JSON_MAX_DEPTH + 1)
  })

  it('does not re-indent a body that would grow many times its size (deep nesting, many short items)', () => {
    // 100 levels deep, then 20,000 one-character items: re-indented, each item would carry 200 spaces.
    const body = '['.repeat(100) + Array.from({ length: 20_000 }, () => '1').join(',') + ']'.repeat(100)
    const started = performance.now()
    const result = formatJson(bytes(body))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(result.pretty).toBe(false)
    expect(result.note).toMatch(/many times its size/)
    expect(result.text).toBe(body)
    // An ordinary body still is.
    expect(formatJson(bytes('{"a":[1,2,{"b":null}]}')).pretty).toBe(true)
  })

  it('reads JSON that starts with a UTF-8 byte-order mark, and says it does', () => {
    const result = formatJson(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":1}')]))
    expect(result.pretty).toBe(true)
    expect(result.text).toBe('{\n  "a": 1\n}')
    expect(result.note).toMatch(/byte-order mark/)
  })

  it('does not re-indent bodies past the size limit', () => {
    const big = new Uint8Array(JSON_PRETTY_MAX_BYTES + 10).fill(0x31)
    const result = formatJson(big)
    expect(result.pretty).toBe(false)
    expect(result.note).toMatch(/shown as sent/)
  })
})

describe('the first part of a JSON body too large to show whole', () => {
  it('is re-indented from its start however it ends, mid-string included', () => {
    const head = formatJsonHead(bytes('{"items":[{"id":1,"note":"a,b:{c"},{"id":2,"note":"cut her'))
    expect(head).toMatchObject({ kind: 'json', pretty: true })
    expect(head.text).toBe(['{', '  "items": [', '    {', '      "id": 1,', '      "note": "a,b:{c"', '    },', '    {', '      "id": 2,', '      "note": "cut her'].join('\n'))
  })

  it('is shown as sent when it does not start like JSON, or is nested too deep', () => {
    expect(formatJsonHead(bytes('not json, {"a":1}'))).toMatchObject({ kind: 'text', pretty: false, text: 'not json, {"a":1}' })
    expect(formatJsonHead(bytes('['.repeat(JSON_MAX_DEPTH + 1)))).toMatchObject({ kind: 'text', pretty: false, note: expect.stringMatching(/Nested more than/) })
  })
})

describe('hex dump', () => {
  it('prints offset, bytes and printable ASCII', () => {
    const dump = hexDump(bytes('Hello\x00\x01world, this is hex'))
    expect(dump.text.split('\n')[0]).toBe('00000000  48 65 6c 6c 6f 00 01 77  6f 72 6c 64 2c 20 74 68 |Hello..world, th|')
    expect(dump.text.split('\n')).toHaveLength(2)
  })

  it('stops at its cap and says how much is shown', () => {
    const dump = hexDump(new Uint8Array(100), 32)
    expect(dump.text.split('\n')).toHaveLength(2)
    expect(dump.note).toMatch(/first 32 of 100 bytes/)
  })
})

describe('viewer choice', () => {
  it('follows Content-Type, and sniffs when there is none', () => {
    expect(chooseViewer('application/json; charset=utf-8', bytes('{}'))).toBe('json')
    expect(chooseViewer('application/vnd.api+json', bytes('{}'))).toBe('json')
    expect(chooseViewer('application/x-www-form-urlencoded', bytes('a=1'))).toBe('form')
    expect(chooseViewer('multipart/form-data; boundary=x', bytes('--x'))).toBe('multipart')
    expect(chooseViewer('text/html', bytes('<p>'))).toBe('html')
    expect(chooseViewer('image/svg+xml', bytes('<svg/>'))).toBe('xml')
    expect(chooseViewer('image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))).toBe('image')
    expect(chooseViewer(null, bytes('[1]'))).toBe('json')
    expect(chooseViewer(null, bytes('plain words'))).toBe('text')
    expect(chooseViewer('application/octet-stream', new Uint8Array([0, 1, 2, 255]))).toBe('hex')
    expect(chooseViewer('text/plain', new Uint8Array([0, 159, 146, 150]))).toBe('hex')
    expect(chooseViewer(null, new Uint8Array(0))).toBe('empty')
  })
})

describe('XML formatting', () => {
  it('re-indents a one-line SOAP envelope, copying every tag, attribute, comment, CDATA and instruction as sent', () => {
    const sent =
      `<?xml version="1.0" encoding="UTF-8"?><!-- gateway --><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" b='2' a = "1"><soap:Body>` +
      `<n:Notify xmlns:n="urn:x"><?audit at="now"?><n:Id>42</n:Id><n:Note><![CDATA[<b>not markup</b>  ]]></n:Note><n:Empty/><n:Amount currency="EUR">10.00</n:Amount></n:Notify>` +
      `</soap:Body></soap:Envelope>`
    expect(formatXml(bytes(sent))).toMatchObject({ kind: 'xml', pretty: true, note: null })
    expect(formatXml(bytes(sent)).text).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!-- gateway -->',
        `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" b='2' a = "1">`,
        '  <soap:Body>',
        '    <n:Notify xmlns:n="urn:x">',
        '      <?audit at="now"?>',
        '      <n:Id>42</n:Id>',
        '      <n:Note><![CDATA[<b>not markup</b>  ]]></n:Note>',
        '      <n:Empty/>',
        '      <n:Amount currency="EUR">10.00</n:Amount>',
        '    </n:Notify>',
        '  </soap:Body>',
        '</soap:Envelope>',
      ].join('\n'),
    )
  })

  it('never changes mixed content, preserved space or a space between two elements on one line', () => {
    const mixed = '<Response><Say>Hello <emphasis>there</emphasis>, &amp; bye</Say><p><b>a</b> <i>b</i></p><pre xml:space="preserve"><x/>\n  <y/></pre></Response>'
    expect(reindentXml(mixed)).toEqual({
      ok: true,
      text: [
        '<Response>',
        '  <Say>Hello <emphasis>there</emphasis>, &amp; bye</Say>',
        '  <p><b>a</b> <i>b</i></p>',
        '  <pre xml:space="preserve"><x/>\n  <y/></pre>',
        '</Response>',
      ].join('\n'),
    })
    // Already indented: the same lines again.
    const indented = '<a>\n    <b>1</b>\n    <c>\n        <d/>\n    </c>\n</a>\n'
    expect(reindentXml(indented)).toEqual({ ok: true, text: '<a>\n  <b>1</b>\n  <c>\n    <d/>\n  </c>\n</a>' })
  })

  it('shows XML that is not well formed as sent, saying so', () => {
    for (const broken of ['<a><b></a>', '<a>x</b>', '<a b=c>x</a>', '<a/><b/>', 'text<a/>', '<a>']) {
      expect(formatXml(bytes(broken))).toEqual({ kind: 'xml', text: broken, pretty: false, note: 'Not well-formed XML: shown as sent.', shownBytes: broken.length })
    }
    const deep = '<a>'.repeat(300) + '</a>'.repeat(300)
    expect(formatXml(bytes(deep))).toMatchObject({ pretty: false, text: deep, note: 'Nested more than 256 levels deep: shown as sent.' })
  })
})

describe('the head of a large XML body', () => {
  const soap = '<?xml version="1.0"?><s:Envelope xmlns:s="urn:s"><s:Body><r:Items xmlns:r="urn:r"><r:Item id="1">a</r:Item><!-- two --><r:Item id="2"><r:Name>b</r:Name></r:Item>'
  const soapLines = ['<?xml version="1.0"?>', '<s:Envelope xmlns:s="urn:s">', '  <s:Body>', '    <r:Items xmlns:r="urn:r">', '      <r:Item id="1">a</r:Item>', '      <!-- two -->', '      <r:Item id="2">', '        <r:Name>b</r:Name>', '      </r:Item>']
  const head = (text: string) => formatXmlHead(bytes(text))

  it('re-indents from its start, leaving the elements still open at several depths open', () => {
    expect(head(soap)).toEqual({ kind: 'xml', text: soapLines.join('\n'), pretty: true, note: null, shownBytes: bytes(soap).length })
    expect(head('<a><b><c><d/></c></b><e><f>').text).toBe(['<a>', '  <b>', '    <c>', '      <d/>', '    </c>', '  </b>', '  <e>', '    <f>'].join('\n'))
  })

  it('shows a last tag cut midway as sent, on its own line, an attribute value cut midway included', () => {
    expect(head(soap + '<r:Item id="3" no').text).toBe([...soapLines, '      <r:Item id="3" no'].join('\n'))
    expect(head(soap + '<r:Item id="3" note="a > b, <c/> cut he').text).toBe([...soapLines, '      <r:Item id="3" note="a > b, <c/> cut he'].join('\n'))
    expect(head(soap + '<').text).toBe([...soapLines, '      <'].join('\n'))
    // A close tag cut midway lines up with its open tag.
    expect(head(soap + '</r:Ite').text).toBe([...soapLines, '    </r:Ite'].join('\n'))
    expect(head('<?xml version="1.0"?><s:Envel').text).toBe('<?xml version="1.0"?>\n<s:Envel')
  })

  it('shows a comment cut midway as sent, whatever it holds', () => {
    expect(head(soap + '<!-- <r:Item id="9"> is gone').text).toBe([...soapLines, '      <!-- <r:Item id="9"> is gone'].join('\n'))
    expect(head(soap + '<!-').text).toBe([...soapLines, '      <!-'].join('\n'))
  })

  it('keeps text and a CDATA section cut midway with the element they are in, as sent', () => {
    expect(head(soap + '<r:Item id="3"><r:Note>cut in the midd').text).toBe([...soapLines, '      <r:Item id="3">', '        <r:Note>cut in the midd'].join('\n'))
    expect(head(soap + '<r:Note>fish &amp; chi').text).toBe([...soapLines, '      <r:Note>fish &amp; chi'].join('\n'))
    expect(head(soap + '<r:Note>fish &am').text).toBe([...soapLines, '      <r:Note>fish &am'].join('\n'))
    expect(head(soap + '<r:Note><![CDATA[<b>not markup</b> ]] cut').text).toBe([...soapLines, '      <r:Note><![CDATA[<b>not markup</b> ]] cut'].join('\n'))
    // A CDATA section in element-only content is text of that element's own: it is copied whole.
    expect(head('<a><b/><![CDATA[x').text).toBe('<a><b/><![CDATA[x')
  })

  it('never changes mixed content or preserved space, even left open', () => {
    expect(head('<Response><Say>Hello <emphasis>there</emphasis>, bye</Say><Say>Hi <b>th').text).toBe(['<Response>', '  <Say>Hello <emphasis>there</emphasis>, bye</Say>', '  <Say>Hi <b>th'].join('\n'))
    expect(head('<a><pre xml:space="preserve"><x/>\n  <y/><z').text).toBe('<a>\n  <pre xml:space="preserve"><x/>\n  <y/><z')
    expect(head('<a><p><b>a</b> <i').text).toBe('<a>\n  <p><b>a</b> <i')
  })

  it('shows a head that is not XML, or not well formed before the cut, as sent, saying so', () => {
    for (const broken of ['{"items":[{"id":1},{"id":2', 'plain text, no markup at all', '', '<a><b></a><c>', '<a></b><c', '<a>x < y</a><b', '<a/><b/><c', 'text<a><b', '<a b=c><d']) {
      expect(head(broken)).toEqual({ kind: 'xml', text: broken, pretty: false, note: 'Not well-formed XML: shown as sent.', shownBytes: bytes(broken).length })
    }
    const deep = '<a>'.repeat(300)
    expect(head(deep)).toMatchObject({ pretty: false, text: deep, note: 'Nested more than 256 levels deep: shown as sent.' })
  })

  it('leaves out a UTF-8 byte-order mark, saying so', () => {
    expect(formatXmlHead(bytes('\ufeff<a><b/><c'))).toMatchObject({ kind: 'xml', pretty: true, text: '<a>\n  <b/>\n  <c', note: 'Starts with a UTF-8 byte-order mark, not shown here.' })
  })

  it('reads the encoding the XML declaration names', () => {
    const sent = Uint8Array.from('<?xml version="1.0" encoding="ISO-8859-1"?><a><b>Caf\u00e9</b><c>na\u00efv', (c) => c.charCodeAt(0))
    const charset = { label: 'ISO-8859-1', encoding: 'windows-1252', source: 'xml-declaration' as const }
    expect(formatXmlHead(sent, charset)).toEqual({
      kind: 'xml',
      text: ['<?xml version="1.0" encoding="ISO-8859-1"?>', '<a>', '  <b>Caf\u00e9</b>', '  <c>na\u00efv'].join('\n'),
      pretty: true,
      note: 'Read as windows-1252 (encoding=ISO-8859-1), as its XML declaration says.',
      shownBytes: sent.length,
    })
  })
})
