// Signing secrets encrypted with the operating system's keychain (Electron's safeStorage). Owns:
// deciding whether the keychain really protects them, and the cipher the secret store uses if so.
import type { SafeStorage } from 'electron'
import type { SecretCipher } from '../core/secrets'

export type KeychainApi = Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>

/**
 * The keychain cipher, or null when there is no keychain to protect secrets: then they are kept in
 * plain text in the user-only file, as the headless host keeps them. On Linux without a keyring
 * (`basic_text`), safeStorage encrypts with a key built into every copy of Chromium, which protects
 * nothing the file's permissions do not.
 */
export function keychainCipher(safeStorage: KeychainApi, platform: NodeJS.Platform = process.platform): SecretCipher | null {
  if (!safeStorage.isEncryptionAvailable()) return null
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null
  return {
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
  }
}
