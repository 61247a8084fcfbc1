// cURL import: Chrome's "Copy as cURL (bash)" style, hand-written commands with each supported option,
// and malformed commands that must fail with a message naming the place or the option.
import { spawn, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { fromCurl, fromCurlMany, type RequestSpec } from '../../../shared/formats'
import { errorOf, plain, startRawRecorder, utf8ByteString } from './helpers'

const text = (request: RequestSpec) => Buffer.from(request.body).toString('utf8')
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`

describe("Chrome's Copy as cURL (bash)", () => {
  it('reads $\'...\' quoting, --data-raw, -b and line continuations', () => {
    const command = [
      "curl 'https://api.example.test/v1/items?id=7&tag=a%20b' \\",
      "  -H 'accept: application/json' \\",
      "  -H 'accept-language: en-US,en;q=0.9' \\",
      "  -H 'content-type: application/json' \\",
      "  -b 'session=abc; theme=dark' \\",
      "  -H 'origin: https://app.example.test' \\",
      "  -H 'priority: u=1, i' \\",
      `  -H 'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"' \\`,
      "  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' \\",
      "  -H $'x-note: it\\'s caf\\u00e9' \\",
      "  --data-raw $'{\"name\":\"O\\'Brien\",\"text\":\"line1\\\\nline2\",\"emoji\":\"\\u2713\",\"tab\":\"\\t\"}'",
    ].join('\n')
    const request = fromCurl(command)
    expect(request.method).toBe('POST')
    expect(request.url).toBe('https://api.example.test/v1/items?id=7&tag=a%20b')
    expect(request.headers).toEqual([
      ['Cookie', 'session=abc; theme=dark'],
      ['accept', 'application/json'],
      ['accept-language', 'en-US,en;q=0.9'],
      ['content-type', 'application/json'],
      ['origin', 'https://app.example.test'],
      ['priority', 'u=1, i'],
      ['sec-ch-ua', '"Chromium";v="131", "Not_A Brand";v="24"'],
      ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36'],
      ['x-note', utf8ByteString("it's café")],
    ])
    expect(text(request)).toBe('{"name":"O\'Brien","text":"line1\\nline2","emoji":"✓","tab":"\t"}')
  })

  it('reads -X, --compressed and --insecure as Chrome writes them for a PUT', () => {
    const request = fromCurl(
      "curl 'http://localhost:3000/api/x' \\\n  -X 'PUT' \\\n  -H 'accept-encoding: gzip' \\\n  --data-raw 'a=1' \\\n  --compressed \\\n  --insecure",
    )
    expect(request.method).toBe('PUT')
    // The explicit accept-encoding header replaces the one --compressed implies.
    expect(request.headers).toEqual([
      ['accept-encoding', 'gzip'],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    ])
    expect(text(request)).toBe('a=1')
  })
})

describe('hand-written commands', () => {
  it('reads methods in every spelling', () => {
    expect(fromCurl('curl -X PUT http://h/').method).toBe('PUT')
    expect(fromCurl('curl --request delete http://h/').method).toBe('delete')
    expect(fromCurl('curl -XPATCH http://h/').method).toBe('PATCH')
    expect(fromCurl('curl -I http://h/').method).toBe('HEAD')
    expect(fromCurl('curl --head http://h/').method).toBe('HEAD')
    expect(fromCurl('curl http://h/').method).toBe('GET')
    expect(fromCurl('curl -d x http://h/').method).toBe('POST')
    expect(fromCurl('curl -X GET --data-binary x http://h/').method).toBe('GET')
  })

  it('reads headers: -H, --header, attached values, "Name;" and "Name:" removal', () => {
    const request = fromCurl(
      `curl -H 'X-A: 1' --header "X-B:2" -H'X-C:  spaced  ' -HX-D:4 -H 'X-Empty;' -H 'X-Dup: a' -H 'x-dup: b' -A agent -H 'User-Agent:' http://h/`,
    )
    expect(request.headers).toEqual([
      ['X-A', '1'],
      ['X-B', '2'],
      ['X-C', 'spaced'],
      ['X-D', '4'],
      ['X-Empty', ''],
      ['X-Dup', 'a'],
      ['x-dup', 'b'],
    ])
  })

  it('joins -d pieces with & and adds the form Content-Type; --data-raw keeps a leading @', () => {
    const request = fromCurl(`curl -d a=1 --data 'b=2' --data-ascii c=3 --data-raw '@literal' --data-binary $'x\\ny' http://h/`)
    expect(text(request)).toBe('a=1&b=2&c=3&@literal&x\ny')
    expect(request.headers).toEqual([['Content-Type', 'application/x-www-form-urlencoded']])
    const empty = fromCurl(`curl -d '' http://h/`)
    expect(empty.method).toBe('POST')
    expect(empty.body.length).toBe(0)
  })

  it('encodes --data-urlencode in each of its forms', () => {
    const request = fromCurl(`curl --data-urlencode 'a b&c' --data-urlencode '=x=y' --data-urlencode 'name=é ~' http://h/`)
    expect(text(request)).toBe('a+b%26c&x%3Dy&name=%C3%A9+~')
  })

  it('builds a multipart body for -F and --form-string', () => {
    const request = fromCurl(
      `curl -F 'field=value' -F 'typed=hello;type=text/x-demo' -F 'quoted="a;b"' --form-string 'raw=@not-a-file' http://h/upload`,
      { boundary: 'BOUNDARY' },
    )
    expect(request.method).toBe('POST')
    expect(request.headers).toEqual([['Content-Type', 'multipart/form-data; boundary=BOUNDARY']])
    expect(text(request)).toBe(
      [
        '--BOUNDARY',
        'Content-Disposition: form-data; name="field"',
        '',
        'value',
        '--BOUNDARY',
        'Content-Disposition: form-data; name="typed"',
        'Content-Type: text/x-demo',
        '',
        'hello',
        '--BOUNDARY',
        'Content-Disposition: form-data; name="quoted"',
        '',
        'a;b',
        '--BOUNDARY',
        'Content-Disposition: form-data; name="raw"',
        '',
        '@not-a-file',
        '--BOUNDARY--',
        '',
      ].join('\r\n'),
    )
  })

  it('turns -u, -A, -e, -b, --compressed and --oauth2-bearer into headers in the order curl sends them', () => {
    const request = fromCurl(`curl -H 'X-Custom: 1' -u 'user:p@ss:word' -A 'my agent' -e 'https://ref.test/;auto' -b a=b -b 'c=d' --compressed http://h/`)
    expect(request.headers).toEqual([
      ['Authorization', basic('user:p@ss:word')],
      ['User-Agent', 'my agent'],
      ['Accept-Encoding', 'deflate, gzip, br, zstd'],
      ['Referer', 'https://ref.test/'],
      ['Cookie', 'a=b;c=d'],
      ['X-Custom', '1'],
    ])
    expect(fromCurl('curl --oauth2-bearer tok http://h/').headers).toEqual([['Authorization', 'Bearer tok']])
    // A -H header of the same name wins over the implied one, as in curl.
    expect(fromCurl(`curl -u a:b -H 'Authorization: Token x' http://h/`).headers).toEqual([['Authorization', 'Token x']])
  })

  it('moves data into the query with -G, keeping the fragment last', () => {
    const request = fromCurl(`curl -G -d a=1 --data-urlencode 'b=x y' 'http://h/search?q=1#top'`)
    expect(request.method).toBe('GET')
    expect(request.url).toBe('http://h/search?q=1&a=1&b=x+y#top')
    expect(request.body.length).toBe(0)
    expect(request.headers).toEqual([])
  })

  it('reads --url, --json, HTTP version flags, and ignores flags that do not change the request', () => {
    const request = fromCurl(`curl -sSLkv --fail -o out.json -m 5 --retry 2 --http1.0 --json '{"a":1}' --url example.test:8080/x`)
    expect(request.url).toBe('http://example.test:8080/x')
    expect(request.httpVersion).toBe('1.0')
    expect(request.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json'],
    ])
    expect(text(request)).toBe('{"a":1}')
  })

  it('reads double quotes, backslashes, comments and CRLF line ends', () => {
    const request = fromCurl(
      'curl "http://h/a b" \\\r\n  -H "X-Q: \\"q\\" \\$5 \\\\ \\x" # a comment\r\n',
    )
    expect(request.url).toBe('http://h/a b')
    expect(request.headers).toEqual([['X-Q', '"q" $5 \\ \\x']])
  })

  it("reads $'...' escapes as bytes: octal, hex, \\u and \\c", () => {
    const request = fromCurl(`curl --data-binary $'\\101\\x42\\u00e9\\377\\cA\\e' http://h/`)
    expect(plain(request.body)).toEqual(new Uint8Array([0x41, 0x42, 0xc3, 0xa9, 0xff, 0x01, 0x1b]))
  })

  it('reads bodies and headers piped in by printf or echo, and ignores what reads the output', () => {
    const request = fromCurl(`printf '%s\\n' 'hello' | curl --data-binary @- http://h/ | jq .`)
    expect(text(request)).toBe('hello\n')
    const echoed = fromCurl(`echo -n '{"a":1}' | curl -H 'Content-Type: application/json' -d @- http://h/`)
    expect(text(echoed)).toBe('{"a":1}')
    const stripped = fromCurl(`printf 'a\\r\\nb\\n' | curl -d @- http://h/`)
    expect(text(stripped)).toBe('ab')
    const headers = fromCurl(`printf 'X-A: 1\\nX-B: caf\\351\\n' | curl -H @- http://h/`)
    expect(headers.headers).toEqual([
      ['X-A', '1'],
      ['X-B', 'caf\xe9'],
    ])
  })

  it('reads a body fed by a here-document or a here-string, as in READMEs', () => {
    const quoted = fromCurlMany(`curl -X POST https://api.example.test/orders \\\n  -H 'Content-Type: application/json' \\\n  --data-binary @- <<'EOF'\n{"note": "costs $5 \`now\`",\n "path": "C:\\\\x"}\nEOF\ncurl https://api.example.test/orders`)
    expect(quoted.map((request) => `${request.method} ${request.url} ${text(request)}`)).toEqual([
      'POST https://api.example.test/orders {"note": "costs $5 `now`",\n "path": "C:\\\\x"}\n',
      'GET https://api.example.test/orders ',
    ])
    // Unquoted: \$ and \\ are read as the shell reads them; -d drops the line breaks, as curl does with @-.
    expect(text(fromCurl('curl -d @- http://h/ <<JSON\r\n{"price": "\\$5",\r\n "path": "C:\\\\x"}\r\nJSON\r\n'))).toBe('{"price": "$5", "path": "C:\\x"}')
    expect(text(fromCurl('curl --data-binary @- http://h/ <<-END\n\t{"a": 1}\n\tEND'))).toBe('{"a": 1}\n')
    expect(text(fromCurl(`curl --data-binary @- http://h/ <<< '{"a": 1}'`))).toBe('{"a": 1}\n')
  })

  it('reads several commands with fromCurlMany', () => {
    const requests = fromCurlMany(`curl http://h/1 && curl -X POST http://h/2\ncurl http://h/3; curl http://h/4`)
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET http://h/1',
      'POST http://h/2',
      'GET http://h/3',
      'GET http://h/4',
    ])
    expect(errorOf(() => fromCurl('curl http://h/1\ncurl http://h/2')).message).toMatch(/runs curl 2 times/)
  })

  it('sends the user and password of a URL as curl does: a Basic Authorization header, the URL without them, -u winning', () => {
    // As CouchDB's and Elasticsearch's documentation write them; curl decodes %XX in both.
    const couch = fromCurl('curl -X PUT http://admin:p%40ss%3Aword@127.0.0.1:5984/orders')
    expect(couch.url).toBe('http://127.0.0.1:5984/orders')
    expect(couch.headers).toEqual([['Authorization', basic('admin:p@ss:word')]])
    expect(fromCurl('curl https://elastic@localhost:9200/_cat/health').headers).toEqual([['Authorization', basic('elastic:')]])
    const schemeless = fromCurl('curl admin:secret@localhost:5984/_all_dbs')
    expect([schemeless.url, schemeless.headers]).toEqual(['http://localhost:5984/_all_dbs', [['Authorization', basic('admin:secret')]]])
    const overridden = fromCurl('curl -u admin:secret http://old:creds@h.test/x')
    expect([overridden.url, overridden.headers]).toEqual(['http://h.test/x', [['Authorization', basic('admin:secret')]]])
    // An explicit header wins over both, as with -u.
    expect(fromCurl("curl -H 'Authorization: Bearer t' http://a:b@h.test/").headers).toEqual([['Authorization', 'Bearer t']])
  })

  it('reads typographic punctuation inside quotes, and an apostrophe inside a word, as it stands', () => {
    expect(text(fromCurl("curl -d '\u201chi\u201d \u2014 \u2013x' -d msg=it\u2019s http://h/"))).toBe('\u201chi\u201d \u2014 \u2013x&msg=it\u2019s')
  })

  it('reads --request-target, also given as "$(printf …)" as cURL export writes a target that is not UTF-8', () => {
    expect(fromCurl("curl 'http://h:8/x?y' --request-target '/caf\u00e9?q=1'").url).toBe('http://h:8/caf\xc3\xa9?q=1')
    expect(fromCurl(`curl http://h/ --request-target "$(printf '/caf\\351/it\\047s%%20')"`).url).toBe("http://h/caf\xe9/it's%20")
  })

  it('reads commands copied from documentation with their "$ " prompt', () => {
    expect(fromCurl('$ curl -i https://api.github.com/users/octocat/orgs').url).toBe('https://api.github.com/users/octocat/orgs')
    const requests = fromCurlMany("$ curl -X POST http://h/1 \\\n  -d 'a=1'\n$ curl http://h/2")
    expect(requests.map((request) => `${request.method} ${request.url} ${text(request)}`)).toEqual(['POST http://h/1 a=1', 'GET http://h/2 '])
  })
})

// What Firefox's DevTools write for "Copy as cURL (POSIX)": $'...' once anything is outside printable
// ASCII, a character below U+0100 as \xNN and any other as \uNNNN per UTF-16 unit (an emoji as two).
function firefoxPosixWord(value: string): string {
  if (!/[^\x20-\x7E]|'/.test(value)) return `'${value}'`
  const escape = (ch: string) => {
    const code = ch.charCodeAt(0)
    return code < 256 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  }
  return `$'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/[^\x20-\x7E]/g, escape)}'`
}

describe("Firefox's Copy as cURL (POSIX)", () => {
  it('reads a character beyond U+FFFF written as its two UTF-16 halves (an emoji) as that character', () => {
    const body = '{"mood":"\u{1F600}","ok":"\u2713","note":"it\'s\nfine"}'
    const request = fromCurl(`curl 'https://h.test/feedback' -X POST -H 'Content-Type: application/json' --data-raw ${firefoxPosixWord(body)}`)
    expect(firefoxPosixWord(body)).toContain('\\ud83d\\ude00')
    expect(text(request)).toBe(body)
  })

  it('refuses half of such a character, naming it, instead of dropping it', () => {
    expect(errorOf(() => fromCurl("curl -d $'a\\ud83d b' http://h/")).message).toBe('"\\ud83d" is half of a character (a UTF-16 surrogate) without its other half at column 12')
    expect(errorOf(() => fromCurl("curl -d $'\\ude00' http://h/")).message).toMatch(/"\\ude00" is half of a character/)
  })
})

// What Chrome's DevTools write for "Copy as cURL (cmd)": each argument in ^"...^", everything but a
// few safe characters escaped with ^, a quote as \^", a % before a name character as %^, and a line
// break inside an argument as ^ and two line breaks; arguments on lines continued with " ^".
function chromeCmdWord(value: string): string {
  return (
    '^"' +
    value
      .replace(/\\/g, '\\\\')
      .replace(/"/g, '\\"')
      .replace(/[^a-zA-Z0-9\s_\-:=+~'/.',?;()*`]/g, '^$&')
      .replace(/%(?=[a-zA-Z0-9_])/g, '%^')
      .replace(/\r?\n/g, '^\n\n') +
    '^"'
  )
}

describe("Chrome's Copy as cURL (cmd)", () => {
  const body = '{"q":"say \\"hi\\" & bye","rate":"100%done","path":"%PATH%","caret":"^","pipe":"a|b<c>d","emoji":"caf\u00e9 \u2713",\n"next":"line"}'
  const command = (url: string, data: string) =>
    ['curl ' + chromeCmdWord(url), '-H ' + chromeCmdWord('accept: */*'), '-H ' + chromeCmdWord('content-type: application/json'), '--data-raw ' + chromeCmdWord(data)].join(' ^\n  ')

  it('reads the request exactly as curl.exe would send it', () => {
    const request = fromCurl(command('https://api.example.test/v1/items?x=1&y=%20z', body))
    expect(request.method).toBe('POST')
    expect(request.url).toBe('https://api.example.test/v1/items?x=1&y=%20z')
    expect(request.headers).toEqual([
      ['accept', '*/*'],
      ['content-type', 'application/json'],
    ])
    expect(text(request)).toBe(body)
  })

  it('reads "Copy all as cURL (cmd)" as one request per command, with Windows line ends', () => {
    const all = [command('https://h.test/1', 'a=1'), command('https://h.test/2', 'b=2')].join(' &\n').replace(/\n/g, '\r\n')
    const requests = fromCurlMany(all)
    expect(requests.map((request) => `${request.method} ${request.url} ${text(request)}`)).toEqual(['POST https://h.test/1 a=1', 'POST https://h.test/2 b=2'])
  })

  it('reads curl.exe commands with Windows quoting: a doubled quote inside quotes is one quote', () => {
    // As Firefox's "Copy as cURL (Windows)" writes them: a quote doubled, a % as "%".
    const request = fromCurl('curl.exe "https://h.test/hooks" -X POST -H "Content-Type: application/json" --data-raw "{""event"":""paid"",""rate"":""5"%"""}"')
    expect(request.url).toBe('https://h.test/hooks')
    expect(text(request)).toBe('{"event":"paid","rate":"5%"}')
  })

  it('reads the backtick escapes of curl.exe commands for PowerShell: `$ as Firefox writes every $, `" and `` typed there, and ` ending a line', () => {
    // Firefox's "Copy as cURL (Windows)": every $ as `$ (PowerShell would expand it), a quote doubled.
    const firefox = fromCurl('curl.exe "https://h.test/hooks" ^\n  -X POST ^\n  --data-raw "{""price"":""`$5"",""query"":""`$filter""}"')
    expect(text(firefox)).toBe('{"price":"$5","query":"$filter"}')
    // Typed for PowerShell: `" inside a double-quoted argument, `` for a backtick, lines continued with `.
    const typed = fromCurl('curl.exe -X POST `\r\n  -H "X-Cost: `$10" `\n  -d "{`"total`":`"`$10`",`"note`":`"a``b`"}" https://h.test/pay')
    expect(typed.url).toBe('https://h.test/pay')
    expect(typed.headers[0]).toEqual(['X-Cost', '$10'])
    expect(text(typed)).toBe('{"total":"$10","note":"a`b"}')
  })

  it("reads commands typed for PowerShell: single-quoted arguments as they stand, and PowerShell 7's curl with lines continued by a backtick", () => {
    // A single-quoted argument is one word, whatever it holds; a quote inside is doubled.
    const typed = fromCurl(`curl.exe -X POST 'https://h.test/pay' -H 'Content-Type: application/json' -H 'X-Note: it''s "quoted" & $5' -d '{"total": 10}'`)
    expect(typed.url).toBe('https://h.test/pay')
    expect(typed.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['X-Note', 'it\'s "quoted" & $5'],
    ])
    expect(text(typed)).toBe('{"total": 10}')
    // PowerShell 7's "curl" is curl.exe; its lines continue with a backtick.
    const continued = fromCurl("curl -X POST https://h.test/hooks `\r\n  -H 'Content-Type: application/json' `\r\n  -d '{\"event\": \"paid\"}' `\r\n  --data-raw ''")
    expect(continued.url).toBe('https://h.test/hooks')
    expect(continued.headers).toEqual([['Content-Type', 'application/json']])
    expect(text(continued)).toBe('{"event": "paid"}&')
  })

  it('reads the C runtime\'s quoting: "" inside quotes, and backslashes before a quote', () => {
    const request = fromCurl('curl.exe ^"https://h.test/^" ^\n  -H "X-Q: say ""hi""" -d "a\\\\\\"b\\\\" -d c\\d')
    expect(request.headers).toEqual([
      ['X-Q', 'say "hi"'],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    ])
    expect(text(request)).toBe('a\\"b\\&c\\d')
  })
})

describe('malformed commands', () => {
  it.each([
    ["curl 'http://h/", /unterminated single quote at column 6/],
    ['curl "http://h/', /unterminated double quote at column 6/],
    ["curl http://h/ \\\n  -H 'X: 1' \\\n  -d 'open", /unterminated single quote at line 3, column 6/],
    ["curl $'abc", /unterminated \$'...' quote at column 6/],
    ['curl -d @body.json http://h/', /-d @body\.json reads a file, which cannot be read here/],
    ['curl --data-binary @/tmp/x http://h/', /--data-binary @\/tmp\/x reads a file/],
    ['curl -F avatar=@photo.png http://h/', /-F avatar=@photo\.png reads a file, which cannot be read here; paste the content as a field instead \(--form-string "name=content"\)/],
    ['curl -H @headers.txt http://h/', /^-H @headers\.txt reads headers from a file, which cannot be read here; write each header as its own -H "Name: value" instead \(at column 9\)$/],
    ['curl -b cookies.txt http://h/', /-b "cookies\.txt" reads cookies from a file/],
    ['curl -T upload.bin http://h/', /-T upload\.bin uploads a file/],
    ['curl --data-binary @- http://h/', /reads the standard input, but the command pipes nothing into curl/],
    ['curl --frobnicate http://h/', /unknown curl option --frobnicate at column 6/],
    ['curl -Q http://h/', /unknown curl option -Q/],
    ['curl --request=POST http://h/', /unknown curl option --request=POST \(curl takes the value as the next word: --request POST\)/],
    ['curl --digest -u a:b http://h/', /--digest is not supported: Digest authentication/],
    ['curl -u admin http://h/', /-u "admin" has no password/],
    ['curl -H', /option -H needs a value/],
    ["curl -H 'nocolon' http://h/", /-H "nocolon" is not a header/],
    ['curl -X POST', /has no URL/],
    ['curl http://h/1 http://h/2', /more than one URL \("http:\/\/h\/2" at column 17\)/],
    ['curl -H "Authorization: Bearer $TOKEN" http://h/', /shell expansion "\$T" is not supported .* at column 32/],
    ['curl -d "$(cat body.json)" http://h/', /shell expansion "\$\(" is not supported/],
    ['curl -d "$(printf \'a\')$(id)" http://h/', /shell expansion "\$\(" is not supported .* at column 23$/],
    ["curl -d $(printf 'a') http://h/", /shell expansion "\$\(" is not supported .* at column 9$/],
    ["curl --request-target '*' http://h/", /--request-target "\*": only a path \(starting with "\/"\) can be imported/],
    ['curl -d `cat body.json` http://h/', /command substitution "`" is not supported at column 9/],
    ['wget http://h/', /Only curl commands .* found "wget" at column 1/],
    ['curl -F a=1 -d b=2 http://h/', /-F and -d cannot be combined/],
    ['', /No curl command found/],
    ["printf '%d' 5 | curl -d @- http://h/", /printf conversion "%d" is not supported/],
    ["curl --data-raw $'a\\0b' http://h/", /NUL byte/],
    ["curl.exe -X POST https://h/x `\n  -d '{\"a\": 1}", /unterminated single quote at line 2, column 6/],
    ['curl -d @- http://h/ <<EOF\n{"user": "$USER"}\nEOF', /^shell expansion "\$U" in a here-document is not supported \(write <<'EOF' to take its text as it stands\) at line 2, column 11$/],
    ['curl -d @- http://h/ <<EOF\n{"a": 1}\n', /^the here-document "EOF" has no line "EOF" that ends it at line 1, column 22$/],
    // The command's words are quoted as typed, beyond ASCII too.
    ["curl -H 'caf\u00e9 cr\u00e8me' http://h/", /^-H "caf\u00e9 cr\u00e8me" is not a header: expected "Name: value" \(at column 9\)$/],
    ['curl http://h/ \u2713', /^The curl command has more than one URL \("\u2713" at column 16\)/],
    // Punctuation an editor or a chat app put in place of what was typed.
    ['curl -X POST https://h/x -H \u201cContent-Type: application/json\u201d', /^a typographic quote \u201c, which the shell does not take for a quote: write " instead \(an editor or a chat app may have put it there\) at column 29$/],
    ["curl \u2014data-raw 'a=1' \u2013H 'X: 1' https://h/x", /^a typographic dash in "\u2014data-raw", which curl does not take for an option: write "--data-raw" instead .* at column 6$/],
    ["curl \u2013H 'X: 1' https://h/x", /^a typographic dash in "\u2013H", which curl does not take for an option: write "-H" instead .* at column 6$/],
    ['curl\u00a0https://h/x', /^a non-breaking space, which the shell takes as part of a word: write a plain space instead .* at column 5$/],
    // Spaces copied after a line's continuation end the command there, in each shell.
    ["curl -X POST https://h/x \\  \n  -H 'X: 1'", /^a backslash followed by spaces does not continue the command on the next line \(remove the spaces after it\) at line 1, column 26$/],
    ['curl ^"https://h/x^" ^\t\r\n  -H ^"X: 1^"', /^a "\^" followed by spaces does not continue the command on the next line \(remove the spaces after it\) at line 1, column 22$/],
    ["curl.exe https://h/x ` \n  -H 'X: 1'", /^a "`" followed by spaces does not continue the command on the next line \(remove the spaces after it\) at line 1, column 22$/],
    ['curl ^"https://h/x^" ^\n  -d ^"a=1^" | more', /"\|" \(a pipe or redirection\) is not supported in a cmd command at line 2, column 14/],
    ['curl ^"https://h/x^" ^\n  -d ^@body.json', /-d @body\.json reads a file, which cannot be read here.*at line 2, column 6/],
    ['curl ^"https://h/x^" ^\n  -H ^"a: b^" &\r\nwget ^"https://h/y^"', /Only curl commands can be imported; found "wget" at line 3, column 1/],
  ])('%s', (command, message) => {
    expect(errorOf(() => fromCurl(command)).message).toMatch(message)
  })
})

// curl itself is the judge: the request an imported command makes is the one curl sends for it.
describe('a URL with bytes beyond ASCII in its path', () => {
  const curlHere = spawnSync('curl', ['--version']).status === 0
  it('is sent on a replay as curl sends it: the path percent-encoded, the query as it is', async () => {
    if (!curlHere) {
      console.log('curl is not installed here: compared with what curl 7.88 sends instead')
    }
    const raw = await startRawRecorder()
    try {
      for (const [path, curlSends] of [
        ['/caf\u00e9/\u2713?q=\u00e9&a=b', '/caf%c3%a9/%e2%9c%93?q=\u00c3\u00a9&a=b'],
        ['/plain/path?x=%zz', '/plain/path?x=%zz'],
      ] as const) {
        const url = `${raw.origin}${path}`
        let sent = curlSends as string
        if (curlHere) {
          const head = raw.nextHead()
          // Not spawnSync: the recorder answering curl runs in this process.
          const curl = spawn('curl', ['-s', '-S', '-o', '/dev/null', url], { stdio: ['ignore', 'ignore', 'pipe'] })
          let stderr = ''
          curl.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
          const status = await new Promise<number | null>((resolve) => curl.on('close', resolve))
          expect(status, stderr).toBe(0)
          sent = (await head).split('\r\n')[0]!.replace(/^GET (.*) HTTP\/1\.1$/, '$1')
        }
        const imported = fromCurl(`curl '${url}'`)
        // Hex digits in either case are the same bytes to a server.
        const hexCase = (target: string) => target.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase())
        expect(hexCase(imported.url.slice(raw.origin.length))).toBe(hexCase(sent))
      }
    } finally {
      await raw.close()
    }
  })
})
