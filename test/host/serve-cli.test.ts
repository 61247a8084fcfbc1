// `hookscope serve` in-process: flags are read strictly, and an address that cannot be bound fails the
// start instead of leaving a UI with nothing capturing behind it.
import { mkdir, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { homedir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Engine } from '../../electron/core'
import { HELP, main, parseServeArgs, serve, type ServeOptions } from '../../electron/headless/cli'
import { removeDir, tempDir } from '../helpers/engine'
import { httpTarget, selfSignedTarget } from '../helpers/targets'

let dir: string
let renderer: string
let busy: net.Server | null = null
beforeEach(async () => {
  dir = await tempDir()
  renderer = path.join(dir, 'renderer')
  await mkdir(renderer)
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html>')
})
afterEach(async () => {
  await new Promise<void>((resolve) => (busy ? busy.close(() => resolve()) : resolve()))
  busy = null
  await removeDir(dir)
})

function options(extra: Partial<ServeOptions> = {}): ServeOptions {
  return { forwardMode: 'async', allowHosts: [], dataDir: path.join(dir, 'data'), rendererDir: renderer, ...extra }
}

async function busyPort(): Promise<number> {
  const server = net.createServer()
  busy = server
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as net.AddressInfo).port
}

async function savedEndpoint() {
  const engine = await Engine.open({ dataDir: path.join(dir, 'data'), firstEndpoint: false })
  try {
    return engine.endpoints()[0]!
  } finally {
    await engine.close()
  }
}

describe('serve flags', () => {
  const parse = (...args: string[]) => parseServeArgs(['serve', '--renderer', renderer, ...args])
  it('prints --help in lines that fit a terminal, none past 92 characters', () => {
    expect(HELP.split('\n').filter((line) => line.length > 92)).toEqual([])
  })
  it('reads a leading ~ in --data-dir=~/x as the home folder, which the shell does not expand after =', () => {
    const parsed = parseServeArgs(['serve', '--renderer', renderer, '--data-dir=~/hooks data'])
    expect(parsed).toMatchObject({ options: { dataDir: path.join(homedir(), 'hooks data') } })
    expect(parse('--data-dir', '~')).toMatchObject({ options: { dataDir: homedir() } })
    expect(parse('--data-dir', '~other/x')).toMatchObject({ options: { dataDir: path.resolve('~other/x') } })
  })
  it('takes a port only as digits', () => {
    expect(() => parse('--port', '')).toThrow(/--port must be a port number/)
    expect(() => parse('--port', '0x50')).toThrow(/--port must be a port number/)
    expect(() => parse('--ui-port', ' ')).toThrow(/--ui-port must be a port number/)
    expect(parse('--port', '8080')).toMatchObject({ options: { port: 8080 } })
  })
  it('refuses a --forward with a query or fragment instead of dropping it', () => {
    expect(() => parse('--forward', 'http://localhost:3000/hooks?key=1')).toThrow(/without a query/)
    expect(() => parse('--forward', 'http://localhost:3000/#x')).toThrow(/without a query/)
    expect(parse('--forward', 'http://localhost:3000/hooks')).toMatchObject({ options: { forward: 'http://localhost:3000/hooks' } })
  })
  it('names a mistyped or valueless flag in its own words and points to --help', () => {
    expect(() => parse('--bogus')).toThrow('Unknown option "--bogus". Try "hookscope serve --help" for the options.')
    expect(() => parse('-x')).toThrow('Unknown option "-x". Try "hookscope serve --help" for the options.')
    expect(() => parse('--port')).toThrow('--port needs a value. Try "hookscope serve --help" for the options.')
    expect(() => parse('--port', '--host', '127.0.0.1')).toThrow('--port needs a value.')
    expect(() => parse('--help=yes')).toThrow('--help takes no value.')
  })
  it('says how to give a value that begins with "-", which reads as an option', () => {
    expect(() => parse('--port', '-1')).toThrow('--port needs a value: "-1" after it reads as an option. Write --port=-1 if that is the value. Try "hookscope serve --help" for the options.')
    expect(() => parse('--port', '9000', '--data-dir', '-hooks')).toThrow('--data-dir needs a value: "-hooks" after it reads as an option. Write --data-dir=-hooks if that is the value.')
    expect(() => parse('--port=-1')).toThrow('--port must be a port number from 0 to 65535, not "-1".')
    expect(parse('--data-dir=-hooks')).toMatchObject({ options: { dataDir: path.resolve('-hooks') } })
  })
  it('names a mistyped short flag as it was typed, not the letter of it the parser stopped at', () => {
    expect(() => parse('-h=1')).toThrow('"-h=1": -h (--help) takes no value. Try "hookscope serve --help" for the options.')
    expect(() => parse('--port', '8080', '-v=2')).toThrow('"-v=2": -v (--version) takes no value.')
    expect(() => parse('-hx')).toThrow('Unknown option "-hx". Try "hookscope serve --help" for the options.')
    expect(() => parse('-h1')).toThrow('Unknown option "-h1".')
  })

  it('refuses an empty folder or address instead of taking the current folder or any address for it', () => {
    for (const flag of ['--data-dir', '--renderer', '--host', '--allow-host']) {
      expect(() => parse(flag, ''), flag).toThrow(`${flag} was given an empty value (a shell variable that is not set?). Try "hookscope serve --help" for the options.`)
    }
    expect(() => parse('--allow-host', 'tunnel.example', '--allow-host', '')).toThrow('--allow-host was given an empty value')
  })

  it('names a --renderer folder that holds no built UI, rather than asking for a build', () => {
    expect(() => parse('--renderer', path.join(dir, 'elsewhere'))).toThrow(`--renderer ${path.join(dir, 'elsewhere')} holds no built UI (no index.html in ${path.join(dir, 'elsewhere')}).`)
  })

  it('refuses --forward-mode without --forward', () => {
    expect(() => parse('--forward-mode', 'proxy')).toThrow(/--forward-mode needs --forward/)
  })

  it('takes --accept-self-signed with an https:// --forward URL only', () => {
    expect(parse('--forward', 'https://localhost:3443', '--accept-self-signed')).toMatchObject({ options: { forward: 'https://localhost:3443', acceptSelfSigned: true } })
    expect(() => parse('--forward', 'http://localhost:3000', '--accept-self-signed')).toThrow(/--accept-self-signed needs an https:\/\/ --forward URL/)
    expect(() => parse('--accept-self-signed')).toThrow(/--accept-self-signed needs/)
  })
})

describe('serve with an address that cannot be bound', () => {
  it('fails on a busy --port and keeps the port that worked', async () => {
    const first = await serve(options(), () => undefined)
    const working = first.engine.statuses()[0]!.port
    await first.stop()
    const port = await busyPort()
    await expect(serve(options({ port }), () => undefined)).rejects.toMatchObject({ code: 'PORT_IN_USE' })
    expect((await savedEndpoint()).port).toBe(working)
  })

  it('fails on a busy --port on the first run, without saving it', async () => {
    const port = await busyPort()
    await expect(serve(options({ port }), () => undefined)).rejects.toMatchObject({ code: 'PORT_IN_USE' })
    expect((await savedEndpoint()).port).not.toBe(port)
  })

  it('fails on a busy --ui-port saying which port, in its own words, and stops the engine it opened', async () => {
    const uiPort = await busyPort()
    await expect(serve(options({ uiPort }), () => undefined)).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: `The web UI cannot listen on --ui-port ${uiPort}: port ${uiPort} on 127.0.0.1 is already in use by another program. Choose another, or leave --ui-port out for a free one.`,
    })
    // The data folder is free again for the next run.
    const next = await serve(options(), () => undefined)
    await next.stop()
  })

  it('fails on a --host that is not this machine’s', async () => {
    await expect(serve(options({ host: '192.0.2.1' }), () => undefined)).rejects.toMatchObject({ code: 'ADDRESS_NOT_AVAILABLE' })
    expect((await savedEndpoint()).host).toBe('127.0.0.1')
  })

  it('fails on a --host that is no address nor a name it can look up, saying so in words', async () => {
    await expect(serve(options({ host: 'no-such-host.invalid' }), () => undefined)).rejects.toMatchObject({
      code: 'ADDRESS_NOT_AVAILABLE',
      message: 'no-such-host.invalid is neither an address of this machine nor a name it can look up: use an address such as 127.0.0.1, or 0.0.0.0 for all of them.',
    })
    expect((await savedEndpoint()).host).toBe('127.0.0.1')
  })

  it('keeps the last run\'s UI port when it is free, so that a page left open reaches the new run; else takes a free one', async () => {
    const first = await serve(options(), () => undefined)
    const port = first.host.port
    await first.stop()
    const second = await serve(options(), () => undefined)
    expect(second.host.port).toBe(port)
    await second.stop()
    // Taken by another program meanwhile: a free port, which the run after keeps.
    const other = net.createServer()
    busy = other
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve))
    const third = await serve(options(), () => undefined)
    expect(third.host.port).not.toBe(port)
    const taken = third.host.port
    await third.stop()
    const fourth = await serve(options(), () => undefined)
    expect(fourth.host.port).toBe(taken)
    await fourth.stop()
    // A run given --ui-port goes where it says, and the port kept for the others stays.
    const asked = await serve(options({ uiPort: 0 }), () => undefined)
    await asked.stop()
    const fifth = await serve(options(), () => undefined)
    expect(fifth.host.port).toBe(taken)
    await fifth.stop()
  })

  it('warns in one line when the endpoint is exposed to the network, and not when it is on loopback', async () => {
    const lines: string[] = []
    const exposed = await serve(options({ host: '0.0.0.0' }), (line) => lines.push(line))
    try {
      const status = exposed.engine.statuses()[0]!
      expect(status.networkUrls).toBeDefined()
      const warnings = lines.filter((line) => line.includes('warning'))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/^ {2}warning: Default is bound to 0\.0\.0\.0, exposed to your network/)
      for (const url of status.networkUrls!) expect(warnings[0]).toContain(url)
    } finally {
      await exposed.stop()
    }
    lines.length = 0
    const local = await serve(options({ host: '127.0.0.1' }), (line) => lines.push(line))
    try {
      expect(local.engine.statuses()[0]!.networkUrls).toBeUndefined()
      expect(lines.some((line) => line.includes('warning'))).toBe(false)
    } finally {
      await local.stop()
    }
  })
})

describe('serve --forward', () => {
  const saved = {
    mode: 'async' as const,
    targets: [
      { id: 'app', url: 'http://127.0.0.1:9/app', paused: false },
      { id: 'billing', url: 'http://127.0.0.1:9/billing', paused: false },
    ],
    routes: [{ id: 'r1', match: { kind: 'json-field' as const, path: 'type', value: 'invoice.paid' }, targetId: 'billing' }],
    defaultTargetId: 'app',
  }

  async function saveForwarding(): Promise<string> {
    const engine = await Engine.open({ dataDir: path.join(dir, 'data'), firstEndpoint: { name: 'Default' } })
    try {
      const id = engine.endpoints()[0]!.id
      await engine.updateEndpoint(id, { forward: saved })
      await engine.stopEndpoint(id, false)
      return id
    } finally {
      await engine.close()
    }
  }

  it('says at start that each request’s path follows the target, so a target that names the app’s route shows it doubled', async () => {
    const lines: string[] = []
    const run = await serve(options({ forward: 'http://localhost:3000/webhooks' }), (line) => lines.push(line))
    try {
      const at = lines.findIndex((line) => line.startsWith('  forward: '))
      expect(lines[at]).toBe('  forward: http://localhost:3000/webhooks  (async)')
      expect(lines[at + 1]).toBe("           each request's path and query are appended: /webhooks → http://localhost:3000/webhooks/webhooks")
    } finally {
      await run.stop()
    }
    lines.length = 0
    const origin = await serve(options({ forward: 'http://localhost:3000' }), (line) => lines.push(line))
    try {
      expect(lines).toContain("           each request's path and query are appended: /webhooks → http://localhost:3000/webhooks")
    } finally {
      await origin.stop()
    }
  })

  it('forwards to the flag’s URL for this run only, keeping the saved targets and routes', async () => {
    const id = await saveForwarding()
    const app = await httpTarget()
    try {
      const run = await serve(options({ forward: `${app.url}/cli` }), () => undefined)
      // What the UI is given: the endpoint forwarding to the flag's URL.
      const shown = (await run.engine.handlers()['endpoints.list']({}))[0]!
      expect(shown.forward).toMatchObject({ mode: 'async', targets: [{ id: 'cli', url: `${app.url}/cli` }], routes: [], defaultTargetId: 'cli' })
      // ...and told that this forwarding is not saved.
      expect((await run.engine.handlers()['endpoints.status']({}))[0]!.forwardThisRunOnly).toBe(true)
      const url = run.engine.statuses()[0]!.url!
      await fetch(`${url}hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"invoice.paid"}' })
      const [received] = await app.waitFor(1)
      expect(received!.url).toBe('/cli/hook')
      // A change of something else is saved without the override.
      await run.engine.updateEndpoint(id, { name: 'Stripe' })
      await run.stop()
      expect((await savedEndpoint()).forward).toMatchObject(saved)
      expect((await savedEndpoint()).name).toBe('Stripe')

      const plain = await serve(options(), () => undefined)
      expect(plain.engine.endpoints()[0]!.forward).toMatchObject(saved)
      await plain.stop()
    } finally {
      await app.close()
    }
  })

  it('reaches an https:// app with its own certificate with --accept-self-signed', async () => {
    const app = await selfSignedTarget()
    try {
      const run = await serve(options({ forward: `${app.url}/tls`, acceptSelfSigned: true }), () => undefined)
      const url = run.engine.statuses()[0]!.url!
      await fetch(`${url}hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"invoice.paid"}' })
      const [received] = await app.waitFor(1)
      expect(received!.url).toBe('/tls/hook')
      await run.stop()
    } finally {
      await app.close()
    }
  })

  it('delivers what waited for the flag’s URL across a restart with the flag, in order and once', async () => {
    // The app is not up yet: a port that was free a moment ago.
    const closed = await busyPort()
    await new Promise<void>((resolve) => busy!.close(() => resolve()))
    busy = null
    const first = await serve(options({ forward: `http://127.0.0.1:${closed}/cli` }), () => undefined)
    const url = first.engine.statuses()[0]!.url!
    for (const n of [1, 2, 3]) await fetch(`${url}hook/${n}`, { method: 'POST', body: `n=${n}` })
    await first.stop()

    const app = await httpTarget(undefined, { port: closed })
    try {
      const second = await serve(options({ forward: `http://127.0.0.1:${closed}/cli` }), () => undefined)
      try {
        const received = await app.waitFor(3)
        expect(received.map((r) => [r.url, r.body.toString()])).toEqual([
          ['/cli/hook/1', 'n=1'],
          ['/cli/hook/2', 'n=2'],
          ['/cli/hook/3', 'n=3'],
        ])
        await expect.poll(async () => (await second.engine.handlers()['captures.query']({ limit: 10 })).items.map((c) => c.forward?.state)).toEqual(['delivered', 'delivered', 'delivered'])
      } finally {
        await second.stop()
      }
      expect(app.received).toHaveLength(3)
    } finally {
      await app.close()
    }
  })

  it('a start without the flag says why what waited for its URL failed; the next start with it retries them there', async () => {
    const closed = await busyPort()
    await new Promise<void>((resolve) => busy!.close(() => resolve()))
    busy = null
    const first = await serve(options({ forward: `http://127.0.0.1:${closed}/cli` }), () => undefined)
    await fetch(`${first.engine.statuses()[0]!.url!}hook`, { method: 'POST', body: 'n=1' })
    await first.stop()

    const plain = await serve(options(), () => undefined)
    await expect.poll(async () => (await plain.engine.handlers()['captures.query']({ limit: 10 })).items.map((c) => c.forward?.error)).toEqual([
      'its forward target is no longer configured: it was removed, or set for an earlier run only (hookscope serve --forward)',
    ])
    await plain.stop()

    const app = await httpTarget(undefined, { port: closed })
    try {
      const again = await serve(options({ forward: `http://127.0.0.1:${closed}/cli` }), () => undefined)
      try {
        const id = again.engine.endpoints()[0]!.id
        expect(await again.engine.handlers()['forward.retryFailed']({ endpointId: id, targetId: 'cli' })).toEqual({ count: 1, held: 0 })
        expect((await app.waitFor(1)).map((r) => r.url)).toEqual(['/cli/hook'])
      } finally {
        await again.stop()
      }
    } finally {
      await app.close()
    }
  })

  it('a start without the flag lists the target it gave by the URL its attempts went to', async () => {
    const closed = await busyPort()
    await new Promise<void>((resolve) => busy!.close(() => resolve()))
    busy = null
    const first = await serve(options({ forward: `http://127.0.0.1:${closed}/cli` }), () => undefined)
    await fetch(`${first.engine.statuses()[0]!.url!}hook`, { method: 'POST', body: 'n=1' })
    await expect.poll(async () => (await first.engine.handlers()['captures.query']({ limit: 10 })).items.map((c) => c.forward?.attempts)).toEqual([1])
    await first.stop()

    const plain = await serve(options(), () => undefined)
    try {
      await expect.poll(async () => (await plain.engine.handlers()['forward.status']({})).map((t) => ({ targetId: t.targetId, url: t.url, removed: t.removed, failed: t.failed }))).toEqual([
        { targetId: 'cli', url: `http://127.0.0.1:${closed}/cli`, removed: true, failed: 1 },
      ])
    } finally {
      await plain.stop()
    }
  })

  it('saves an edit of the forwarding made in the UI during the run, which ends the override', async () => {
    const id = await saveForwarding()
    const run = await serve(options({ forward: 'http://127.0.0.1:9/cli' }), () => undefined)
    const edited = await run.engine.handlers()['endpoints.update']({ id, patch: { forward: { mode: 'proxy' } } })
    expect(edited.forward).toMatchObject({ mode: 'proxy', targets: [{ id: 'cli', url: 'http://127.0.0.1:9/cli' }] })
    expect(run.engine.endpoints()[0]!.forward).toEqual(edited.forward)
    expect(run.engine.statuses()[0]!.forwardThisRunOnly).toBeUndefined()
    await run.stop()
    expect((await savedEndpoint()).forward).toEqual(edited.forward)
  })
})

describe('a data folder Hookscope cannot use', () => {
  it('fails the start naming the folder and what is wrong with it', async () => {
    // A file where the data folder's parent should be: nothing can be created under it.
    const file = path.join(dir, 'not-a-folder')
    await writeFile(file, 'x')
    const dataDir = path.join(file, 'data')
    const errors: string[] = []
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line))
    const exitCode = process.exitCode
    try {
      await main(['serve', '--data-dir', dataDir, '--renderer', renderer, '--port', '0'])
      expect(process.exitCode).toBe(1)
    } finally {
      error.mockRestore()
      process.exitCode = exitCode
    }
    expect(errors).toEqual([`hookscope: cannot use the data folder ${dataDir}: a part of the data folder’s path is a file, not a folder (ENOTDIR: not a directory, mkdir '${dataDir}'). Fix that, or choose another folder with --data-dir.`])
  })

  it('says so when the data folder given is a file', async () => {
    const file = path.join(dir, 'a-file')
    await writeFile(file, 'x')
    const errors: string[] = []
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line))
    const exitCode = process.exitCode
    try {
      await main(['serve', '--data-dir', file, '--renderer', renderer, '--port', '0'])
      expect(process.exitCode).toBe(1)
    } finally {
      error.mockRestore()
      process.exitCode = exitCode
    }
    expect(errors).toEqual([`hookscope: cannot use the data folder ${file}: a file is where the data folder, or one of its folders, should be (EEXIST: file already exists, mkdir '${file}'). Fix that, or choose another folder with --data-dir.`])
  })
})

describe('notices in the terminal', () => {
  it('prints what the UI would show as a notice: a damaged file set aside while it opened, and captures it cannot store', async () => {
    const first = await serve(options(), () => undefined)
    await first.stop()
    await writeFile(path.join(dir, 'data', 'settings.json'), '{ not json')
    const lines: string[] = []
    const waiters: Array<() => void> = []
    const log = (line: string) => {
      lines.push(line)
      for (const wake of waiters.splice(0)) wake()
    }
    const run = await serve(options(), log)
    try {
      expect(lines.filter((line) => line.includes('settings.json'))).toEqual([
        expect.stringMatching(/^ {2}error: settings\.json was damaged \(.+\)\. It was moved to settings\.json\.corrupt-[\w-]+ and the last good copy was restored\.$/),
      ])
      // The data folder deleted under it: the sender is told 503, and the terminal why.
      await removeDir(path.join(dir, 'data'))
      const answer = await fetch(`http://127.0.0.1:${run.engine.statuses()[0]!.port}/lost`, { method: 'POST', body: 'x' })
      expect(answer.status).toBe(503)
      while (!lines.some((line) => line.startsWith('hookscope: error: Requests are not being stored'))) await new Promise<void>((resolve) => waiters.push(resolve))
    } finally {
      await run.stop().catch(() => undefined)
    }
  })
})
