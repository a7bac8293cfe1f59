// WhatsApp accounts end to end: a real gateway (in this process) running the real Baileys client against the
// loopback simulator, driven through the control API as the UI and CLI drive it.
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { tokenFilePath } from '../src/gateway/control/token';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw, type RawClient } from './support/ws-client';

let sim: Sim;
const running: Array<{ gw: Gateway; t: TestEnv }> = [];

beforeAll(async () => {
  // libsignal narrates every session it opens on the console.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'accounts' });
});

afterEach(async () => {
  for (const { gw, t } of running.splice(0)) {
    await gw.stop();
    await t.cleanup();
  }
});

afterAll(() => sim?.close());

const fastReconnect = `web: { heartbeatSeconds: 1, reconnect: { initialMs: 250, maxMs: 400, factor: 1.1, jitter: 0, maxAttempts: 3 } },`;

async function gateway(t: TestEnv): Promise<{ gw: Gateway; client: RawClient }> {
  const gw = await startGateway({ env: { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url }, serveUi: false });
  running.push({ gw, t });
  const client = await openRaw(t.port);
  await client.request('connect', { token: (await readFile(tokenFilePath(t.stateDir), 'utf8')).trim() });
  await client.request('events.subscribe', { events: ['channels.qr', 'channels.state'] });
  return { gw, client };
}

async function call<T>(client: RawClient, method: string, params?: unknown): Promise<T> {
  const res = await client.request(method, params);
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  return res.value as T;
}

function accountState(client: RawClient, accountId: string, state: string): Promise<unknown> {
  return client.nextEvent(
    'channels.state',
    (p) => (p as AccountStatus).accountId === accountId && (p as AccountStatus).state === state,
    15_000,
  );
}

async function link(client: RawClient, e164: string, accountId = 'default'): Promise<AccountStatus> {
  const started = await call<{ qr: { qr: string } | null }>(client, 'channels.login.start', { accountId });
  expect(started.qr?.qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
  await sim.phone(e164).scan(started.qr!.qr);
  const status = await call<AccountStatus>(client, 'channels.login.wait', { accountId, timeoutMs: 15_000 });
  expect(status).toMatchObject({ state: 'open', linked: true, connected: true, number: e164 });
  return status;
}

describe('linking and restarts', () => {
  it('links by QR through the control API, survives a restart without a QR, and restores a truncated creds.json', async () => {
    const t = await makeTestEnv(fastReconnect);
    let { gw, client } = await gateway(t);
    expect(
      (await call<{ accounts: AccountStatus[]; simulator: string }>(client, 'channels.status')).simulator,
    ).toBe(sim.url);
    await link(client, '+15550100001');
    const credsFile = join(t.stateDir, 'credentials', 'whatsapp', 'default', 'creds.json');
    // Credentials are written asynchronously after Baileys reports them.
    const written = await waitFor(() => stat(credsFile).catch(() => null), 'creds.json to be written');
    expect(written.mode & 0o777).toBe(0o600);

    await gw.stop();
    running.splice(0);
    ({ gw, client } = await gateway(t));
    await waitFor(
      async () =>
        (await call<{ accounts: AccountStatus[] }>(client, 'channels.status')).accounts[0]?.state === 'open',
      'open after restart',
    );
    expect(client.events.filter((e) => e.event === 'channels.qr')).toEqual([]);

    await gw.stop();
    running.splice(0);
    await truncate(credsFile, 0);
    ({ client } = await gateway(t));
    await waitFor(
      async () =>
        (await call<{ accounts: AccountStatus[] }>(client, 'channels.status')).accounts[0]?.state === 'open',
      'open after restoring creds',
    );
    expect(JSON.parse(await readFile(credsFile, 'utf8')).me.id).toMatch(/^15550100001:\d+@s\.whatsapp\.net$/);
  });
});

describe('the connection lifecycle', () => {
  it('401 device removed → logged_out, and no further connection attempts', async () => {
    const t = await makeTestEnv(fastReconnect);
    const { client } = await gateway(t);
    await link(client, '+15550100401');
    const phone = sim.phone('+15550100401');
    const attempts = sim.server.loginAttempts.get('15550100401');
    const loggedOut = accountState(client, 'default', 'logged_out');
    await sim.fault.deviceRemoved(phone.account);
    const status = (await loggedOut) as AccountStatus;
    expect(status.sentence).toContain('openclaw channels login');
    expect(status.warnings).toEqual(['Linked but disconnected']);
    expect(sim.server.loginAttempts.get('15550100401')).toBe(attempts);
    // Linking again needs no --force: logged-out credentials are dead anyway.
    await link(client, '+15550100401');
  });

  it('440 conflict → conflict, and no reconnect loop', async () => {
    const t = await makeTestEnv(fastReconnect);
    const { client } = await gateway(t);
    await link(client, '+15550100440');
    const attempts = sim.server.loginAttempts.get('15550100440');
    const conflict = accountState(client, 'default', 'conflict');
    await sim.fault.conflict(sim.phone('+15550100440').account);
    expect(((await conflict) as AccountStatus).sentence).toMatch(/Another session took over/);
    // Give a loop every chance to show itself: a full reconnect period passes with no new login.
    await new Promise((r) => setTimeout(r, 600));
    expect(sim.server.loginAttempts.get('15550100440')).toBe(attempts);
  });

  it('abrupt closes → reconnects with backoff; when WhatsApp stays unreachable, maxAttempts → degraded', async () => {
    const t = await makeTestEnv(fastReconnect);
    const { client } = await gateway(t);
    await link(client, '+15550100428');
    const phone = sim.phone('+15550100428');
    const reconnecting = accountState(client, 'default', 'reconnecting');
    const logins = (sim.server.loginAttempts.get('15550100428') ?? 0) + 1;
    let reloggedAt = 0;
    const onLogin = () => {
      if (!reloggedAt && (sim.server.loginAttempts.get('15550100428') ?? 0) >= logins)
        reloggedAt = Date.now();
    };
    sim.server.on('login', onLogin);
    sim.fault.abruptClose(phone.account);
    const first = (await reconnecting) as AccountStatus;
    expect(first.reconnectAttempts).toBe(1);
    // The policy without jitter says 250 ms for the first attempt, and the reconnect does not come earlier.
    const scheduledAt = Date.parse(first.timeline.at(-1)!.at);
    // (The two clocks are read a few statements apart, so allow for that, not for a different delay.)
    expect(Date.parse(first.nextAttemptAt!) - scheduledAt).toBeGreaterThan(200);
    expect(Date.parse(first.nextAttemptAt!) - scheduledAt).toBeLessThanOrEqual(250);
    await accountState(client, 'default', 'open');
    sim.server.off('login', onLogin);
    expect(reloggedAt).toBeGreaterThanOrEqual(Date.parse(first.nextAttemptAt!) - 5);
    // Up for a heartbeat interval (1 s here): the attempts start from zero again.
    await client.nextEvent(
      'channels.state',
      (p) => (p as AccountStatus).state === 'open' && (p as AccountStatus).reconnectAttempts === 0,
      5000,
    );

    sim.fault.refuseConnections();
    try {
      const degraded = accountState(client, 'default', 'degraded');
      sim.fault.abruptClose(phone.account);
      const status = (await degraded) as AccountStatus;
      expect(status.reconnectAttempts).toBe(3);
      expect(status.running).toBe(false);
      expect(status.warnings).toEqual(['Linked but disconnected']);
      // The simulator drops each new connection at once: the error names the endpoint, not a timeout code.
      expect(status.lastError).toMatch(
        /^Cannot reach WhatsApp \(127\.0\.0\.1:\d+\): socket hang up \(ECONNRESET\)$/,
      );
    } finally {
      sim.fault.acceptConnections();
    }
  });
});

describe('a server that never answers the handshake', () => {
  it('ends the connect after the timeout with the reason, retries, and opens once the server answers', async () => {
    const t = await makeTestEnv(fastReconnect);
    t.env.OPENCLAW_WA_CONNECT_TIMEOUT_MS = '600';
    const { client } = await gateway(t);
    await link(client, '+15550100408');
    const phone = sim.phone('+15550100408');
    // Baileys' own connect timeout is off (account-socket.ts); without the account's, this connect hangs for good.
    sim.fault.silentHandshakes();
    try {
      const reconnecting = accountState(client, 'default', 'reconnecting');
      sim.fault.abruptClose(phone.account);
      await reconnecting;
      const timedOut = (await client.nextEvent(
        'channels.state',
        (p) => (p as AccountStatus).state === 'reconnecting' && (p as AccountStatus).reconnectAttempts === 2,
        10_000,
      )) as AccountStatus;
      expect(timedOut.lastError).toMatch(
        /^Cannot reach WhatsApp \(127\.0\.0\.1:\d+\): WhatsApp did not answer the connection within 0\.6 s \(timed out\)$/,
      );
    } finally {
      sim.fault.answerHandshakes();
    }
    const open = (await accountState(client, 'default', 'open')) as AccountStatus;
    expect(open.connected).toBe(true);
  });
});

describe('client version', () => {
  it('a rejected WhatsApp Web version (405) stops with an error that names web.whatsappVersion', async () => {
    const t = await makeTestEnv(fastReconnect);
    const { client } = await gateway(t);
    await link(client, '+15550100405');
    sim.fault.rejectClientVersions((v) => v === '2.2000.1');
    try {
      await call(client, 'config.set', { path: 'web.whatsappVersion', value: '2.2000.1' });
      const degraded = accountState(client, 'default', 'degraded');
      sim.fault.abruptClose(sim.phone('+15550100405').account);
      const status = (await degraded) as AccountStatus;
      expect(status.lastError).toMatch(/405.*web\.whatsappVersion/);
      // One reconnect after the abrupt close met the 405; a refused version is not retried further.
      expect(status.reconnectAttempts).toBe(1);
      expect(status.running).toBe(false);
    } finally {
      sim.fault.rejectClientVersions(null);
    }
  });
});

describe('heartbeat', () => {
  it('logs one web-heartbeat line per account per interval with the connection figures', async () => {
    const t = await makeTestEnv(fastReconnect);
    const { client } = await gateway(t);
    await link(client, '+15550100060');
    await client.request('events.subscribe', { events: ['log'] });
    const line = (await client.nextEvent(
      'log',
      (p) => (p as { subsystem: string }).subsystem === 'web-heartbeat',
      5000,
    )) as {
      fields: Record<string, unknown>;
    };
    expect(line.fields).toMatchObject({ accountId: 'default', state: 'open', reconnectAttempts: 0 });
    expect(Object.keys(line.fields)).toEqual(
      expect.arrayContaining(['connectionId', 'messagesHandled', 'lastInboundAt', 'authAgeMs', 'uptimeMs']),
    );
  });
});

describe('several accounts', () => {
  it('linking a new account id adds it to the config (keeping the implicit default), so it survives a restart', async () => {
    const t = await makeTestEnv(fastReconnect);
    const first = await gateway(t);
    let { client } = first;
    await link(client, '+15550100033', 'travel');
    const cfg = await call<{ value: Record<string, unknown> }>(client, 'config.get', {
      path: 'channels.whatsapp.accounts',
    });
    expect(Object.keys(cfg.value).sort()).toEqual(['default', 'travel']);
    await first.gw.stop();
    running.splice(0);
    ({ client } = await gateway(t));
    await waitFor(async () => {
      const s = await call<{ accounts: AccountStatus[] }>(client, 'channels.status');
      return s.accounts.map((a) => `${a.accountId}:${a.state}`).join(',') === 'default:unlinked,travel:open';
    }, 'both accounts after the restart');
  });

  it('two accounts fail and recover independently; logout removes only that account’s credentials', async () => {
    const t = await makeTestEnv(
      `${fastReconnect} channels: { whatsapp: { accounts: { home: {}, work: {} } } },`,
    );
    await writeFile(join(t.dir, 'oauth-marker'), '');
    const { client } = await gateway(t);
    await link(client, '+15550100011', 'home');
    await link(client, '+15550100022', 'work');

    const homeBack = accountState(client, 'home', 'open');
    sim.fault.abruptClose(sim.phone('+15550100011').account);
    await homeBack;
    const both = await call<{ accounts: AccountStatus[] }>(client, 'channels.status');
    expect(both.accounts.map((a) => [a.accountId, a.state, a.reconnectAttempts])).toEqual([
      ['home', 'open', 1],
      ['work', 'open', 0],
    ]);

    const credentials = join(t.stateDir, 'credentials');
    await writeFile(join(credentials, 'oauth.json'), '{"shared":true}');
    expect(await call(client, 'channels.logout', { accountId: 'work' })).toEqual({
      accountId: 'work',
      removed: true,
    });
    await expect(stat(join(credentials, 'whatsapp', 'work', 'creds.json'))).rejects.toThrow();
    expect((await stat(join(credentials, 'whatsapp', 'home', 'creds.json'))).isFile()).toBe(true);
    expect(await readFile(join(credentials, 'oauth.json'), 'utf8')).toBe('{"shared":true}');
    const after = await call<{ accounts: AccountStatus[] }>(client, 'channels.status');
    expect(after.accounts.map((a) => [a.accountId, a.state, a.warnings])).toEqual([
      ['home', 'open', []],
      ['work', 'unlinked', ['Not linked']],
    ]);
    // A logged-out account has no connection to count the uptime of (the Accounts card showed "up 5 min").
    expect(after.accounts.map((a) => [a.accountId, !!a.connectedSince])).toEqual([
      ['home', true],
      ['work', false],
    ]);
  });
});

describe('log levels', () => {
  it('a normal link logs nothing at error level: the 515 restart after pairing is info, "no name present" is debug', async () => {
    const t = await makeTestEnv(fastReconnect);
    const { client } = await gateway(t);
    await link(client, '+15550100515');
    type Entry = { level: string; subsystem: string; msg: string };
    const tail = async (minLevel: string) =>
      (await call<{ entries: Entry[] }>(client, 'logs.tail', { minLevel, limit: 5000 })).entries;
    expect(await tail('error')).toEqual([]);
    const infos = await tail('info');
    expect(infos).toContainEqual(
      expect.objectContaining({
        level: 'info',
        subsystem: 'web-reconnect',
        msg: expect.stringMatching(/restart required/),
      }),
    );
    expect(infos.filter((e) => /no name present/.test(e.msg))).toEqual([]);
  });
});
