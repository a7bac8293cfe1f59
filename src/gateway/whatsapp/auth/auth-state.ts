// One account's Baileys auth state: creds in `<authDir>/creds.json` (CredsFile), Signal keys in state.db
// (key-store). Hand `state` to makeWASocket as `auth` and call saveCreds() on every 'creds.update'.
import { initAuthCreds, type AuthenticationState } from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import { CredsFile } from './creds-file';
import { RetryingCredsWriter } from './creds-retry';
import { deleteAccountKeys, sqliteKeyStore, type SqliteKeyStore } from './key-store';

export interface OpenAuthStateOptions {
  accountId: string;
  /** The account's credentials folder (ResolvedWhatsAppAccount.authDir). */
  authDir: string;
  db: Database.Database;
  log: Logger;
}

export interface GatewayAuthState {
  /** Pass as `auth` to makeWASocket, unwrapped: Baileys adds its own transaction layer around `keys`. */
  state: AuthenticationState;
  /** `state.keys` as what it is, for writes that cannot wait for Baileys' commit (durable-sends.ts). */
  keys: SqliteKeyStore;
  /** Persists `state.creds`; call on every 'creds.update' (Baileys mutates `state.creds` itself). */
  saveCreds(): Promise<void>;
  /**
   * Shutdown: cancels pending retries and makes one last attempt at the newest creds. Never rejects: a write that
   * still fails is logged (the backup keeps the last good copy).
   */
  flush(): Promise<void>;
  /** Why the newest creds are not on disk ("cannot save <path>: EISDIR"), while retries go on; else undefined. */
  writeError(): string | undefined;
  /** Why saved creds could not be used ("the saved credentials are damaged (…); link again"); else undefined. */
  damage: string | undefined;
  /** Whether these creds belong to a linked device (`creds.me` is set once pairing succeeded). */
  isLinked(): boolean;
  /** Milliseconds since creds.json was last written (its mtime); null when there is no creds.json. */
  authAgeMs(): number | null;
  /** Logout: deletes creds.json, its backup and this account's keys. Nothing else in the folder is touched. */
  clear(): Promise<void>;
}

export async function openAuthState(opts: OpenAuthStateOptions): Promise<GatewayAuthState> {
  const { accountId, authDir, db } = opts;
  const log = opts.log.child({ accountId });
  const file = new CredsFile(authDir, log);
  const keys = sqliteKeyStore(db, accountId);

  const loaded = await file.load();
  // Fresh creds stay in memory until Baileys emits creds.update: writing them now would leave a creds.json
  // for an account that never linked, which would later look like a linked-then-broken one.
  const state: AuthenticationState = { creds: loaded ?? initAuthCreds(), keys };
  log.debug(
    { authDir, linked: !!state.creds.me },
    loaded ? 'loaded WhatsApp credentials' : 'no WhatsApp credentials yet',
  );

  const writer = new RetryingCredsWriter(file, log);
  return {
    state,
    keys,
    damage: file.problem && `the saved credentials are damaged (${file.problem}); link again`,
    // Creds of a device that never linked are worth nothing on disk (and would read back as damaged).
    saveCreds: () => (state.creds.me?.id ? writer.save(state.creds) : Promise.resolve()),
    flush: () => writer.close(),
    writeError: () => writer.error,
    isLinked: () => !!state.creds.me?.id,
    authAgeMs() {
      try {
        return Math.max(0, Date.now() - statSync(file.file).mtimeMs);
      } catch {
        return null;
      }
    },
    async clear() {
      writer.cancel();
      // Creds first: they are what makes the account count as linked. Should deleting the keys then fail, what is
      // left is harmless leftovers (a new link overwrites or supersedes them), never creds whose keys are gone.
      await file.remove();
      const keys = deleteAccountKeys(db, accountId);
      log.info({ authDir, keys }, 'WhatsApp credentials and keys removed');
    },
  };
}
