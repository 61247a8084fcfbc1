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
const SecretsFile = z.object({
  schemaVersion: z.literal(2),
  secrets: z.record(z.string(), StoredSecret),
  /**
   * Values the desktop app kept in plain text while it had no keychain: it encrypts them once it has
   * one. Those the headless host wrote are not listed, and stay readable there. (Earlier versions
   * ignore the list.)
   */
  awaitingKeychain: z.array(z.string()).default([]),
})

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
  private loading: Promise<Record<string, StoredSecret>> | null = null
  /** References whose plain value the desktop app wrote without a keychain (`awaitingKeychain`). */
  private awaiting = new Set<string>()
  private writing: Promise<void> = Promise.resolve()
  readonly kind: SecretStore['kind']

  /**
   * `desktop`: the store of the desktop app, which encrypts with the keychain when the system has
   * one (`cipher`); what it keeps in plain text meanwhile is encrypted on the first load with one.
   */
  constructor(
    readonly file: string,
    private readonly cipher: SecretCipher | null = null,
    private readonly options: { desktop?: boolean } = {},
  ) {
    this.kind = cipher ? 'os-encrypted' : 'user-only-file'
  }

  private load(): Promise<Record<string, StoredSecret>> {
    if (this.cache) return Promise.resolve(this.cache)
    this.loading ??= this.read().finally(() => (this.loading = null))
    return this.loading
  }

  private async read(): Promise<Record<string, StoredSecret>> {
    let secrets: Record<string, StoredSecret>
    try {
      const json: unknown = JSON.parse(await fs.readFile(this.file, 'utf8'))
      const old = SecretsFileV1.safeParse(json)
      if (old.success) {
        secrets = Object.fromEntries(Object.entries(old.data.secrets).map(([ref, value]) => [ref, looksEncrypted(value) ? { encrypted: value } : value]))
      } else {
        const current = SecretsFile.parse(json)
        secrets = current.secrets
        this.awaiting = new Set(current.awaitingKeychain.filter((ref) => typeof secrets[ref] === 'string'))
      }
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error
      secrets = {}
    }
    this.cache = secrets
    // Tighten permissions if someone loosened them.
    await fs.chmod(this.file, 0o600).catch(() => undefined)
    await this.encryptAwaiting()
    return secrets
  }

  /** With a keychain now, the values kept in plain text while there was none are encrypted (one write). */
  private async encryptAwaiting(): Promise<void> {
    const secrets = this.cache
    if (!this.cipher || !secrets || this.awaiting.size === 0) return
    let changed = false
    for (const ref of [...this.awaiting]) {
      const value = secrets[ref]
      if (typeof value !== 'string') {
        this.awaiting.delete(ref)
        continue
      }
      try {
        secrets[ref] = { encrypted: this.cipher.encrypt(value) }
        this.awaiting.delete(ref)
        changed = true
      } catch {
        // The keychain refused: the value stays as it is, read as before, and is tried again next start.
      }
    }
    // A write that fails is made again with the next change: the values read the same meanwhile.
    if (changed) await this.persist().catch(() => undefined)
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
    if (!this.cipher && this.options.desktop) this.awaiting.add(ref)
    else this.awaiting.delete(ref)
    await this.persist()
  }

  async delete(ref: string): Promise<void> {
    const secrets = await this.load()
    delete secrets[ref]
    this.awaiting.delete(ref)
    await this.persist()
  }

  async refs(): Promise<string[]> {
    return Object.keys(await this.load())
  }

  private document(): string {
    const awaiting = [...this.awaiting]
    return JSON.stringify({ schemaVersion: 2, secrets: this.cache, ...(awaiting.length > 0 ? { awaitingKeychain: awaiting } : {}) }, null, 2) + '\n'
  }

  private persist(): Promise<void> {
    const run = this.writing.then(() => writeFileAtomic(this.file, this.document(), 0o600))
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
