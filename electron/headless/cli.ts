// `hookscope serve`: the engine and the web UI, without a desktop. Owns: reading flags, opening the
// engine on a data folder, starting the UI host, printing where to go, and stopping cleanly on
// SIGINT/SIGTERM/SIGHUP with everything flushed.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { Engine } from '../core'
import { defaultDataDir } from '../core/paths'
import { FileSecretStore } from '../core/secrets'
import { DocumentStore } from '../core/store/document'
import { HookscopeError, storageProblem } from '../../shared/errors'
import { RUN_TARGET_ID, type Endpoint, type EndpointStatus } from '../../shared/model'
import { HeadlessHost } from './host'

declare const __HOOKSCOPE_VERSION__: string | undefined

export const VERSION = typeof __HOOKSCOPE_VERSION__ === 'string' ? __HOOKSCOPE_VERSION__ : '0.0.0-dev'

export const HELP = `Usage: hookscope serve [options]

Capture webhooks on a local endpoint and inspect them in your browser.

Options:
  --port <n>           Port of the capture endpoint (default: the one saved in the data
                       folder; on the first run, a free port, kept from then on)
  --host <address>     Bind address of the capture endpoint (default: 127.0.0.1;
                       0.0.0.0 exposes it to your network)
  --ui-port <n>        Port of the web UI, always on 127.0.0.1 (default: the last run's
                       when it is free, else a free port)
  --allow-host <name>  Also accept this host name for the web UI, on any port, over http or
                       https: the name a proxy or tunnel reaches it by (repeatable; loopback
                       names are always accepted, so an SSH tunnel to localhost needs none)
  --forward <url>      Forward every captured request to your app, its path and query
                       appended to this URL: with http://localhost:3000, a request to
                       /webhooks goes to http://localhost:3000/webhooks. For this run
                       only: the endpoint's saved targets and routes are kept and apply
                       again without the flag
  --forward-mode <m>   async (default): answer at once, deliver from a queue that retries
                       while your app is down; proxy: relay your app's answer to the sender
  --accept-self-signed With an https:// --forward URL: accept your app's own certificate
                       (self-signed, or mkcert's)
  --data-dir <path>    Data folder (default: ${defaultDataDir()})
  --renderer <path>    Folder of the built UI (default: the one next to this program)
  -h, --help           Show this help
  -v, --version        Show the version

The UI URL printed at start carries a token for this run; only pages opened from it can
use the engine. Stop with Ctrl+C: requests in progress are stored before it exits.
`

export interface ServeOptions {
  port?: number
  host?: string
  forward?: string
  forwardMode: 'async' | 'proxy'
  /** The --forward target accepts a self-signed certificate. */
  acceptSelfSigned?: boolean
  uiPort?: number
  allowHosts: string[]
  dataDir: string
  rendererDir: string
}

function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  // Digits only: Number('') is 0 (any free port), and Number('0x50') is 80.
  const port = /^\d{1,5}$/.test(value) ? Number(value) : -1
  if (port < 0 || port > 65535) throw new HookscopeError('INVALID_INPUT', `${flag} must be a port number from 0 to 65535, not "${value}".`)
  return port
}

/**
 * A path flag's value, with a leading `~` read as the home folder: a shell expands `--data-dir ~/x`
 * but not `--data-dir=~/x`, which would otherwise make a folder named `~` in the current one.
 */
export function expandHome(value: string): string {
  return value === '~' || value.startsWith('~/') || (path.sep === '\\' && value.startsWith('~\\')) ? path.join(homedir(), value.slice(1)) : value
}

export function findRendererDir(explicit?: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const candidates = explicit ? [path.resolve(expandHome(explicit))] : [path.resolve(here, '../renderer'), path.resolve(here, '../../out/renderer')]
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')))
  if (!found && explicit) throw new HookscopeError('NOT_FOUND', `--renderer ${explicit} holds no built UI (no index.html in ${candidates[0]}).`)
  if (!found) throw new HookscopeError('NOT_FOUND', `The web UI is not built (looked in ${candidates.join(', ')}). Run "npm run build" first.`)
  return found
}

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'ui-port': { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  'data-dir': { type: 'string' },
  forward: { type: 'string' },
  'forward-mode': { type: 'string' },
  'accept-self-signed': { type: 'boolean' },
  renderer: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

/** The flags as given, or an error in the program's words that points to --help (Node's own messages
 * speak of positional arguments and `--`, which is no help to someone who mistyped a flag). */
function readFlags(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: FLAGS })
  } catch (error) {
    const code = (error as { code?: string }).code
    const name = /'([^']+)'/.exec((error as Error).message)?.[1]?.split(' ')[0]
    const hint = 'Try "hookscope serve --help" for the options.'
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && name) throw new HookscopeError('INVALID_INPUT', `${unknownOptionText(args, name)} ${hint}`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && name) {
      const flag = name.replace(/,$/, '')
      const option = Object.entries(FLAGS).find(([long, spec]) => `--${long}` === flag || ('short' in spec && `-${spec.short}` === flag))
      const needsValue = option?.[1].type === 'string'
      if (!needsValue) throw new HookscopeError('INVALID_INPUT', `--${option?.[0] ?? flag} takes no value. ${hint}`)
      // A value that begins with "-" (a negative number, a folder named so) reads as the next option.
      const { tokens } = parseArgs({ args, allowPositionals: true, strict: false, tokens: true, options: FLAGS })
      const bare = tokens.find((t) => t.kind === 'option' && t.rawName === flag && !t.inlineValue && (t.value === undefined || t.value.startsWith('-')))
      const next = bare ? args[bare.index + 1] : undefined
      const shortFlag = (arg: string) => Object.values(FLAGS).some((spec) => 'short' in spec && arg === `-${spec.short}`)
      if (next !== undefined && /^-[^-]/.test(next) && !shortFlag(next)) {
        throw new HookscopeError('INVALID_INPUT', `--${option![0]} needs a value: "${next}" after it reads as an option. Write --${option![0]}=${next} if that is the value. ${hint}`)
      }
      throw new HookscopeError('INVALID_INPUT', `--${option![0]} needs a value. ${hint}`)
    }
    throw new HookscopeError('INVALID_INPUT', `${(error as Error).message}. ${hint}`)
  }
}

/**
 * An unknown option named as it was typed. Node names a short option by its letter alone, and reads
 * "-h=1" as the group -h, -=, -1 (so it would name "-="): the argument that holds it is named instead,
 * and a known short flag given a value says it takes none, as "--help=1" does.
 */
function unknownOptionText(args: string[], option: string): string {
  const { tokens } = parseArgs({ args, allowPositionals: true, strict: false, tokens: true, options: FLAGS })
  const token = tokens.find((t) => t.kind === 'option' && t.rawName === option)
  const typed = token ? (args[token.index] ?? option) : option
  const withValue = /^-([^-])=/.exec(typed)
  const flag = withValue && Object.entries(FLAGS).find(([, spec]) => 'short' in spec && spec.short === withValue[1])
  if (flag) return `"${typed}": -${withValue[1]} (--${flag[0]}) takes no value.`
  return `Unknown option "${typed}".`
}

export function parseServeArgs(argv: string[]): { help: true } | { version: true } | { options: ServeOptions } {
  const args = argv[0] === 'serve' ? argv.slice(1) : argv
  const { values, positionals } = readFlags(args)
  if (values.help) return { help: true }
  if (values.version) return { version: true }
  if (positionals.length > 0) throw new HookscopeError('INVALID_INPUT', `Unknown command "${positionals[0]}". Try "hookscope serve --help".`)
  // An empty value is most often a shell variable that is not set (--data-dir "$HOOKS"): read as a
  // path it would be the current folder, and as a host the system's choice.
  for (const flag of ['data-dir', 'renderer', 'host', 'allow-host'] as const) {
    const given = values[flag]
    if (given === '' || (Array.isArray(given) && given.includes(''))) {
      throw new HookscopeError('INVALID_INPUT', `--${flag} was given an empty value (a shell variable that is not set?). Try "hookscope serve --help" for the options.`)
    }
  }
  const forwardMode = values['forward-mode'] ?? 'async'
  if (values['forward-mode'] !== undefined && values.forward === undefined) {
    throw new HookscopeError('INVALID_INPUT', '--forward-mode needs --forward <url>: it says how captures reach that URL.')
  }
  if (forwardMode !== 'async' && forwardMode !== 'proxy') throw new HookscopeError('INVALID_INPUT', `--forward-mode is async or proxy, not "${forwardMode}".`)
  if (values['accept-self-signed'] && !/^https:\/\//i.test(values.forward ?? '')) {
    throw new HookscopeError('INVALID_INPUT', '--accept-self-signed needs an https:// --forward URL: it is about that target’s certificate.')
  }
  if (values.forward !== undefined) {
    let url: URL
    try {
      url = new URL(values.forward)
    } catch {
      throw new HookscopeError('INVALID_INPUT', `--forward needs a URL such as http://localhost:3000, not "${values.forward}".`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HookscopeError('INVALID_INPUT', `--forward takes an http:// or https:// URL, not "${values.forward}".`)
    // Each request brings its own path and query, appended to the target's: a query here would be lost.
    if (/[?#]/.test(values.forward)) {
      throw new HookscopeError('INVALID_INPUT', `--forward takes an origin and an optional base path, without a query or fragment (each request brings its own), not "${values.forward}".`)
    }
  }
  return {
    options: {
      forward: values.forward,
      forwardMode,
      ...(values['accept-self-signed'] ? { acceptSelfSigned: true } : {}),
      port: parsePort(values.port, '--port'),
      host: values.host,
      uiPort: parsePort(values['ui-port'], '--ui-port'),
      allowHosts: values['allow-host'] ?? [],
      dataDir: path.resolve(expandHome(values['data-dir'] ?? defaultDataDir())),
      rendererDir: findRendererDir(values.renderer),
    },
  }
}

export async function serve(options: ServeOptions, log: (line: string) => void = console.log): Promise<{ engine: Engine; host: HeadlessHost; stop: () => Promise<void> }> {
  const forwardUrl = options.forward ? new URL(options.forward) : null
  const engine = await Engine.open({
    dataDir: options.dataDir,
    host: 'headless',
    version: VERSION,
    secrets: new FileSecretStore(path.join(options.dataDir, 'secrets.json')),
    // A first run starts on a free port; --port/--host are applied below, so an address that cannot be
    // bound is never the one saved.
    firstEndpoint: { name: 'Default', port: 0, host: '127.0.0.1' },
    // For this run only: the endpoint's saved targets and routes come back on the next start. Given to
    // the engine as it opens, so that deliveries this flag queued before a restart are sent on.
    forwardOverride: forwardUrl
      ? {
          mode: options.forwardMode,
          targets: [{ id: RUN_TARGET_ID, url: `${forwardUrl.origin}${forwardUrl.pathname === '/' ? '' : forwardUrl.pathname}`, paused: false, ...(options.acceptSelfSigned ? { acceptSelfSigned: true } : {}) }],
          routes: [],
          defaultTargetId: RUN_TARGET_ID,
        }
      : undefined,
  })
  let host: HeadlessHost
  try {
    const first = engine.endpoints()[0]
    if (first && (options.port !== undefined || options.host !== undefined)) await applyAddress(engine, first, options)
    // Without --ui-port, the last run's UI port when it is free: a page left open across a restart
    // then reaches this run and says to open the new URL (the token is new each run), rather than
    // trying a port nobody listens on.
    const kept = options.uiPort === undefined ? await headlessDocument(options.dataDir, log) : null
    host = await HeadlessHost.start({ engine, rendererDir: options.rendererDir, uiPort: options.uiPort, preferredUiPort: kept?.data.uiPort ?? undefined, allowedHosts: options.allowHosts }).catch(
      (error: unknown) => {
        throw uiPortError(error, options.uiPort)
      },
    )
    if (kept && kept.data.uiPort !== host.port) await kept.update(() => ({ uiPort: host.port }))
  } catch (error) {
    await engine.close()
    throw error
  }
  let stopping: Promise<void> | null = null
  const stop = () => {
    stopping ??= host.close().then(() => engine.close())
    return stopping
  }
  log(`Hookscope ${VERSION} (headless) — data in ${engine.dataDir}`)
  for (const status of engine.statuses()) {
    const endpoint = engine.endpoint(status.id)
    log(status.url ? `  capture: ${status.url}  (${endpoint.name})` : `  capture: ${endpoint.name} is ${status.state}${status.error ? `: ${status.error.message}` : ''}`)
    if (status.networkUrls) {
      const reach = status.networkUrls.length > 0 ? `: ${status.networkUrls.join(', ')}` : ''
      log(`  warning: ${endpoint.name} is bound to ${endpoint.host}, exposed to your network${reach}`)
    }
    if (endpoint.forward.mode !== 'off' && endpoint.forward.targets.length > 0) {
      for (const target of endpoint.forward.targets) log(`  forward: ${target.url}  (${endpoint.forward.mode})`)
      // A target is a base: the request's own path follows it. Shown with the path of a first request,
      // so that a target that already names the app's route (and would get it twice) is plain to see.
      const first = endpoint.forward.targets[0]!.url.replace(/\/+$/, '')
      log(`           each request's path and query are appended: /webhooks → ${first}/webhooks`)
    }
  }
  log(`  open:    ${host.url}`)
  // What the UI shows as notices, in the terminal too: a host on a server may have no page open to
  // say that captures are not being stored, or that a damaged file was set aside while it opened.
  for (const notice of await engine.handlers()['app.notices']({})) log(`  ${notice.level}: ${notice.message}`)
  engine.events.on('notice', (notice) => log(`hookscope: ${notice.level}: ${notice.message}`))
  return { engine, host, stop }
}

const HeadlessDocument = z.object({ uiPort: z.number().int().min(1).max(65535).nullable() })

/** What the headless host keeps between runs (`headless.json` in the data folder): its UI's port. */
function headlessDocument(dataDir: string, log: (line: string) => void) {
  return DocumentStore.open({
    dir: dataDir,
    name: 'headless.json',
    schema: HeadlessDocument,
    version: 1,
    // Index n turns format n into n + 1; format 0 never existed.
    migrations: [(data) => data],
    defaults: () => ({ uiPort: null }),
    now: Date.now,
    onNotice: (notice) => log(`  ${notice.level}: ${notice.message}`),
  })
}

/** Move the first endpoint to the address asked for, or fail: capturing elsewhere (or nowhere) while
 * the UI looks ready would hide that the sender's requests go nowhere. */
async function applyAddress(engine: Engine, first: Endpoint, options: ServeOptions): Promise<void> {
  const changed = (options.port !== undefined && options.port !== first.port) || (options.host !== undefined && options.host !== first.host)
  let failure: unknown = null
  try {
    if (changed) await engine.updateEndpoint(first.id, { port: options.port, host: options.host })
    if (statusOf(engine, first.id).state === 'stopped') await engine.startEndpoint(first.id)
  } catch (error) {
    failure = error
  }
  const status = statusOf(engine, first.id)
  if (!failure && status.state === 'listening') return
  // Keep the address that worked, so a run without the flags does not inherit the failed one.
  if (changed) {
    await engine.stopEndpoint(first.id, false)
    await engine.updateEndpoint(first.id, { port: first.port, host: first.host }).catch(() => undefined)
  }
  if (failure instanceof HookscopeError) throw failure
  throw new HookscopeError('LISTEN_FAILED', status.error?.message ?? `The capture endpoint could not listen on ${options.host ?? first.host}:${options.port ?? first.port}.`)
}

/** A --ui-port the web UI cannot listen on, said in the program's words rather than Node's. */
function uiPortError(error: unknown, uiPort: number | undefined): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (uiPort === undefined || (code !== 'EADDRINUSE' && code !== 'EACCES')) return error
  const why = code === 'EADDRINUSE' ? 'is already in use by another program' : 'needs privileges this program does not have'
  return new HookscopeError(code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'LISTEN_FAILED', `The web UI cannot listen on --ui-port ${uiPort}: port ${uiPort} on 127.0.0.1 ${why}. Choose another, or leave --ui-port out for a free one.`)
}

function statusOf(engine: Engine, id: string): EndpointStatus {
  return engine.statuses().find((status) => status.id === id)!
}

/**
 * How long after a stop signal another one is taken as the same one delivered twice, not a second
 * press to exit without waiting.
 */
const REPEATED_SIGNAL_MS = 1_000

export async function main(argv = process.argv.slice(2)): Promise<void> {
  let parsed
  try {
    parsed = parseServeArgs(argv)
  } catch (error) {
    console.error(`hookscope: ${(error as Error).message}`)
    process.exitCode = 2
    return
  }
  if ('help' in parsed) return void process.stdout.write(HELP)
  if ('version' in parsed) return void console.log(VERSION)
  let running
  try {
    running = await serve(parsed.options)
  } catch (error) {
    const problem = storageProblem(error)
    console.error(
      problem === null
        ? `hookscope: ${(error as Error).message}`
        : `hookscope: cannot use the data folder ${parsed.options.dataDir}: ${problem}. Fix that, or choose another folder with --data-dir.`,
    )
    process.exitCode = 1
    return
  }
  let firstSignalAt: number | null = null
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== null) {
      // The same Ctrl+C delivered again: a terminal signals every process of its foreground group,
      // and a launcher among them (npm start's) passes on the one it got as well.
      if (performance.now() - firstSignalAt < REPEATED_SIGNAL_MS) return
      console.error(`hookscope: ${signal} again, exiting without waiting`)
      process.exit(130)
    }
    firstSignalAt = performance.now()
    // SIGHUP: the terminal was closed. Writing to it may fail from now on; the stop must not.
    if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})
    console.log(`hookscope: ${signal}, storing what is in progress and stopping…`)
    void running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        const problem = storageProblem(error)
        console.error(
          problem === null
            ? `hookscope: stopping failed: ${(error as Error).message}`
            : `hookscope: stopped, but the data folder ${parsed.options.dataDir} could not be written at the end: ${problem}.`,
        )
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) void main()
