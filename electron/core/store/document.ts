// Versioned JSON documents (settings, endpoints, later collections) kept with lowdb.
// Owns: one file per document, its schemaVersion and migrations, validation on load, atomic fsync'd
// writes, a last-good backup, and recovery from a damaged file. Never: resets a user's data silently.
// A damaged file is moved aside as `<name>.corrupt-<time>`, the backup is restored, and the caller is
// told through `onNotice`.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { Low, type Adapter } from 'lowdb'
import type { z } from 'zod'
import { HookscopeError } from '../../../shared/errors'
import { readFileIfExists, removeStaleTempFiles, writeFileAtomic } from './fs-util'

export type Migration = (data: Record<string, unknown>) => Record<string, unknown>

export interface DocumentOptions<S extends z.ZodType> {
  dir: string
  /** File name, e.g. `settings.json`. */
  name: string
  schema: S
  /** The version this code writes. migrations[n] turns version n into version n + 1. */
  version: number
  migrations: Migration[]
  defaults: () => z.output<S>
  /** Where the last good copy is kept (default: next to the file). */
  backupDir?: string
  /** Corrupt copies are moved here (default: next to the file). */
  asideDir?: string
  now: () => number
  /**
   * The changes given to `update` never modify the document they are handed (they build a new one):
   * it is handed over as it is, not as a copy. A copy of a large document (a collection of big
   * bodies) costs more than the rest of its change. Default: false, each change gets a copy.
   */
  immutableChanges?: boolean
  onNotice: (notice: { level: 'warning' | 'error'; code: 'DOCUMENT_CORRUPT' | 'DOCUMENT_TOO_NEW'; message: string }) => void
}

class DocumentProblem extends Error {}

/** lowdb adapter: raw JSON in, atomic fsync'd JSON out, with a stable pretty layout. */
export class DurableJsonAdapter<T> implements Adapter<T> {
  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    const bytes = await readFileIfExists(this.file)
    return bytes === null ? null : (parseDocumentBytes(bytes) as T)
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n')
  }
}

/** The checks lowdb itself does not make: each of these has silently lost data elsewhere. */
export function parseDocumentBytes(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new DocumentProblem('the file is empty')
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new DocumentProblem('the file starts with a byte order mark (it was edited by another program)')
  }
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    throw new DocumentProblem(`the file is not valid JSON (${(error as Error).message})`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DocumentProblem('the file does not hold a JSON object')
  }
  return value
}

export class DocumentStore<S extends z.ZodType> {
  private readonly db: Low<{ schemaVersion: number; data: z.output<S> }>
  private readonly backupFile: string
  private writing: Promise<void> = Promise.resolve()

  private constructor(
    private readonly options: DocumentOptions<S>,
    readonly file: string,
  ) {
    this.backupFile = path.join(options.backupDir ?? path.dirname(file), `${path.basename(file)}.bak`)
    this.db = new Low(new DurableJsonAdapter(file), { schemaVersion: options.version, data: options.defaults() })
  }

  static async open<S extends z.ZodType>(options: DocumentOptions<S>): Promise<DocumentStore<S>> {
    await fs.mkdir(options.dir, { recursive: true })
    if (options.backupDir) await fs.mkdir(options.backupDir, { recursive: true })
    await removeStaleTempFiles(options.dir, options.name)
    if (options.backupDir) await removeStaleTempFiles(options.backupDir, `${options.name}.bak`)
    const store = new DocumentStore(options, path.join(options.dir, options.name))
    await store.load()
    return store
  }

  get data(): z.output<S> {
    return this.db.data.data
  }

  /**
   * Apply a change, validate the result, and persist it (atomically, fsync'd, backed up). A change
   * that could not be written (a full disk, a folder that refuses writes) is undone: what stays in
   * force is what the file holds, so that nothing unsaved is shown or used as if it were saved.
   */
  async update(change: (current: z.output<S>) => z.output<S>): Promise<z.output<S>> {
    const before = this.db.data
    const next = this.options.schema.parse(change(this.options.immutableChanges ? this.data : structuredClone(this.data))) as z.output<S>
    const written = { schemaVersion: this.options.version, data: next }
    this.db.data = written
    try {
      await this.persist()
    } catch (error) {
      // A later change, built on this one, keeps it: it is written with that one, or undone with it.
      if (this.db.data === written) this.db.data = before
      throw error
    }
    return next
  }

  /**
   * Writes run one at a time, in order; each writes the latest data. It fails only when the file
   * itself could not be written: the backup, a copy of the last good file, is refreshed when it can be.
   */
  private persist(): Promise<void> {
    const run = this.writing.then(async () => {
      // One text for the file and its backup: a large document (a collection of big bodies) costs one serialization.
      // Encoded once, too: a file handle given a string encodes it again for each write, slice by slice.
      const bytes = Buffer.from(JSON.stringify(this.db.data, null, 2) + '\n')
      await writeFileAtomic(this.file, bytes)
      await writeFileAtomic(this.backupFile, bytes).catch(() => undefined)
    })
    this.writing = run.catch(() => undefined)
    return run
  }

  flush(): Promise<void> {
    return this.writing
  }

  /** Remove the file and its backup (the caller keeps a copy if it wants one). */
  async remove(): Promise<void> {
    await this.writing
    await fs.rm(this.file, { force: true })
    await fs.rm(this.backupFile, { force: true })
  }

  private async load(): Promise<void> {
    const { options, file } = this
    let problem: string | null = null
    try {
      const raw = (await this.readRaw(file)) as Record<string, unknown> | null
      if (raw === null) {
        const restored = await this.tryBackup()
        if (restored) {
          options.onNotice({
            level: 'warning',
            code: 'DOCUMENT_CORRUPT',
            message: `${options.name} was missing; the last good copy was restored.`,
          })
          await this.persist()
        } else {
          this.db.data = { schemaVersion: options.version, data: options.defaults() }
          await this.persist()
        }
        return
      }
      this.db.data = { schemaVersion: options.version, data: this.upgrade(raw) }
    } catch (error) {
      if (error instanceof HookscopeError) throw error
      if (!(error instanceof DocumentProblem)) throw error
      problem = error.message
    }
    if (problem === null) {
      // Refresh the backup so it always holds the last version known to be good.
      await writeFileAtomic(this.backupFile, JSON.stringify(this.db.data, null, 2) + '\n')
      return
    }
    const aside = path.join(options.asideDir ?? path.dirname(file), `${path.basename(file)}.corrupt-${new Date(options.now()).toISOString().replace(/[:.]/g, '-')}`)
    if (options.asideDir) await fs.mkdir(options.asideDir, { recursive: true })
    await fs.rename(file, aside)
    const restored = await this.tryBackup()
    options.onNotice({
      level: 'error',
      code: 'DOCUMENT_CORRUPT',
      message: restored
        ? `${options.name} was damaged (${problem}). It was moved to ${path.basename(aside)} and the last good copy was restored.`
        : `${options.name} was damaged (${problem}) and no good copy existed. It was moved to ${path.basename(aside)}; defaults are in use.`,
    })
    if (!restored) this.db.data = { schemaVersion: options.version, data: options.defaults() }
    await this.db.write()
  }

  private async readRaw(file: string): Promise<unknown> {
    const bytes = await readFileIfExists(file)
    return bytes === null ? null : parseDocumentBytes(bytes)
  }

  private async tryBackup(): Promise<boolean> {
    try {
      const raw = (await this.readRaw(this.backupFile)) as Record<string, unknown> | null
      if (raw === null) return false
      this.db.data = { schemaVersion: this.options.version, data: this.upgrade(raw) }
      return true
    } catch (error) {
      if (error instanceof DocumentProblem) return false
      throw error
    }
  }

  /** Run the numbered migrations from the file's version to ours, then validate. */
  private upgrade(raw: Record<string, unknown>): z.output<S> {
    const { options } = this
    const version = raw.schemaVersion
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
      throw new DocumentProblem('schemaVersion is missing or not a whole number')
    }
    if (version > options.version) {
      throw new HookscopeError(
        'DOCUMENT_TOO_NEW',
        `${options.name} was written by a newer Hookscope (format ${version}, this one reads up to ${options.version}). It was left untouched.`,
      )
    }
    let data = raw.data as Record<string, unknown>
    if (data === null || typeof data !== 'object') throw new DocumentProblem('the file has no data object')
    for (let v = version; v < options.version; v++) {
      const migrate = options.migrations[v]
      if (!migrate) throw new DocumentProblem(`no migration from format ${v}`)
      data = migrate(data)
    }
    const parsed = options.schema.safeParse(data)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new DocumentProblem(`unexpected content at ${issue?.path.join('.') || 'top level'}: ${issue?.message}`)
    }
    return parsed.data as z.output<S>
  }
}
