// Copy as code, run: every snippet the code sheet offers is generated for requests a hostile sender
// shaped, and then run (JavaScript and Node with node, HTTPie and Wget with bash, Python with python3)
// with the HTTP client replaced by a recorder. The snippet must send exactly what was captured and run
// nothing the sender wrote; where a generator cannot promise that, the sheet offers no snippet.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeSnippet, SNIPPET_LANGUAGES, type SnippetLanguage } from '../../renderer/src/export/code-snippet'
import type { RequestSpec } from '../../shared/formats/types'

let dir = ''
let marker = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hookscope-snippets-'))
  marker = path.join(dir, 'RAN')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function run(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: { ...process.env, ...env }, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 }),
    )
  })
}

function have(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((folder) => existsSync(path.join(folder, command)))
}

/** Payloads that run `touch <marker>` if a language takes them as code. */
const hostile = () => {
  const js = `'+require('child_process').execSync('touch ${marker}')+'`
  const sh = `$(touch ${marker})\`touch ${marker}\`'; touch ${marker}; '`
  const py = `"+__import__('os').system('touch ${marker}')+"`
  const misc = `\\'\\"\\\\ \${system('touch ${marker}')} #{system('touch ${marker}')} {$x} $(touch ${marker})`
  return { js, sh, py, misc, all: `${js} ${sh} ${py} ${misc}` }
}

function requests(): Array<{ name: string; request: RequestSpec; headerValue: string; bodyText: string }> {
  const h = hostile()
  const headerValue = h.all
  const text = `plain ${h.all}\nsecond line`
  const json = JSON.stringify({ [h.js]: h.py, note: h.sh, nested: [h.misc, { "k'\\": 1 }] })
  const base = (contentType: string, body: string): RequestSpec => ({
    method: 'POST',
    url: `http://127.0.0.1:9/hook'+require('child_process').execSync('touch ${marker}')+'/$(touch)/"\`?q='1'&r=$(touch ${marker})#{frag}`,
    headers: [
      ['Content-Type', contentType],
      ['X-Payload', headerValue],
    ],
    body: new TextEncoder().encode(body),
    httpVersion: '1.1',
  })
  // Without backslashes, a set every generator writes out (the ones above stop some).
  const quotes = `${h.js} ${h.sh} ${h.py} \${system('touch ${marker}')} #{system('touch ${marker}')}`.replace(/\\/g, '')
  const quotesText = `plain ${quotes}\nsecond line`
  const quotesJson = JSON.stringify({ [h.js]: h.py, note: h.sh })
  return [
    { name: 'text body', request: base('text/plain', text), headerValue, bodyText: text },
    { name: 'JSON body', request: base('application/json', json), headerValue, bodyText: json },
    { name: 'quotes only, text body', request: { ...base('text/plain', quotesText), headers: [['Content-Type', 'text/plain'], ['X-Payload', quotes]] }, headerValue: quotes, bodyText: quotesText },
    { name: 'quotes only, JSON body', request: { ...base('application/json', quotesJson), headers: [['Content-Type', 'application/json'], ['X-Payload', quotes]] }, headerValue: quotes, bodyText: quotesJson },
  ]
}

interface Sent {
  url: string
  headers: Record<string, string>
  body: string
}

/** Run a snippet with its HTTP client replaced by one that prints what it was asked to send. */
async function runSnippet(language: SnippetLanguage, code: string): Promise<Sent | 'skipped'> {
  const work = await mkdtemp(path.join(dir, 'run-'))
  if (language === 'javascript:fetch' || language === 'node:fetch' || language === 'node:axios') {
    const recorder = `const __record = (url, o) => { const b = o.body ?? o.data; console.log(JSON.stringify({ url, headers: o.headers, body: typeof b === 'string' ? b : JSON.stringify(b) })) }
globalThis.fetch = (url, o) => { __record(url, o); return new Promise(() => {}) }
const axios = { request: (o) => { __record(o.url, o); return new Promise(() => {}) } }
`
    await writeFile(path.join(work, 'snippet.cjs'), recorder + code.replace(/^import axios from 'axios';$/m, ''))
    const result = await run(process.execPath, ['snippet.cjs'], work)
    expect(result.stderr, code).toBe('')
    return JSON.parse(result.stdout) as Sent
  }
  if (language === 'shell:httpie' || language === 'shell:wget') {
    const recorder = `http() { node -e 'let i="";process.stdin.on("data",d=>i+=d).on("end",()=>console.log(JSON.stringify({tool:"http",args:process.argv.slice(1),stdin:i})))' -- "$@"; }
wget() { node -e 'console.log(JSON.stringify({tool:"wget",args:process.argv.slice(1)}))' -- "$@"; }
`
    await writeFile(path.join(work, 'snippet.sh'), recorder + code)
    const result = await run('bash', ['snippet.sh'], work)
    expect(result.stderr, code).toBe('')
    const out = JSON.parse(result.stdout) as { tool: string; args: string[]; stdin?: string }
    if (out.tool === 'http') {
      const headers: Record<string, string> = {}
      for (const arg of out.args.slice(2)) headers[arg.slice(0, arg.indexOf(':'))] = arg.slice(arg.indexOf(':') + 1)
      return { url: out.args[1]!, headers, body: out.stdin! }
    }
    const headers: Record<string, string> = {}
    let body = ''
    for (let i = 0; i < out.args.length; i++) {
      if (out.args[i] === '--header') {
        const header = out.args[++i]!
        headers[header.slice(0, header.indexOf(':'))] = header.slice(header.indexOf(':') + 2)
      } else if (out.args[i] === '--body-data') body = out.args[++i]!
    }
    return { url: out.args[out.args.length - 1]!, headers, body }
  }
  if (language === 'python:requests') {
    if (!have('python3')) return 'skipped'
    await writeFile(
      path.join(work, 'requests.py'),
      `import json\ndef _record(url, data=None, headers=None, **rest):\n    print(json.dumps({"url": url, "headers": headers, "body": data.decode("utf-8") if isinstance(data, bytes) else data if isinstance(data, str) else json.dumps(data if data is not None else rest.get("json"))}))\nclass _Response:\n    text = ''\ndef post(url, **kw):\n    _record(url, **kw)\n    return _Response()\ndef request(method, url, **kw):\n    _record(url, **kw)\n    return _Response()\n`,
    )
    await writeFile(path.join(work, 'snippet.py'), code)
    const result = await run('python3', ['snippet.py'], work, { PYTHONDONTWRITEBYTECODE: '1' })
    expect(result.stderr, code).toBe('')
    return JSON.parse(result.stdout) as Sent
  }
  return 'skipped'
}

const RUNNABLE = new Set<SnippetLanguage>(['javascript:fetch', 'node:fetch', 'node:axios', 'shell:httpie', 'shell:wget', 'python:requests'])
/** Languages whose string literals are JSON's: every captured value must appear as JSON would quote it. */
const JSON_QUOTED = new Set<SnippetLanguage>(['go:native', 'java:okhttp', 'csharp:httpclient'])

describe('copy as code with hostile requests', () => {
  for (const { name, request, headerValue, bodyText } of requests()) {
    for (const { id } of SNIPPET_LANGUAGES) {
      it(`${id}, ${name}: sends what was captured and runs nothing of it, or offers no snippet`, async () => {
        const { code, warnings } = codeSnippet(request, id)
        if (code === '') {
          expect(warnings.join(' ')).toMatch(/copy it as cURL or in another language/)
          return
        }
        if (RUNNABLE.has(id)) {
          const sent = await runSnippet(id, code)
          if (sent === 'skipped') {
            console.log(`${id}: not run, python3 is not installed here`)
            return
          }
          expect(existsSync(marker), code).toBe(false)
          expect(new URL(sent.url).host).toBe('127.0.0.1:9')
          expect(sent.headers['X-Payload'], code).toBe(headerValue)
          expect(sent.body, code).toBe(bodyText)
        } else if (JSON_QUOTED.has(id)) {
          expect(code).toContain(JSON.stringify(headerValue))
        } else {
          expect(id).toBe('http:http1.1') // raw HTTP is text to read, not code to run
        }
      })
    }
  }

  it('offers every language for an ordinary request', () => {
    const plain: RequestSpec = {
      method: 'POST',
      url: 'http://127.0.0.1:4567/hooks/stripe?attempt=1',
      headers: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', 't=1,v1=abc'],
      ],
      body: new TextEncoder().encode('{"type":"ping","data":{"text":"line\\nnext"}}'),
      httpVersion: '1.1',
    }
    for (const { id } of SNIPPET_LANGUAGES) expect(codeSnippet(plain, id).code, id).not.toBe('')
  })
})
