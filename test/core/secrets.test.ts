// Signing secrets in one data folder used by the desktop app (keychain-encrypted when it can) and the
// headless host (plain text in a user-only file): a secret is read back as itself or not at all,
// never as another host's ciphertext.
import { readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileSecretStore, looksEncrypted, type SecretCipher } from '../../electron/core/secrets'
import { keychainCipher, type KeychainApi } from '../../electron/main/secret-cipher'
import { removeDir, tempDir } from '../helpers/engine'

/** Stands in for safeStorage: its output starts with the version tag `v10`, as Chromium's does. */
function fakeKeychain(key: number): SecretCipher & { calls: number } {
  const flip = (bytes: Buffer) => Buffer.from(bytes.map((b) => b ^ key))
  const cipher = {
    calls: 0,
    encrypt(plain: string) {
      cipher.calls++
      return Buffer.concat([Buffer.from('v10'), flip(Buffer.from(plain, 'utf8')), Buffer.alloc(16, key)]).toString('base64')
    },
    decrypt(stored: string) {
      const bytes = Buffer.from(stored, 'base64')
      if (bytes.subarray(0, 3).toString() !== 'v10' || bytes.at(-1) !== key) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return flip(bytes.subarray(3, -16)).toString('utf8')
    },
  }
  return cipher
}

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
let dir: string
let file: string
beforeEach(async () => {
  dir = await tempDir('hookscope-secrets-')
  file = path.join(dir, 'secrets.json')
})
afterEach(() => removeDir(dir))

describe('a secret stored by one host, read by another', () => {
  it('is encrypted on disk by the desktop app with a keychain, and read back there', async () => {
    const keychain = fakeKeychain(7)
    await new FileSecretStore(file, keychain).set('signature:ep_1', SECRET)
    const onDisk = await readFile(file, 'utf8')
    expect(onDisk).not.toContain(SECRET)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(await new FileSecretStore(file, keychain).get('signature:ep_1')).toBe(SECRET)
  })

  it('reads as no secret, never as its ciphertext, where the keychain is not available', async () => {
    await new FileSecretStore(file, fakeKeychain(7)).set('signature:ep_1', SECRET)
    const headless = new FileSecretStore(file)
    expect(await headless.get('signature:ep_1')).toBeNull()
    expect(await headless.refs()).toEqual(['signature:ep_1'])
    // Set again there, it is kept in plain text, and the desktop app reads it too.
    await headless.set('signature:ep_1', 'whsec_new')
    expect(await new FileSecretStore(file, fakeKeychain(7)).get('signature:ep_1')).toBe('whsec_new')
  })

  it('is read as stored when the headless host (or the app without a keychain) kept it in plain text', async () => {
    await new FileSecretStore(file).set('signature:ep_1', SECRET)
    const keychain = fakeKeychain(7)
    expect(await new FileSecretStore(file, keychain).get('signature:ep_1')).toBe(SECRET)
  })

  it('reads as no secret when the keychain that encrypted it is not the one available now', async () => {
    await new FileSecretStore(file, fakeKeychain(7)).set('signature:ep_1', SECRET)
    expect(await new FileSecretStore(file, fakeKeychain(9)).get('signature:ep_1')).toBeNull()
  })

  it('tells apart, in a file of the previous version, keychain ciphertexts from secrets in plain text', async () => {
    const keychain = fakeKeychain(7)
    const encrypted = keychain.encrypt(SECRET)
    expect(looksEncrypted(encrypted)).toBe(true)
    for (const plain of [SECRET, 'shh', 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0', 'djEw']) expect(looksEncrypted(plain), plain).toBe(false)
    await writeFile(file, JSON.stringify({ schemaVersion: 1, secrets: { 'signature:ep_1': encrypted, 'signature:ep_2': 'whsec_plain' } }), { mode: 0o600 })
    const headless = new FileSecretStore(file)
    expect(await headless.get('signature:ep_1')).toBeNull()
    expect(await headless.get('signature:ep_2')).toBe('whsec_plain')
    const desktop = new FileSecretStore(file, keychain)
    expect(await desktop.get('signature:ep_1')).toBe(SECRET)
    expect(await desktop.get('signature:ep_2')).toBe('whsec_plain')
  })
})

describe('secrets the desktop app kept in plain text while it had no keychain', () => {
  it('are encrypted on the first start with a keychain, in one write, and read back as themselves', async () => {
    await new FileSecretStore(file, null, { desktop: true }).set('signature:ep_1', SECRET)
    await new FileSecretStore(file, null, { desktop: true }).set('signature:ep_2', 'whsec_two')
    expect(await readFile(file, 'utf8')).toContain(SECRET)

    const keychain = fakeKeychain(7)
    const desktop = new FileSecretStore(file, keychain, { desktop: true })
    expect(await desktop.refs()).toEqual(['signature:ep_1', 'signature:ep_2'])
    const onDisk = await readFile(file, 'utf8')
    expect(onDisk).not.toContain(SECRET)
    expect(onDisk).not.toContain('whsec_two')
    expect(JSON.parse(onDisk)).toEqual({ schemaVersion: 2, secrets: { 'signature:ep_1': { encrypted: expect.any(String) }, 'signature:ep_2': { encrypted: expect.any(String) } } })
    expect(keychain.calls).toBe(2)
    expect(await desktop.get('signature:ep_1')).toBe(SECRET)
    expect(await new FileSecretStore(file, keychain, { desktop: true }).get('signature:ep_2')).toBe('whsec_two')
    // Nothing is left to encrypt: the next start does not write.
    const written = (await stat(file)).mtimeMs
    await new FileSecretStore(file, keychain, { desktop: true }).refs()
    expect(keychain.calls).toBe(2)
    expect((await stat(file)).mtimeMs).toBe(written)
  })

  it('stay in plain text while the keychain refuses, and are encrypted once it does not', async () => {
    await new FileSecretStore(file, null, { desktop: true }).set('signature:ep_1', SECRET)
    const locked: SecretCipher = { encrypt: () => { throw new Error('the keyring is locked') }, decrypt: () => { throw new Error('the keyring is locked') } }
    expect(await new FileSecretStore(file, locked, { desktop: true }).get('signature:ep_1')).toBe(SECRET)
    const keychain = fakeKeychain(7)
    expect(await new FileSecretStore(file, keychain, { desktop: true }).get('signature:ep_1')).toBe(SECRET)
    expect(await readFile(file, 'utf8')).not.toContain(SECRET)
  })

  it('are told from those the headless host wrote in the same folder, which stay readable there', async () => {
    await new FileSecretStore(file).set('signature:ep_headless', 'whsec_headless')
    await new FileSecretStore(file, null, { desktop: true }).set('signature:ep_desktop', SECRET)
    // The headless host writes another value: the desktop app's is still known as its own.
    await new FileSecretStore(file).set('signature:ep_other', 'whsec_other')
    const keychain = fakeKeychain(7)
    expect(await new FileSecretStore(file, keychain, { desktop: true }).get('signature:ep_desktop')).toBe(SECRET)
    const onDisk = await readFile(file, 'utf8')
    expect(onDisk).not.toContain(SECRET)
    const headless = new FileSecretStore(file)
    expect(await headless.get('signature:ep_headless')).toBe('whsec_headless')
    expect(await headless.get('signature:ep_other')).toBe('whsec_other')
    expect(await headless.get('signature:ep_desktop')).toBeNull()
    // A value set again by the headless host is its own: the desktop app leaves it in plain text.
    await new FileSecretStore(file, null, { desktop: true }).set('signature:ep_again', 'whsec_again')
    await new FileSecretStore(file).set('signature:ep_again', 'whsec_headless_again')
    await new FileSecretStore(file, keychain, { desktop: true }).refs()
    expect(await new FileSecretStore(file).get('signature:ep_again')).toBe('whsec_headless_again')
  })
})

describe('the desktop app’s keychain', () => {
  function safeStorage(available: boolean, backend: ReturnType<KeychainApi['getSelectedStorageBackend']>): KeychainApi {
    const keychain = fakeKeychain(3)
    return {
      isEncryptionAvailable: () => available,
      getSelectedStorageBackend: () => backend,
      encryptString: (plain) => Buffer.from(keychain.encrypt(plain), 'base64'),
      decryptString: (bytes) => keychain.decrypt(bytes.toString('base64')),
    }
  }
  it('encrypts with the system keychain when there is one', () => {
    const cipher = keychainCipher(safeStorage(true, 'gnome_libsecret'), 'linux')!
    expect(cipher.decrypt(cipher.encrypt(SECRET))).toBe(SECRET)
    expect(keychainCipher(safeStorage(true, 'unknown'), 'darwin')).not.toBeNull()
  })
  it('keeps secrets in the user-only file when there is no keychain, rather than pretend to encrypt them', () => {
    expect(keychainCipher(safeStorage(false, 'unknown'), 'win32')).toBeNull()
    // Linux without a keyring: safeStorage would use a key built into Chromium.
    expect(keychainCipher(safeStorage(true, 'basic_text'), 'linux')).toBeNull()
  })
})
