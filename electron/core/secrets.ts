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

/**
 * How the desktop shell encrypts a value with the operating system's keychain (Electron's safeStorage).
 * Encrypting and decrypting throw when the keychain will not.
 */
export interface SecretCipher {
  encrypt(plain: string): string
  decrypt(stored: string): string
}

/** A value as stored: plain text (in the user-only file), or encrypted by the keychain. */
const StoredSecret = z.union([z.string(), z.object({ encrypted: z.string() })])
type StoredSecret = z.infer<typeof StoredSecret>

// Version 1 kept every value as a string, encrypted or not depending on the host that wrote it.
const SecretsFileV1 = z.object({ schemaVersion: z.literal(1), secrets: z.record(z.string(), z.string()) })
const SecretsFile = z.object({ schemaVersion: z.literal(2), secrets: z.record(z.string(), StoredSecret) })

/**
 * Whether a version 1 value is a keychain ciphertext (base64 of safeStorage's output, which starts
 * with its version tag `v10` or `v11` on every platform) rather than a secret in plain text.
 */
export function looksEncrypted(value: string): boolean {
  if (!/^[A-Za-z0-9+/]{24,}={0,2}$/.test(value) || value.length % 4 !== 0) return false
  const head = Buffer.from(value.slice(0, 4), 'base64').toString('latin1')
  return head === 'v10' || head === 'v11'
}

/**
 * Secrets in one JSON file with mode 0600 (readable by the user only). With a cipher (the desktop
 * app, when the keychain is available) each value is encrypted before it reaches the disk. Each value
 * says how it was stored, so that a data folder used by both hosts, or by the desktop app with and
 * without a keychain, never hands over a ciphertext as if it were the secret: a value that cannot be
 * decrypted here reads as no secret.
 */
export class FileSecretStore implements SecretStore {
  private cache: Record<string, StoredSecret> | null = null
  private writing: Promise<void> = Promise.resolve()
  readonly kind: SecretStore['kind']

  constructor(
    readonly file: string,
    private readonly cipher: SecretCipher | null = null,
  ) {
    this.kind = cipher ? 'os-encrypted' : 'user-only-file'
  }

  private async load(): Promise<Record<string, StoredSecret>> {
    if (this.cache) return this.cache
    try {
      const json: unknown = JSON.parse(await fs.readFile(this.file, 'utf8'))
      const old = SecretsFileV1.safeParse(json)
      this.cache = old.success
        ? Object.fromEntries(Object.entries(old.data.secrets).map(([ref, value]) => [ref, looksEncrypted(value) ? { encrypted: value } : value]))
        : SecretsFile.parse(json).secrets
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
    if (stored === undefined) return null
    if (typeof stored === 'string') return stored
    if (!this.cipher) return null
    try {
      return this.cipher.decrypt(stored.encrypted)
    } catch {
      return null
    }
  }

  async set(ref: string, value: string): Promise<void> {
    const secrets = await this.load()
    secrets[ref] = this.cipher ? { encrypted: this.cipher.encrypt(value) } : value
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
    const run = this.writing.then(() => writeFileAtomic(this.file, JSON.stringify({ schemaVersion: 2, secrets: this.cache }, null, 2) + '\n', 0o600))
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
