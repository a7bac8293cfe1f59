// Reconnect loops and degraded accounts end to end: a real gateway (in this process) running the real Baileys
// client against the loopback simulator, which plays a server stuck asking for restarts or refusing connections.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { tokenFilePath } from '../src/gateway/control/token';
import { RETIRED_GRACE_MS } from '../src/gateway/whatsapp/socket-storages';
import { MAX_RESTARTS_IN_A_ROW } from '../src/gateway/whatsapp/reconnect-policy';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { PER_PROMISE_HOOK, storagesOnNewPromises } from './support/storages';
import { openRaw, type RawClient } from './support/ws-client';

let sim: Sim;
const running: Array<{ gw: Gateway; t: TestEnv }> = [];

beforeAll(async () => {
  // libsignal narrates every session it opens on the console.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'reconnect' });
});

afterEach(async () => {
  sim.fault.restartAfterEachLogin(null);
  sim.fault.acceptConnections();
  for (const { gw, t } of running.splice(0)) {
    await gw.stop();
    await t.cleanup();
  }
});

afterAll(() => sim?.close());

/** Quick attempts; the slow rate of a degraded account is 10 × maxMs (4 s here). */
const MAX_ATTEMPTS = 3;
const quick = `web: { heartbeatSeconds: 1, reconnect: { initialMs: 250, maxMs: 400, factor: 1.1, jitter: 0, maxAttempts: ${MAX_ATTEMPTS} } },`;
/** The same, but a degraded account's own next try is 10 min away: only a Reconnect can bring it back in a test. */
const slowRetry = `web: { heartbeatSeconds: 1, reconnect: { initialMs: 250, maxMs: 60000, factor: 1.1, jitter: 0, maxAttempts: 2 } },`;

async function gateway(config: string): Promise<RawClient> {
  const t = await makeTestEnv(config);
  const gw = await startGateway({ env: { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url }, serveUi: false });
  running.push({ gw, t });
  const client = await openRaw(t.port);
  await client.request('connect', { token: (await readFile(tokenFilePath(t.stateDir), 'utf8')).trim() });
  await client.request('events.subscribe', { events: ['channels.state'] });
  return client;
}

async function call<T>(client: RawClient, method: string, params?: unknown): Promise<T> {
  const res = await client.request(method, params);
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  return res.value as T;
}

function nextState(client: RawClient, state: string, timeoutMs = 15_000): Promise<AccountStatus> {
  return client.nextEvent(
    'channels.state',
    (p) => (p as AccountStatus).accountId === 'default' && (p as AccountStatus).state === state,
    timeoutMs,
  ) as Promise<AccountStatus>;
}

async function link(client: RawClient, e164: string): Promise<void> {
  const started = await call<{ qr: { qr: string } }>(client, 'channels.login.start', {});
  await sim.phone(e164).scan(started.qr.qr);
  const status = await call<AccountStatus>(client, 'channels.login.wait', { timeoutMs: 15_000 });
  expect(status.state).toBe('open');
}

/** An account that cannot reach WhatsApp until it runs out of quick attempts. */
async function degradeByOutage(client: RawClient, e164: string): Promise<AccountStatus> {
  sim.fault.refuseConnections();
  const degraded = nextState(client, 'degraded');
  sim.fault.abruptClose(sim.phone(e164).account);
  return degraded;
}

describe('a server that asks for a restart (515) right after every login', () => {
  it('gets a bounded number of logins and a visible degraded state; once it stops, the account comes back by itself', async () => {
    const client = await gateway(quick);
    const e164 = '+15550300515';
    await link(client, e164);
    const user = e164.slice(1);
    const before = sim.server.loginAttempts.get(user) ?? 0;

    sim.fault.restartAfterEachLogin(20);
    const degraded = nextState(client, 'degraded');
    await sim.fault.restartRequired(sim.phone(e164).account);
    const status = await degraded;
    // A few restarts at once, then the quick attempts with backoff, then the slow rate: not hundreds of logins.
    const logins = (sim.server.loginAttempts.get(user) ?? 0) - before;
    expect(logins).toBeGreaterThan(0);
    expect(logins).toBeLessThanOrEqual(MAX_RESTARTS_IN_A_ROW + MAX_ATTEMPTS);
    expect(status.lastError).toBe('WhatsApp asked for a restart (515) again right after each login');
    expect(status.reconnectAttempts).toBe(MAX_ATTEMPTS);
    expect(status.running).toBe(false);
    expect(status.nextAttemptAt).toBeDefined();
    expect(status.sentence).toMatch(
      /trying again in \d+ s\. .*`openclaw channels reconnect --account default`/,
    );

    // The server behaves again: the slow retry (4 s here) finds it without anyone asking.
    sim.fault.restartAfterEachLogin(null);
    await nextState(client, 'open');
    const stable = await client.nextEvent(
      'channels.state',
      (p) => (p as AccountStatus).state === 'open' && (p as AccountStatus).reconnectAttempts === 0,
    );
    expect((stable as AccountStatus).connected).toBe(true);
  });

  it('leaves no storage of its closed sockets behind on every promise of the process once stopped', async () => {
    const before = await storagesOnNewPromises();
    const client = await gateway(quick);
    const e164 = '+15550300516';
    await link(client, e164);
    sim.fault.restartAfterEachLogin(20);
    const degraded = nextState(client, 'degraded');
    await sim.fault.restartRequired(sim.phone(e164).account);
    await degraded;
    // Within their grace the closed sockets' storages are still on (before Node 24: one hook visit each per promise).
    const sockets = (await storagesOnNewPromises()) - before;
    if (PER_PROMISE_HOOK) expect(sockets).toBeGreaterThan(MAX_RESTARTS_IN_A_ROW);
    const { gw, t } = running.splice(0)[0]!;
    await gw.stop();
    await t.cleanup();
    expect(await storagesOnNewPromises()).toBe(before);
  });

  it("a running account keeps only its live socket's storage once a closed one's grace is over", async () => {
    const before = await storagesOnNewPromises();
    const client = await gateway(quick);
    const e164 = '+15550300517';
    await link(client, e164);
    // A restart closes a socket that has run key transactions (its storage enabled) and opens the next at once.
    const reopened = nextState(client, 'open');
    await sim.fault.restartRequired(sim.phone(e164).account);
    await reopened;
    const live = PER_PROMISE_HOOK ? 1 : 0;
    // Both on once the new socket has run its first transaction; the closed one stays on for its grace.
    await waitFor(
      async () => (await storagesOnNewPromises()) === before + 2 * live,
      "the closed socket's storage and the new one's",
    );
    await new Promise((r) => setTimeout(r, RETIRED_GRACE_MS + 500));
    expect(await storagesOnNewPromises()).toBe(before + live);
  });
});

describe('Reconnect (channels.reconnect)', () => {
  it('brings a degraded account back at once, long before its own next try', async () => {
    const client = await gateway(slowRetry);
    const e164 = '+15550300001';
    await link(client, e164);
    const status = await degradeByOutage(client, e164);
    expect(status.reconnectAttempts).toBe(2);
    // Ten of the longest waits away: without Reconnect this test would time out.
    expect(Date.parse(status.nextAttemptAt!) - Date.now()).toBeGreaterThan(5 * 60_000);

    sim.fault.acceptConnections();
    const open = nextState(client, 'open');
    const answer = await call<{ accounts: AccountStatus[] }>(client, 'channels.reconnect', {
      accountId: 'default',
    });
    expect(answer.accounts.map((a) => [a.accountId, a.state, a.reconnectAttempts])).toEqual([
      ['default', 'connecting', 0],
    ]);
    expect((await open).connected).toBe(true);
    // An open account has nothing to reconnect.
    expect(await call(client, 'channels.reconnect', {})).toEqual({ accounts: [] });
  });

  it('with waiting: true reconnects every degraded account (what a network change or a wake asks for)', async () => {
    const client = await gateway(
      `${slowRetry} channels: { whatsapp: { accounts: { default: {}, spare: {} } } },`,
    );
    const e164 = '+15550300002';
    await link(client, e164);
    await degradeByOutage(client, e164);
    sim.fault.acceptConnections();
    const open = nextState(client, 'open');
    const answer = await call<{ accounts: AccountStatus[] }>(client, 'channels.reconnect', { waiting: true });
    // The unlinked spare account is not waiting for anything and is left alone.
    expect(answer.accounts.map((a) => a.accountId)).toEqual(['default']);
    await open;
  });

  it('says what is wrong: an unlinked account, an unknown one, both an account and waiting', async () => {
    const client = await gateway(quick);
    const unlinked = await client.request('channels.reconnect', {});
    expect(unlinked).toMatchObject({ ok: false, error: { code: 'whatsapp.not_linked' } });
    expect((unlinked.error as { message: string }).message).toMatch(
      /openclaw channels login --account default/,
    );
    expect(await client.request('channels.reconnect', { accountId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'whatsapp.unknown_account' },
    });
    const both = await client.request('channels.reconnect', { accountId: 'default', waiting: true });
    expect(both).toMatchObject({ ok: false, error: { code: 'control.invalid_params' } });
    expect((both.error as { message: string }).message).toMatch(/either accountId .* or waiting: true/);
  });
});
