// No Signal key material in what a gateway prints or logs. libsignal (under Baileys) narrates session changes
// through console.info with the whole SessionEntry, private keys included; a contact that re-keys makes the
// gateway close its session with that contact and open another, which is exactly when it does so. This runs the
// real `openclaw gateway run` against the simulator, captures everything the process writes, and looks for the
// real key bytes the gateway stored.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { resolveLogFile } from '../src/gateway/config/paths';
import { tokenFilePath } from '../src/gateway/control/token';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw } from './support/ws-client';

let sim: Sim;
let t: TestEnv;
let gateway: GatewayProcess | null = null;

beforeAll(async () => {
  sim = await startSim({ seed: 'signal-keys-output' });
  // Debug level, so the demoted libsignal lines reach the file too and are checked there as well.
  t = await makeTestEnv();
  await t.writeConfig(
    `{ logging: { file: ${JSON.stringify(t.logFile)}, level: "debug" },\n` +
      `  channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"], sendReadReceipts: false } } }\n`,
  );
});

afterAll(async () => {
  if (gateway) await gateway.interrupt();
  await sim?.close();
  await t?.cleanup();
});

function query<T>(sql: string): T[] {
  const db = new Database(join(t.stateDir, 'state.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Secret halves of the stored sessions: private ratchet keys, root keys, chain keys, message keys. */
function storedSecrets(): Buffer[] {
  const secrets: Buffer[] = [];
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      if (/^(privKey|rootKey|key|\d+)$/.test(key) && /^[A-Za-z0-9+/]{40,}={0,2}$/.test(value))
        secrets.push(Buffer.from(value, 'base64'));
      return;
    }
    if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, k);
  };
  const rows = query<{ value: string }>(`SELECT value FROM wa_keys WHERE type = 'session'`);
  for (const row of rows) walk(JSON.parse(row.value), '');
  return secrets;
}

function closedSessions(): number {
  const rows = query<{ value: string }>(`SELECT value FROM wa_keys WHERE type = 'session'`);
  return rows.reduce((n, row) => n + (row.value.match(/"closed":\d{10,}/g)?.length ?? 0), 0);
}

it('a contact re-keys: the closed session reaches neither stdout, stderr nor the log file', async () => {
  gateway = await spawnGateway({ ...t.env, OPENCLAW_WA_SIMULATOR: sim.url });
  const client = await openRaw(t.port);
  await client.request('connect', { token: (await readFile(tokenFilePath(t.stateDir), 'utf8')).trim() });
  const started = await client.request('channels.login.start', {});
  const phone = sim.phone('+15550400001', { name: 'Owner' });
  await phone.scan((started.value as { qr: { qr: string } }).qr.qr);
  const linked = await client.request('channels.login.wait', { timeoutMs: 15_000 });
  expect((linked.value as AccountStatus).state).toBe('open');

  const alice = sim.contact('+15550400002', { name: 'Alice' });
  const accepted = () => query<{ n: number }>('SELECT COUNT(*) AS n FROM accepted')[0]!.n;
  for (let i = 0; i < 3; i++) await alice.send(phone, `before ${i}`);
  await waitFor(() => accepted() === 3, 'the first messages handed on');

  // Twice, so libsignal also has an already-closed session around when it closes the next one.
  for (let round = 0; round < 2; round++) {
    alice.resetSession(phone);
    for (let i = 0; i < 3; i++) await alice.send(phone, `after reset ${round}.${i}`);
  }
  await waitFor(() => accepted() === 9, 'every message after the re-keys handed on');
  expect(closedSessions()).toBeGreaterThanOrEqual(2);
  client.close();
  expect(await gateway.interrupt()).toBe(0);
  const output = gateway.output();
  gateway = null;

  const logText = readFileSync(resolveLogFile(t.logFile), 'utf8');
  const secrets = storedSecrets();
  expect(secrets.length).toBeGreaterThan(10);
  for (const [where, text] of [
    ['stdout+stderr', output],
    ['log file', logText],
  ] as const) {
    for (const word of ['privKey', 'rootKey', 'chainKey', '<Buffer']) {
      expect(text.includes(word), `${where} contains ${word}`).toBe(false);
    }
    for (const secret of secrets) {
      for (const form of [
        secret.toString('hex'),
        secret.toString('base64'),
        secret
          .subarray(0, 8)
          .toString('hex')
          .replace(/(..)(?!$)/g, '$1 '),
      ]) {
        expect(text.includes(form), `${where} contains key bytes ${form}`).toBe(false);
      }
    }
  }
  // The libsignal narration went through the logger, demoted to debug (the level this config runs at), censored.
  expect(logText).toMatch(
    /"level":20,[^\n]*"subsystem":"console","msg":"Closing session: <redacted SessionEntry>"/,
  );
  expect(output).toMatch(/ debug console Closing session: <redacted SessionEntry>\n/);
}, 90_000);
