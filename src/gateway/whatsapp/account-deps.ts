// What a WhatsApp account (account.ts) is given by the manager: its identity and folders, the store, its loggers,
// the live settings it reads on each use, and where it reports.
import type { UserFacingSocketConfig } from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AccountStatus, QrEvent } from '../../shared/contract';
import type { RawInbound } from '../inbound/types';
import type { ReconnectPolicy } from './reconnect-policy';

export interface AccountDeps {
  accountId: string;
  name?: string;
  authDir: string;
  db: Database.Database;
  log: Logger;
  heartbeatLog: Logger;
  reconnectLog: Logger;
  baileysLog: Logger;
  policy(): ReconnectPolicy;
  heartbeatSeconds(): number;
  socketOptions(): Partial<UserFacingSocketConfig>;
  /** How long a connect may take before it is ended and retried; CONNECT_TIMEOUT_MS unless a test shortens it. */
  connectTimeoutMs?: number;
  random?: () => number;
  onStatus(status: AccountStatus): void;
  onQr(qr: QrEvent): void;
  /** Inbound messages, converted, one batch per Baileys upsert, in the order Baileys delivered them. */
  onInbound?(batch: RawInbound[]): boolean | void;
  /** Where inbound media of this account is saved. */
  mediaDir: string;
  /** Extra fetch options for media downloads (the simulator's CA). */
  mediaFetchOptions?: RequestInit;
  inboundLog: Logger;
}
