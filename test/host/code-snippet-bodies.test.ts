// Copy as code sends the body byte for byte: a webhook's signature covers its exact bytes, so a
// snippet that re-serializes a JSON body, re-encodes a form or adds a newline makes the copied request
// fail its signature check. Every snippet the code sheet offers is run for real against a recording
// server where its interpreter is on this machine (node always; python3 with requests, Go, Ruby, PHP
// with curl, HTTPie and Wget where installed), and the body it sent is compared with the stored one.
// For the languages that cannot run here (Java, C#, PowerShell) the body expression in the snippet is
// read back by that language's rules. Where a language cannot send a body as stored it must offer no
// snippet and say why.
import { execFile, execFileSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeSnippet, SNIPPET_LANGUAGES, type SnippetLanguage } from '../../renderer/src/export/code-snippet'
import type { HeaderPair, RequestSpec } from '../../shared/formats/types'
import { plain, removeDir, startRecorder, tempDir, type Recorder } from '../shared/formats/helpers'

let recorder: Recorder
let dir = ''

beforeAll(async () => {
  recorder = await startRecorder((_req, res) => {
    res.setHeader('Content-Type', 'application/json')
    res.end('{}')
  })
  dir = await tempDir('hookscope-snippet-bodies-')
})

afterAll(async () => {
  await recorder?.close()
  await removeDir(dir)
})

function have(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((folder) => existsSync(path.join(folder, command)))
}

function works(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 20_000 })
    return true
  } catch {
    return false
  }
}

function axiosUrl(): string | null {
  try {
    return pathToFileURL(createRequire(path.join(process.cwd(), 'package.json')).resolve('axios')).href
  } catch {
    return null
  }
}

interface Runner {
  file: string
  /** Why it cannot run here, or null. */
  missing: () => string | null
  command: (file: string) => [string, string[]]
  adapt?: (code: string) => string
}

const RUNNERS: Partial<Record<SnippetLanguage, Runner>> = {
  'javascript:fetch': { file: 'snippet.mjs', missing: () => null, command: (file) => [process.execPath, [file]] },
  'node:fetch': { file: 'snippet.mjs', missing: () => null, command: (file) => [process.execPath, [file]] },
  'node:axios': {
    file: 'snippet.mjs',
    missing: () => (axiosUrl() ? null : 'axios is not installed'),
    command: (file) => [process.execPath, [file]],
    adapt: (code) => code.replace(/^import axios from 'axios';$/m, `import axios from '${axiosUrl()}';`),
  },
  'python:requests': {
    file: 'snippet.py',
    missing: () => (have('python3') && works('python3', ['-c', 'import requests']) ? null : 'python3 with requests is not installed'),
    command: (file) => ['python3', [file]],
  },
  'go:native': { file: 'snippet.go', missing: () => (have('go') ? null : 'go is not installed'), command: (file) => ['go', ['run', file]] },
  'ruby:native': { file: 'snippet.rb', missing: () => (have('ruby') ? null : 'ruby is not installed'), command: (file) => ['ruby', [file]] },
  'php:curl': {
    file: 'snippet.php',
    missing: () => (have('php') && works('php', ['-r', 'exit(function_exists("curl_init") ? 0 : 1);']) ? null : 'php with curl is not installed'),
    command: (file) => ['php', [file]],
  },
  'shell:httpie': { file: 'snippet.sh', missing: () => (have('http') ? null : 'HTTPie is not installed'), command: (file) => ['sh', [file]] },
  'shell:wget': { file: 'snippet.sh', missing: () => (have('wget') ? null : 'wget is not installed'), command: (file) => ['sh', [file]] },
}

const missingCache = new Map<SnippetLanguage, string | null>()
function missing(language: SnippetLanguage): string | null {
  if (!missingCache.has(language)) missingCache.set(language, RUNNERS[language]!.missing())
  return missingCache.get(language)!
}

async function runSnippet(language: SnippetLanguage, code: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const runner = RUNNERS[language]!
  const work = await mkdtemp(path.join(dir, 'run-'))
  const file = path.join(work, runner.file)
  await writeFile(file, runner.adapt ? runner.adapt(code) : code)
  const [command, args] = runner.command(file)
  return new Promise((resolve) => {
    execFile(command, args, { cwd: work, timeout: 60_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** Runs a snippet where its language is installed; where not, says so in the output and gives null. */
async function runIfInstalled(language: SnippetLanguage, code: string): Promise<{ code: number; stdout: string; stderr: string } | null> {
  const why = missing(language)
  if (why !== null) {
    console.log(`${language}: not run, ${why}`)
    return null
  }
  return runSnippet(language, code)
}

/** Reads back the body a snippet of a language that cannot run here would send. */
function bodyWritten(language: SnippetLanguage, code: string): Uint8Array {
  const encode = (text: string) => new TextEncoder().encode(text)
  // These languages' string escapes include all of JSON's, with the same meaning.
  const jsonLiteral = (pattern: RegExp) => {
    const match = pattern.exec(code)
    expect(match, code).not.toBeNull()
    return encode(JSON.parse(match![1]!) as string)
  }
  if (language === 'java:okhttp') return jsonLiteral(/RequestBody\.create\(mediaType, ("(?:[^"\\\n]|\\.)*")\.getBytes\(java\.nio\.charset\.StandardCharsets\.UTF_8\)\);/)
  if (language === 'csharp:httpclient') return jsonLiteral(/Content = new StringContent\(("(?:[^"\\\n]|\\.)*")\)\n/)
  if (language === 'powershell:webrequest') {
    const base64 = /-Body \(\[System\.Convert\]::FromBase64String\('([A-Za-z0-9+/=]*)'\)\)$/.exec(code)
    if (base64) return new Uint8Array(Buffer.from(base64[1]!, 'base64'))
    // Single-quoted: nothing is special but the quote, doubled.
    const quoted = /-Body \(\[System\.Text\.Encoding\]::UTF8\.GetBytes\('((?:[^']|'')*)'\)\)$/.exec(code)
    expect(quoted, code).not.toBeNull()
    expect(quoted![1]!, code).toMatch(/^[\x20-\x7e]*$/)
    return encode(quoted![1]!.replace(/''/g, "'"))
  }
  throw new Error(`no reader for ${language}`)
}

const SECRET = 'whsec_test'
const text = (value: string) => new TextEncoder().encode(value)

interface Fixture {
  name: string
  method?: string
  contentType: string | null
  body: Uint8Array
  /** Languages that may offer no snippet for this body (every other one must). */
  mayRefuse: SnippetLanguage[]
}

const FIXTURES: Fixture[] = [
  {
    name: 'pretty-printed JSON as Stripe signs it',
    contentType: 'application/json; charset=utf-8',
    body: text(
      '{\n  "id": "evt_1",\n  "amount": 1.0,\n  "big": 12345678901234567890,\n  "ratio": 1e2,\n' +
        '  "note": "caf\u00e9 \ud83c\udf89 \\"quoted\\" back\\\\slash line\\nnext \\u00e9 $x #{y} #@z it\'s 100% </script>",\n' +
        '  "sep": "\u2028\u2029\ufeff",\n  "empty": {},\n  "list": [ 1 , 2 ]\n}\n',
    ),
    mayRefuse: [],
  },
  {
    name: 'a form, encoded as the sender chose',
    contentType: 'application/x-www-form-urlencoded',
    body: text('amount=1.0&note=a+b%20c&note=d&empty=&utf=%C3%A9&raw=é&pct=%7e'),
    mayRefuse: [],
  },
  {
    name: 'JSON with whitespace around it, and JSON that does not parse',
    contentType: 'application/json',
    body: text('  {"a": 1,}\n\n'),
    mayRefuse: [],
  },
  {
    name: 'multipart with CRLF line ends',
    contentType: 'multipart/form-data; boundary=XyZ',
    body: text('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1.0\r\n--XyZ--\r\n'),
    mayRefuse: ['shell:wget'],
  },
  {
    name: 'text with tabs, NUL and escape characters',
    contentType: 'text/plain',
    body: text('a\tb\0c\x1b[31md\x7f\\e\\u0041 \\x41 {$x} \u2018q\u2019\n'),
    mayRefuse: ['shell:wget'],
  },
  {
    name: 'no Content-Type',
    contentType: null,
    body: text('plain body'),
    mayRefuse: [],
  },
  {
    name: 'PUT',
    method: 'PUT',
    contentType: 'application/json',
    body: text('{"put": 1.50}'),
    mayRefuse: [],
  },
  {
    name: 'binary',
    contentType: 'application/octet-stream',
    body: Uint8Array.from({ length: 256 }, (_, i) => i),
    mayRefuse: ['java:okhttp', 'csharp:httpclient', 'shell:wget'],
  },
  {
    name: 'binary without Content-Type',
    contentType: null,
    body: Uint8Array.from({ length: 512 }, (_, i) => (i * 37) % 256),
    mayRefuse: ['java:okhttp', 'csharp:httpclient', 'shell:wget'],
  },
  {
    name: 'GET with a body',
    method: 'GET',
    contentType: 'application/json',
    body: text('{"get": true}'),
    mayRefuse: ['javascript:fetch', 'node:fetch', 'java:okhttp', 'powershell:webrequest'],
  },
]

/** Clients that cannot send a body without a Content-Type: they add a form's. */
const CLIENTS_ADDING_A_TYPE: string[] = ['ruby:native', 'shell:wget', 'powershell:webrequest']

function signedRequest(fixture: Fixture, target: string): RequestSpec {
  const timestamp = 1700000000
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.`).update(fixture.body).digest('hex')
  const headers: HeaderPair[] = [['Host', `127.0.0.1:${recorder.port}`]]
  if (fixture.contentType !== null) headers.push(['Content-Type', fixture.contentType])
  headers.push(['Stripe-Signature', `t=${timestamp},v1=${signature}`], ['Content-Length', String(fixture.body.length)])
  return { method: fixture.method ?? 'POST', url: recorder.origin + target, httpVersion: '1.1', headers, body: fixture.body }
}

/** What a Stripe endpoint checks: the HMAC of the timestamp and the body bytes as received. */
function signatureHolds(headers: HeaderPair[], body: Uint8Array): boolean {
  const header = headers.find(([name]) => name.toLowerCase() === 'stripe-signature')?.[1] ?? ''
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
  return match !== null && createHmac('sha256', SECRET).update(`${match[1]}.`).update(body).digest('hex') === match[2]
}

// Concurrent: each snippet sends to a target of its own, where its request is found.
describe.concurrent('copy as code sends the body as stored', () => {
  let count = 0
  for (const fixture of FIXTURES) {
    for (const { id } of SNIPPET_LANGUAGES) {
      if (id === 'http:http1.1') continue
      const target = `/hooks/stripe?case=${++count}`
      it(`${id}, ${fixture.name}`, { timeout: 120_000 }, async ({ expect }) => {
        const request = signedRequest(fixture, target)
        const { code, warnings } = codeSnippet(request, id)
        if (code === '') {
          expect(fixture.mayRefuse, warnings.join(' ')).toContain(id)
          expect(warnings.join(' ')).toMatch(/so this request has no .+ snippet: copy it as cURL or in another language\.$/)
          return
        }
        // A client that adds a Content-Type of its own to a body sent without one says so.
        const addsType = fixture.contentType === null && CLIENTS_ADDING_A_TYPE.includes(id)
        expect(warnings).toEqual(addsType ? [expect.stringMatching(/^The request has no Content-Type; .+ sends its body with Content-Type: application\/x-www-form-urlencoded\.$/)] : [])
        const runner = RUNNERS[id]
        if (!runner) {
          expect(plain(bodyWritten(id, code))).toEqual(plain(fixture.body))
          return
        }
        const result = await runIfInstalled(id, code)
        if (!result) return
        expect(result.code, `${result.stderr}\n${code}`).toBe(0)
        // The client waits for the answer, which the recorder gives once it holds the whole request.
        const arrived = recorder.received.filter((recorded) => recorded.target === target)
        expect(arrived.length, `${result.stderr}\n${code}`).toBe(1)
        const received = arrived[0]!
        expect(received.method).toBe(request.method)
        expect(plain(received.body), code).toEqual(plain(fixture.body))
        expect(signatureHolds(received.headers, received.body)).toBe(true)
        const types = received.headers.filter(([name]) => name.toLowerCase() === 'content-type').map(([, value]) => value)
        expect(types, code).toEqual(fixture.contentType !== null ? [fixture.contentType] : addsType ? ['application/x-www-form-urlencoded'] : [])
      })
    }
  }
})

// A header sent twice, and a path a URL parser reads otherwise than it came: each snippet, run, sends
// every value of the header (on one line, which HTTP reads alike), and the sheet says what it changes.
describe.concurrent('copy as code with a repeated header and a path with dot segments', () => {
  let count = 0
  for (const { id } of SNIPPET_LANGUAGES) {
    if (id === 'http:http1.1') continue
    const n = ++count
    it(id, { timeout: 120_000 }, async ({ expect }) => {
      const body = text('{"a": 1}')
      const request: RequestSpec = {
        method: 'POST',
        url: `${recorder.origin}/hooks/repeated-${n}/./x/../y?q=it's`,
        httpVersion: '1.1',
        headers: [
          ['Host', `127.0.0.1:${recorder.port}`],
          ['X-Dup', 'one'],
          ['Content-Type', 'application/json'],
          ['X-Dup', 'two'],
          ['Content-Length', String(body.length)],
        ],
        body,
      }
      const { code, warnings } = codeSnippet(request, id)
      expect(code).not.toBe('')
      expect(warnings).toEqual([
        `The snippet’s URL is the request’s as a URL parser reads it: its path and query “/hooks/repeated-${n}/./x/../y?q=it's” are sent as “/hooks/repeated-${n}/y?q=it%27s”. Copy it as cURL to send them as they came.`,
        '“X-Dup” came 2 times; the snippet sends it once, its values joined as “one, two”, which HTTP reads alike.',
        // X-Dup came before Content-Type.
        ...(id === 'php:curl' || id === 'shell:httpie' ? [expect.stringMatching(/ lists the headers in alphabetical order, not in the order they came\./)] : []),
      ])
      const runner = RUNNERS[id]
      if (!runner) {
        expect(code).toMatch(/one, two/)
        return
      }
      const result = await runIfInstalled(id, code)
      if (!result) return
      expect(result.code, `${result.stderr}\n${code}`).toBe(0)
      const arrived = recorder.received.filter((recorded) => recorded.target === `/hooks/repeated-${n}/y?q=it%27s`)
      expect(arrived.length, `${result.stderr}\n${code}`).toBe(1)
      expect(arrived[0]!.headers.filter(([name]) => name.toLowerCase() === 'x-dup').map(([, value]) => value), code).toEqual(['one, two'])
      expect(plain(arrived[0]!.body)).toEqual(plain(body))
    })
  }
})

// The code sheet writes a snippet on the page's thread as it opens: a large binary body (the sheet
// takes up to 16 MB) must not hold the page for seconds, and is still sent byte for byte.
describe('copy as code with a large binary body', () => {
  it('writes the Go, Python, Ruby and PHP snippets of 8 MB in moments (PHP’s of 8 MB of text too), and Python’s sends every byte', { timeout: 120_000 }, async () => {
    const body = new Uint8Array(8 * 1024 * 1024)
    for (let i = 0; i < body.length; i++) body[i] = (i * 131 + (i >> 8)) & 0xff
    const request = signedRequest({ name: 'large binary', contentType: 'application/octet-stream', body, mayRefuse: [] }, '/hooks/large-binary')
    // CPU time of this test's process, so that other work on the machine does not count against it.
    const started = process.cpuUsage()
    const snippets = (['go:native', 'python:requests', 'ruby:native', 'php:curl'] as const).map((id) => codeSnippet(request, id))
    const textBody = text('{"log": "' + 'line\\n$x '.repeat(800 * 1024) + '"}')
    const php = codeSnippet(signedRequest({ name: 'large text', contentType: 'application/json', body: textBody, mayRefuse: [] }, '/hooks/large-text'), 'php:curl')
    // Written a byte at a time into one string, these took 15 s and more here; from a table, about one.
    const spent = process.cpuUsage(started)
    expect((spent.user + spent.system) / 1000).toBeLessThan(6000)
    for (const { code } of snippets) expect(code).toContain('\\x00\\x83')
    expect(php.code).toContain('{\\"log\\": \\"line\\\\n\\$x line')
    const result = await runIfInstalled('python:requests', snippets[1]!.code)
    if (!result) return
    expect(result.code, result.stderr).toBe(0)
    const arrived = recorder.received.filter((recorded) => recorded.target === '/hooks/large-binary')
    expect(arrived).toHaveLength(1)
    expect(Buffer.compare(arrived[0]!.body, Buffer.from(body))).toBe(0)
  })
})

// What a client does to the headers' case and order is said in the sheet, and the sheet is right:
// each snippet, run, sends them as its warning says.
describe.concurrent('copy as code says what a client does to header case and order', () => {
  const cases = [
    { id: 'go:native', note: 'Go (net/http) sends header names in its own case: “x-lower” as “X-Lower”, “X-GitHub-Event” as “X-Github-Event”. Copy it as cURL to keep their case.' },
    { id: 'ruby:native', note: 'Ruby (net/http) sends header names in its own case: “x-lower” as “X-Lower”, “X-GitHub-Event” as “X-Github-Event”. Copy it as cURL to keep their case.' },
    { id: 'php:curl', note: 'PHP (cURL) lists the headers in alphabetical order, not in the order they came. Copy it as cURL to keep their order.' },
    { id: 'shell:httpie', note: 'HTTPie lists the headers in alphabetical order, not in the order they came. Copy it as cURL to keep their order.' },
    { id: 'python:requests', note: null },
  ] as const
  for (const { id, note } of cases) {
    it(id, { timeout: 120_000 }, async ({ expect }) => {
      const body = text('{"a": 1}')
      const target = `/hooks/header-case-${id.replace(':', '-')}`
      const request: RequestSpec = {
        method: 'POST',
        url: `${recorder.origin}${target}`,
        httpVersion: '1.1',
        headers: [
          ['Host', `127.0.0.1:${recorder.port}`],
          ['X-B', '1'],
          ['x-lower', '2'],
          ['X-GitHub-Event', 'push'],
          ['Content-Type', 'application/json'],
          ['Content-Length', String(body.length)],
        ],
        body,
      }
      const { code, warnings } = codeSnippet(request, id)
      expect(warnings).toEqual(note === null ? [] : [note])
      const result = await runIfInstalled(id, code)
      if (!result) return
      expect(result.code, `${result.stderr}\n${code}`).toBe(0)
      const arrived = recorder.received.filter((recorded) => recorded.target === target)
      expect(arrived.length, code).toBe(1)
      const ours = arrived[0]!.headers.map(([name]) => name).filter((name) => /^(x-b|x-lower|x-github-event|content-type)$/i.test(name))
      if (id === 'go:native' || id === 'ruby:native') expect(ours.sort()).toEqual(['Content-Type', 'X-B', 'X-Github-Event', 'X-Lower'])
      else if (id === 'python:requests') expect(ours).toEqual(['X-B', 'x-lower', 'X-GitHub-Event', 'Content-Type'])
      else expect(ours.map((name) => name.toLowerCase())).toEqual(['content-type', 'x-b', 'x-github-event', 'x-lower'])
    })
  }
})
