// Exactly once across a crash: a gateway process (the real CLI) receives 500 messages from simulated contacts
// through the real Baileys client, is killed with SIGKILL while most of them are stored but not yet handed on,
// and after a restart every one of them is handed on exactly once.
import Database from 'better-sqlite3';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { tokenFilePath } from '../src/gateway/control/token';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw } from './support/ws-client';

const MESSAGES = 500;
const CONTACTS = 5;

let sim: Sim;
let t: TestEnv;
let gateway: GatewayProcess | null = null;

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'inbound-crash' });
  t = await makeTestEnv(
    `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"], sendReadReceipts: false } },`,
  );
});

afterAll(async () => {
  if (gateway) await gateway.interrupt();
  await sim?.close();
  await t?.cleanup();
});

const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...t.env, OPENCLAW_WA_SIMULATOR: sim.url, ...extra });

async function control() {
  const client = await openRaw(t.port);
  await client.request('connect', { token: (await readFile(tokenFilePath(t.stateDir), 'utf8')).trim() });
  return client;
}

function counts(): { inbox: number; pending: number; accepted: number; distinct: number } {
  const db = new Database(join(t.stateDir, 'state.db'), { readonly: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      inbox: one('SELECT COUNT(*) AS n FROM inbox'),
      pending: one(`SELECT COUNT(*) AS n FROM inbox WHERE state = 'pending'`),
      accepted: one('SELECT COUNT(*) AS n FROM accepted'),
      distinct: one('SELECT COUNT(DISTINCT account || chat || message_id) AS n FROM accepted'),
    };
  } finally {
    db.close();
  }
}

it(`SIGKILL with ${MESSAGES} stored messages in flight: after a restart each is handed on exactly once`, async () => {
  // Slowed processing (fault injection) so the kill lands while most messages are stored but not handed on.
  gateway = await spawnGateway(env({ OPENCLAW_FAULT_INBOUND_DELAY_MS: '20' }));
  let client = await control();
  const started = await client.request('channels.login.start', {});
  const phone = sim.phone('+15550300001', { name: 'Owner' });
  await phone.scan((started.value as { qr: { qr: string } }).qr.qr);
  const linked = await client.request('channels.login.wait', { timeoutMs: 15_000 });
  expect((linked.value as AccountStatus).state).toBe('open');

  const contacts = Array.from({ length: CONTACTS }, (_, i) =>
    sim.contact(`+1555030100${i}`, { name: `C${i}` }),
  );
  const sent = new Set<string>();
  for (let i = 0; i < MESSAGES; i++) sent.add(await contacts[i % CONTACTS]!.send(phone, `message ${i}`));

  await waitFor(() => counts().inbox === MESSAGES, `all ${MESSAGES} messages stored`, 30_000);
  gateway.child.kill('SIGKILL');
  await new Promise((r) => gateway!.child.once('exit', r));
  gateway = null;
  client.close();
  const atKill = counts();
  // The crash really interrupted work: some were handed on, and many were not yet.
  expect(atKill.pending).toBeGreaterThan(0);
  expect(atKill.accepted).toBeLessThan(MESSAGES);
  expect(atKill.accepted).toBe(atKill.distinct);

  gateway = await spawnGateway(env());
  client = await control();
  await waitFor(() => counts().accepted === MESSAGES, 'every message handed on after the restart', 30_000);
  // Anything still to come (a second hand-off, a redelivery) would show up now.
  await waitFor(() => counts().pending === 0, 'nothing left pending');
  const after = counts();
  expect(after).toEqual({ inbox: MESSAGES, pending: 0, accepted: MESSAGES, distinct: MESSAGES });

  const db = new Database(join(t.stateDir, 'state.db'), { readonly: true });
  const ids = new Set(
    (db.prepare('SELECT message_id FROM accepted').all() as Array<{ message_id: string }>).map(
      (r) => r.message_id,
    ),
  );
  db.close();
  expect(ids).toEqual(sent);
  client.close();
}, 120_000);
