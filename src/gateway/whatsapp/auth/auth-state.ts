// One account's Baileys auth state: creds in `<authDir>/creds.json` (CredsFile), Signal keys in state.db
// (key-store). Hand `state` to makeWASocket as `auth` and call saveCreds() on every 'creds.update'.
import { initAuthCreds, type AuthenticationState } from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import { CredsFile } from './creds-file';
import { deleteAccountKeys, sqliteKeyStore } from './key-store';

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
  /** Persists `state.creds`; call on every 'creds.update' (Baileys mutates `state.creds` itself). */
  saveCreds(): Promise<void>;
  /** Waits until every creds write started so far is on disk (for shutdown). */
  flush(): Promise<void>;
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

  return {
    state,
    saveCreds: () => file.save(state.creds),
    flush: () => file.flush(),
    isLinked: () => !!state.creds.me?.id,
    authAgeMs() {
      try {
        return Math.max(0, Date.now() - statSync(file.file).mtimeMs);
      } catch {
        return null;
      }
    },
    async clear() {
      // Creds first: they are what makes the account count as linked. Should deleting the keys then fail, what is
      // left is harmless leftovers (a new link overwrites or supersedes them), never creds whose keys are gone.
      await file.remove();
      const keys = deleteAccountKeys(db, accountId);
      log.info({ authDir, keys }, 'WhatsApp credentials and keys removed');
    },
  };
}
