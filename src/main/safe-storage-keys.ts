// Model API keys in the desktop app are sealed with Electron's safeStorage (Keychain on macOS, DPAPI on Windows,
// the Secret Service or KWallet on Linux) before they reach the credentials file. Written against the few members
// of safeStorage it uses, so tests drive it with a stand-in under plain Node.
import type { KeyCipher } from '../gateway/agent/providers/keys';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /** Linux only: 'basic_text' means no keyring, just a password built into Chromium. */
  getSelectedStorageBackend?(): string;
}

export const SAFE_STORAGE_CIPHER = 'electron-safeStorage';

/**
 * The cipher for the gateway's KeyStore, or null when safeStorage would protect nothing: unavailable, or on Linux
 * without a keyring (a fixed password anyone can read from Chromium's source). Then the app keeps the 0600 file, as
 * headless does, rather than claim an encryption it does not have. Call after the app is ready.
 */
export function safeStorageCipher(storage: SafeStorageLike, platform: NodeJS.Platform): KeyCipher | null {
  if (!storage.isEncryptionAvailable()) return null;
  if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') return null;
  return {
    name: SAFE_STORAGE_CIPHER,
    encrypt: (plain) => storage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => storage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
