// `openclaw channels reconnect` as a person uses it: a real gateway process wired to the loopback simulator, whose
// account has given up on quick reconnects while WhatsApp was unreachable; the CLI in another process.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';
import { openRaw, type RawClient } from './support/ws-client';

const NUMBER = '+15550400001';
let sim: Sim;
let t: TestEnv;
let gw: GatewayProcess;
let client: RawClient;

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'cli-reconnect' });
  // Two quick attempts, then a degraded account's own next try is 10 min away: only Reconnect brings it back here.
  t = await makeTestEnv(
    `web: { heartbeatSeconds: 1, reconnect: { initialMs: 250, maxMs: 60000, factor: 1.1, jitter: 0, maxAttempts: 2 } },`,
  );
  t.env.OPENCLAW_WA_SIMULATOR = sim.url;
  gw = await spawnGateway(t.env);
  client = await openRaw(t.port);
  await client.request('connect', { token: (await readFile(`${t.stateDir}/gateway.token`, 'utf8')).trim() });
  await client.request('events.subscribe', { events: ['channels.state'] });
});

afterAll(async () => {
  sim?.fault.acceptConnections();
  client?.close();
  if (gw?.child.exitCode === null) await gw.interrupt();
  await t?.cleanup();
  await sim?.close();
});

describe('openclaw channels reconnect', () => {
  it('refuses an account that is not linked, naming the way to link it', async () => {
    const r = await runCli(['channels', 'reconnect'], t.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('account "default" is not linked');
    expect(r.stderr).toContain('openclaw channels login --account default');
  });

  it('brings a degraded account back and says so; an open one has nothing to reconnect', async () => {
    const res = await client.request('channels.login.start', {});
    await sim.phone(NUMBER).scan((res.value as { qr: { qr: string } }).qr.qr);
    expect(
      ((await client.request('channels.login.wait', { timeoutMs: 15_000 })).value as AccountStatus).state,
    ).toBe('open');

    sim.fault.refuseConnections();
    const degraded = client.nextEvent(
      'channels.state',
      (p) => (p as AccountStatus).state === 'degraded',
      15_000,
    );
    sim.fault.abruptClose(sim.phone(NUMBER).account);
    const status = (await degraded) as AccountStatus;
    expect(status.sentence).toContain('openclaw channels reconnect --account default');
    sim.fault.acceptConnections();

    const r = await runCli(['channels', 'reconnect', '--account', 'default'], t.env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Account "default" is reconnecting now…');
    expect(r.stdout).toContain(`Reconnected: account "default" is connected as ${NUMBER}.`);
    expect(r.code).toBe(0);

    const again = await runCli(['channels', 'reconnect'], t.env);
    expect(again.stdout.trim()).toBe(`Nothing to reconnect: Connected as ${NUMBER}.`);
    expect(again.code).toBe(0);
  });

  it('checks --timeout and an unknown account before anything happens', async () => {
    const bad = await runCli(['channels', 'reconnect', '--timeout', 'soon'], t.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--timeout must be a number of seconds from 1 to 600 (got "soon")');
    const unknown = await runCli(['channels', 'reconnect', '--account', 'nope'], t.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no WhatsApp account "nope"');
  });
});
