// Test helpers only (imported by the *.test.ts files here): a real Baileys socket on the loopback simulator,
// with creds persisted the way the gateway does it, and waits that know when those writes have finished.
import {
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { vi } from 'vitest';
import { connect, trustSimulator, type SimClient } from '../../../../e2e/wa-sim/client';
import { startSim, type Phone, type Sim } from '../../../../e2e/wa-sim/index';
import { Recorder } from '../../../../e2e/wa-sim/server/model';
import { openStore, type Store } from '../../store/db';
import type { KeyType } from './key-store';

/** A pino logger whose lines are kept in memory, so tests can assert on warnings. */
export function memoryLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export interface TempState {
  stateDir: string;
  store: Store;
  cleanup(): void;
}

/** A state dir with a real state.db (all migrations applied), removed again by cleanup(). */
export function tempState(prefix = 'openclaw-auth-'): TempState {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const store = openStore(path.join(stateDir, 'state.db'));
  return {
    stateDir,
    store,
    cleanup() {
      store.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function startTrustedSim(seed: string): Promise<Sim> {
  // libsignal narrates every session it opens on the console.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const sim = await startSim({ seed });
  trustSimulator(sim.rootPublicKey);
  return sim;
}

export interface Session {
  client: SimClient;
  upserts: WAMessage[];
  /** The upsert of message `id`, past or future. */
  nextUpsert(id: string, timeoutMs?: number): Promise<WAMessage>;
  /** Resolves once every creds write triggered so far has finished. */
  settled(): Promise<void>;
  /** Ends the socket and waits for pending creds writes. */
  stop(): Promise<void>;
}

/** Connects a socket with `auth`, saving creds through `saveCreds` on every creds.update. */
export function openSession(sim: Sim, auth: AuthenticationState, saveCreds: () => Promise<void>): Session {
  const client = connect(sim.url, { state: auth, snapshot: () => '' });
  const upserts = new Recorder<WAMessage>();
  let saving: Promise<unknown> = Promise.resolve();
  client.sock.ev.on('creds.update', () => {
    // Saves are applied in call order, so waiting for the newest one waits for all of them.
    saving = saveCreds();
  });
  client.sock.ev.on('messages.upsert', ({ messages }) => {
    for (const m of messages) upserts.push(m);
  });
  const settled = async () => {
    await saving;
  };
  return {
    client,
    upserts: upserts.items,
    settled,
    nextUpsert: (id, timeoutMs = 10_000) =>
      upserts.next((m) => m.key.id === id, `message ${id} to reach Baileys`, timeoutMs),
    async stop() {
      client.end();
      await settled();
    },
  };
}

/** QR-links a fresh auth state for `phone`: scan, the 515 close, creds saved. */
export async function linkByQr(
  sim: Sim,
  phone: Phone,
  auth: AuthenticationState,
  saveCreds: () => Promise<void>,
): Promise<void> {
  const pairing = openSession(sim, auth, saveCreds);
  const { qr } = await pairing.client.waitFor((u) => !!u.qr, 'a QR');
  await phone.scan(qr!);
  await pairing.client.waitFor((u) => u.connection === 'close', 'the 515 restart');
  await pairing.stop();
}

/** Connects an already-linked state and waits until it is open and past the offline backlog; fails on any QR. */
export async function reconnect(
  sim: Sim,
  auth: AuthenticationState,
  saveCreds: () => Promise<void>,
): Promise<Session> {
  const session = openSession(sim, auth, saveCreds);
  const first = await session.client.waitFor((u) => u.connection === 'open' || !!u.qr, 'open');
  if (first.qr) {
    await session.stop();
    throw new Error('expected a login with the saved credentials, got a QR code');
  }
  await session.client.waitFor((u) => u.receivedPendingNotifications === true, 'the offline marker');
  return session;
}

const bytes = (...b: number[]) => new Uint8Array(b);

/** One realistic value per key type Baileys rc14 stores, shaped as Baileys hands them to set(). */
export function keySamples(): { [T in KeyType]: { id: string; value: SignalDataTypeMap[T] } } {
  return {
    'pre-key': { id: '17', value: { public: bytes(1, 2, 3), private: bytes(4, 5, 6) } },
    session: { id: '15551234567.0', value: bytes(9, 8, 7) },
    'sender-key': { id: '120363000000000001@g.us::15551234567::0', value: Buffer.from('{"k":1}') },
    'sender-key-memory': {
      id: '120363000000000001@g.us',
      value: { '15551234567:1@s.whatsapp.net': true },
    },
    'app-state-sync-key': {
      id: 'AAAAAQ/+',
      value: proto.Message.AppStateSyncKeyData.create({
        keyData: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
        fingerprint: { rawId: 42, currentIndex: 3, deviceIndexes: [0, 2] },
        timestamp: 1_700_000_000_123,
      }),
    },
    'app-state-sync-version': {
      id: 'regular_high',
      value: { version: 5, hash: Buffer.alloc(128, 7), indexValueMap: { bWFj: { valueMac: bytes(1, 1) } } },
    },
    'lid-mapping': { id: '15551234567', value: '99887766554433' },
    'device-list': { id: '15551234567', value: ['0', '3'] },
    tctoken: {
      id: '15551234567@s.whatsapp.net',
      value: { token: Buffer.from('tok'), timestamp: '1700000000' },
    },
    'identity-key': { id: '99887766554433_1.0', value: bytes(5, 5, 5, 5) },
  };
}

/** Keys whose ids useMultiFileAuthState escapes in file names in ways that cannot be reversed naively. */
export function awkwardKeys(): SignalDataSet {
  return {
    // Old-style group id with a dash, LID sender with a domain suffix: `::` becomes `--` in the file name.
    'sender-key': { '15551234567-1600000000@g.us::99887766554433_1::2': Buffer.from('{"old":1}') },
    // A "sender-key-memory" file must not be read as a "sender-key" with id "memory-…".
    'sender-key-memory': { '15551234567-1600000000@g.us': { x: true } },
    // Base64 ids: `/` becomes `__`.
    'app-state-sync-key': {
      'a/b/c+==': proto.Message.AppStateSyncKeyData.create({ keyData: Buffer.from([1]), timestamp: 1 }),
    },
    // Baileys' own sentinel id, which must not be "unescaped" into "/index".
    tctoken: { __index: { token: Buffer.from('["15551234567@s.whatsapp.net"]') } },
    'lid-mapping': { '99887766554433_reverse': '15551234567' },
    session: { '99887766554433_1.12': bytes(1, 2) },
  };
}

/** Creds shaped like a linked device's: fresh keys plus the account identity and signed device identity pairing adds. */
export function linkedCreds(meId: string, extra: Partial<AuthenticationCreds> = {}): AuthenticationCreds {
  return {
    ...initAuthCreds(),
    me: { id: meId, name: 'test' },
    account: {
      details: Buffer.from('details'),
      accountSignatureKey: Buffer.alloc(32, 1),
      accountSignature: Buffer.alloc(64, 2),
      deviceSignature: Buffer.alloc(64, 3),
    },
    ...extra,
  };
}
