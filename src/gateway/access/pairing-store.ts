// Pairing requests and approved senders in state.db. Pure functions over the db handle so the inbound stage, the
// control methods and tests share one implementation; every read-modify-write is one transaction because the
// inbound stage and the control server can touch the same rows in the same tick (and the CLI tests write too).
import type Database from 'better-sqlite3';
import type { ApprovedSender, PairingRequest, PairingSnapshot } from '../../shared/contract';
import { GatewayError } from '../errors';
import { prepare } from '../store/queries/prepare';
import { generatePairingCode } from './pairing-code';

// Lives in its own file (file reading and entry cleanup), exported here so callers find one pairing store.
export { importLegacyAllowFrom, type LegacyImportResult } from './pairing-legacy';

export const PAIRING_TTL_MS = 3_600_000;
export const MAX_PENDING_PER_ACCOUNT = 3;
/** Enough to tell "hi, it's Anna from the gym" from spam; a whole essay has no place in a list or a tray menu. */
export const FIRST_LINE_MAX = 120;

/** A request as stored: the public shape plus the chat to answer on (kept out of events and method results). */
export interface StoredPairingRequest extends PairingRequest {
  chat: string;
}

export type RequestPairingOutcome =
  | { kind: 'created'; request: StoredPairingRequest }
  | { kind: 'existing'; request: StoredPairingRequest }
  | { kind: 'cap'; pending: number };

interface RequestRow {
  account: string;
  sender: string;
  code: string;
  name: string | null;
  chat: string;
  created_at: number;
  expires_at: number;
  first_line: string | null;
}

interface ApprovedRow {
  account: string;
  sender: string;
  name: string | null;
  approved_at: number;
  via: 'pairing' | 'import';
}

const REQUEST_COLUMNS = 'account, sender, code, name, chat, created_at, expires_at, first_line';
// A generator that keeps colliding is broken, not unlucky: 32^8 codes against at most a few pending rows.
const CODE_ATTEMPTS = 16;

export function requestPairing(
  db: Database.Database,
  input: {
    account: string;
    sender: string;
    name?: string;
    chat: string;
    /** What the sender wrote; only its first line is kept (see firstLineOf). */
    text?: string;
    now: number;
    generate?: () => string;
  },
): RequestPairingOutcome {
  const generate = input.generate ?? generatePairingCode;
  const firstLine = input.text === undefined ? null : firstLineOf(input.text);
  const run = db.transaction((): RequestPairingOutcome => {
    expirePairing(db, input.now);
    const existing = prepare<[string, string], RequestRow>(
      db,
      `SELECT ${REQUEST_COLUMNS} FROM pairing_requests WHERE account = ? AND sender = ?`,
    ).get(input.account, input.sender);
    if (existing) {
      // Same code and expiry (a sender must not be able to mint codes by writing again), but answer on the
      // chat they wrote from last. The line the owner reads stays the one that asked (filled in only when a
      // request from before first_line existed has none).
      const name = input.name ?? existing.name;
      const line = existing.first_line ?? firstLine;
      prepare<[string, string | null, string | null, string, string]>(
        db,
        'UPDATE pairing_requests SET chat = ?, name = ?, first_line = ? WHERE account = ? AND sender = ?',
      ).run(input.chat, name, line, input.account, input.sender);
      return {
        kind: 'existing',
        request: toRequest({ ...existing, chat: input.chat, name, first_line: line }),
      };
    }
    const pending = prepare<[string], number>(db, 'SELECT count(*) FROM pairing_requests WHERE account = ?')
      .pluck()
      .get(input.account)!;
    if (pending >= MAX_PENDING_PER_ACCOUNT) return { kind: 'cap', pending };

    const row: RequestRow = {
      account: input.account,
      sender: input.sender,
      code: unusedCode(db, generate),
      name: input.name ?? null,
      chat: input.chat,
      created_at: input.now,
      expires_at: input.now + PAIRING_TTL_MS,
      first_line: firstLine,
    };
    prepare<[RequestRow]>(
      db,
      `INSERT INTO pairing_requests (${REQUEST_COLUMNS})
       VALUES (@account, @sender, @code, @name, @chat, @created_at, @expires_at, @first_line)`,
    ).run(row);
    return { kind: 'created', request: toRequest(row) };
  });
  // IMMEDIATE takes the write lock before the cap is counted, so two writers cannot both see room for one more.
  return run.immediate();
}

/**
 * The first non-blank line of what a sender wrote, as the owner will read it: whitespace runs collapsed, control
 * and bidirectional-override characters dropped (they could disguise the text in a terminal or a menu), at most
 * FIRST_LINE_MAX characters with "…" when cut. Null when nothing readable is left.
 */
export function firstLineOf(text: string): string | null {
  const line = text
    .split(/\r\n|[\n\r\u2028\u2029]/)
    .map((l) =>
      l
        .replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .find((l) => l !== '');
  if (!line) return null;
  // By code point, so an emoji is never cut in half.
  const chars = Array.from(line);
  return chars.length <= FIRST_LINE_MAX
    ? line
    : `${chars
        .slice(0, FIRST_LINE_MAX - 1)
        .join('')
        .trimEnd()}…`;
}

/** Checking before inserting is race-free here: the caller holds the write lock. */
function unusedCode(db: Database.Database, generate: () => string): string {
  const taken = prepare<[string], number>(db, 'SELECT 1 FROM pairing_requests WHERE code = ?').pluck();
  for (let i = 0; i < CODE_ATTEMPTS; i++) {
    const code = generate().toUpperCase();
    if (taken.get(code) === undefined) return code;
  }
  throw new Error(`no unused pairing code after ${CODE_ATTEMPTS} attempts`);
}

export function isApproved(db: Database.Database, account: string, sender: string): boolean {
  return (
    prepare<[string, string], number>(db, 'SELECT 1 FROM approved_senders WHERE account = ? AND sender = ?')
      .pluck()
      .get(account, sender) !== undefined
  );
}

export function approvePairing(
  db: Database.Database,
  input: { account?: string; code: string; now: number },
): { request: StoredPairingRequest; approved: ApprovedSender } {
  const run = db.transaction(() => {
    const found = takeRequest(db, input);
    if ('error' in found) return found;
    const row: ApprovedRow = {
      account: found.row.account,
      sender: found.row.sender,
      name: found.row.name,
      approved_at: input.now,
      via: 'pairing',
    };
    prepare<[ApprovedRow]>(
      db,
      `INSERT INTO approved_senders (account, sender, name, approved_at, via)
       VALUES (@account, @sender, @name, @approved_at, @via)
       ON CONFLICT (account, sender) DO UPDATE
         SET name = coalesce(excluded.name, name), approved_at = excluded.approved_at, via = excluded.via`,
    ).run(row);
    return { request: toRequest(found.row), approved: toApproved(row) };
  });
  const result = run.immediate();
  if ('error' in result) throw result.error;
  return result;
}

export function denyPairing(
  db: Database.Database,
  input: { account?: string; code: string; now: number },
): StoredPairingRequest {
  const result = db.transaction(() => takeRequest(db, input)).immediate();
  if ('error' in result) throw result.error;
  return toRequest(result.row);
}

/**
 * Removes the request for `code` and returns it, or says why not. An expired row is deleted too, but reported as
 * an error; returning (not throwing) lets that delete commit.
 */
function takeRequest(
  db: Database.Database,
  input: { account?: string; code: string; now: number },
): { row: RequestRow } | { error: GatewayError } {
  const code = input.code.trim().toUpperCase();
  const row = prepare<[string], RequestRow>(
    db,
    `SELECT ${REQUEST_COLUMNS} FROM pairing_requests WHERE code = ?`,
  ).get(code);
  if (!row) {
    return {
      error: new GatewayError(
        'pairing.code_unknown',
        `No pending pairing request has the code ${code}. Codes expire after 1 hour; list the pending ones with \`openclaw pairing list whatsapp\`.`,
      ),
    };
  }
  if (input.account !== undefined && row.account !== input.account) {
    return {
      error: new GatewayError(
        'pairing.account_mismatch',
        `The pairing code ${code} is for account "${row.account}", not "${input.account}".`,
      ),
    };
  }
  prepare<[string]>(db, 'DELETE FROM pairing_requests WHERE code = ?').run(code);
  if (row.expires_at <= input.now) {
    return {
      error: new GatewayError(
        'pairing.code_expired',
        `The pairing code ${code} (from ${row.sender}) expired at ${new Date(row.expires_at).toISOString()}; their next message brings a new code.`,
      ),
    };
  }
  return { row };
}

export function revokeSender(db: Database.Database, input: { account: string; sender: string }): boolean {
  return (
    prepare<[string, string]>(db, 'DELETE FROM approved_senders WHERE account = ? AND sender = ?').run(
      input.account,
      input.sender,
    ).changes > 0
  );
}

export function listPairing(
  db: Database.Database,
  input: { account?: string; now: number },
): PairingSnapshot {
  const account = { account: input.account ?? null };
  return db.transaction(() => {
    expirePairing(db, input.now);
    const pending = prepare<[typeof account], RequestRow>(
      db,
      `SELECT ${REQUEST_COLUMNS} FROM pairing_requests
        WHERE @account IS NULL OR account = @account ORDER BY created_at, account, sender`,
    ).all(account);
    const approved = prepare<[typeof account], ApprovedRow>(
      db,
      `SELECT account, sender, name, approved_at, via FROM approved_senders
        WHERE @account IS NULL OR account = @account ORDER BY approved_at, account, sender`,
    ).all(account);
    return { pending: pending.map((r) => publicRequest(toRequest(r))), approved: approved.map(toApproved) };
  })();
}

/** Deletes every request whose hour is up; returns how many. */
export function expirePairing(db: Database.Database, now: number): number {
  return prepare<[number]>(db, 'DELETE FROM pairing_requests WHERE expires_at <= ?').run(now).changes;
}

/** Drops the chat JID: events and method results carry only the contract's fields. */
export function publicRequest(request: StoredPairingRequest): PairingRequest {
  const { chat: _chat, ...rest } = request;
  return rest;
}

function toRequest(row: RequestRow): StoredPairingRequest {
  return {
    accountId: row.account,
    sender: row.sender,
    ...(row.name ? { name: row.name } : {}),
    code: row.code,
    ...(row.first_line ? { firstLine: row.first_line } : {}),
    chat: row.chat,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

function toApproved(row: ApprovedRow): ApprovedSender {
  return {
    accountId: row.account,
    sender: row.sender,
    ...(row.name ? { name: row.name } : {}),
    approvedAt: new Date(row.approved_at).toISOString(),
    via: row.via,
  };
}
