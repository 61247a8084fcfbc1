// Where signing secrets live. The engine asks a SecretStore by reference and never writes a secret
// into a lowdb document. The desktop shell provides one backed by Electron's safeStorage; the
// headless host uses a file only its user can read.
import { promises as fs } from 'node:fs'
import { z } from 'zod'
import { writeFileAtomic, isErrno } from './store/fs-util'

export interface SecretStore {
  readonly kind: 'os-encrypted' | 'user-only-file' | 'memory'
  get(ref: string): Promise<string | null>
  set(ref: string, value: string): Promise<void>
  delete(ref: string): Promise<void>
  /** Every reference with a value, so that what belongs to a removed endpoint can be found. */
  refs(): Promise<string[]>
}

/** The endpoint a secret reference belongs to: references are `<purpose>:<endpoint id>`. */
export function endpointOfRef(ref: string): string | null {
  const at = ref.indexOf(':')
  return at < 0 ? null : ref.slice(at + 1)
}

const SecretsFile = z.object({ schemaVersion: z.literal(1), secrets: z.record(z.string(), z.string()) })

/**
 * Secrets in one JSON file with mode 0600 (readable by the user only). An optional codec lets the
 * desktop shell encrypt each value with the OS keychain before it reaches the disk.
 */
export class FileSecretStore implements SecretStore {
  private cache: Record<string, string> | null = null
  private writing: Promise<void> = Promise.resolve()

  constructor(
    readonly file: string,
    readonly kind: SecretStore['kind'] = 'user-only-file',
    private readonly codec: { encode(plain: string): string; decode(stored: string): string } = { encode: (s) => s, decode: (s) => s },
  ) {}

  private async load(): Promise<Record<string, string>> {
    if (this.cache) return this.cache
    try {
      const parsed = SecretsFile.parse(JSON.parse(await fs.readFile(this.file, 'utf8')))
      this.cache = parsed.secrets
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error
      this.cache = {}
    }
    // Tighten permissions if someone loosened them.
    await fs.chmod(this.file, 0o600).catch(() => undefined)
    return this.cache
  }

  async get(ref: string): Promise<string | null> {
    const stored = (await this.load())[ref]
    return stored === undefined ? null : this.codec.decode(stored)
  }

  async set(ref: string, value: string): Promise<void> {
    const secrets = await this.load()
    secrets[ref] = this.codec.encode(value)
    await this.persist()
  }

  async delete(ref: string): Promise<void> {
    const secrets = await this.load()
    delete secrets[ref]
    await this.persist()
  }

  async refs(): Promise<string[]> {
    return Object.keys(await this.load())
  }

  private persist(): Promise<void> {
    const run = this.writing.then(() => writeFileAtomic(this.file, JSON.stringify({ schemaVersion: 1, secrets: this.cache }, null, 2) + '\n', 0o600))
    this.writing = run.catch(() => undefined)
    return run
  }
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const
  private readonly values = new Map<string, string>()
  async get(ref: string) {
    return this.values.get(ref) ?? null
  }
  async set(ref: string, value: string) {
    this.values.set(ref, value)
  }
  async delete(ref: string) {
    this.values.delete(ref)
  }
  async refs() {
    return [...this.values.keys()]
  }
}
