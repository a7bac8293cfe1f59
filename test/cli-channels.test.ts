// `openclaw channels …` as a person uses it: a real gateway process wired to the loopback simulator, the CLI in
// another process, the real Baileys client inside the gateway only.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { CLI_ARGS, runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw } from './support/ws-client';

let sim: Sim;
let t: TestEnv;
let gw: GatewayProcess;

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'cli-channels' });
  t = await makeTestEnv();
  t.env.OPENCLAW_WA_SIMULATOR = sim.url;
  gw = await spawnGateway(t.env);
});

afterAll(async () => {
  if (gw?.child.exitCode === null) await gw.interrupt();
  await t?.cleanup();
  await sim?.close();
});

describe('openclaw channels', () => {
  it('says when no gateway runs, in one line, with a non-zero exit', async () => {
    const other = await makeTestEnv();
    try {
      for (const args of [
        ['channels', 'status'],
        ['channels', 'login'],
        ['channels', 'logout'],
      ]) {
        const r = await runCli(args, other.env);
        expect(r.code).toBe(1);
        expect(r.stderr.trim()).toMatch(/^No gateway is running on 127\.0\.0\.1:\d+/);
      }
    } finally {
      await other.cleanup();
    }
  });

  it('status warns "Not linked" before linking', async () => {
    const r = await runCli(['channels', 'status'], t.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Simulator: every account talks to ${sim.url}`);
    expect(r.stdout).toMatch(/default \(default\): unlinked — not linked, running, disconnected/);
    expect(r.stdout).toContain('warning: Not linked');
  });

  it('login prints a QR in the terminal and waits until the phone scans it', async () => {
    const token = (await readFile(`${t.stateDir}/gateway.token`, 'utf8')).trim();
    const watcher = await openRaw(t.port);
    await watcher.request('connect', { token });
    await watcher.request('events.subscribe', { events: ['channels.qr'] });
    const qr = watcher.nextEvent('channels.qr');

    const child = spawn(process.execPath, [...CLI_ARGS, 'channels', 'login', '--timeout', '30'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: t.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    const { qr: text } = (await qr) as { qr: string };
    await waitFor(() => out.includes('Scan this QR code'), 'the terminal QR');
    expect(out).toMatch(/[▀▄█]/);
    await sim.phone('+15550200001').scan(text);
    expect(await exited).toBe(0);
    expect(out).toContain('Linked: account "default" is connected as +15550200001.');
    watcher.close();
  });

  it('status --json agrees, login again is refused without --force, logout removes the link', async () => {
    const json = JSON.parse((await runCli(['channels', 'status', '--json'], t.env)).stdout) as {
      accounts: Array<{ accountId: string; state: string; number: string; warnings: string[] }>;
    };
    expect(json.accounts).toEqual([
      expect.objectContaining({ accountId: 'default', state: 'open', number: '+15550200001', warnings: [] }),
    ]);

    const again = await runCli(['channels', 'login'], t.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already linked as +15550200001; use --force');

    const out = await runCli(['channels', 'logout'], t.env);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Logged out account "default"');
    const after = await runCli(['channels', 'status'], t.env);
    expect(after.stdout).toContain('warning: Not linked');
  });

  it('doctor reports the simulator and each account with its fix', async () => {
    const r = await runCli(['doctor'], t.env);
    expect(r.stdout).toContain('OPENCLAW_WA_SIMULATOR is set');
    expect(r.stdout).toMatch(/WhatsApp account "default": Not linked/);
    expect(r.stdout).toContain('fix: openclaw channels login --account default');
  });
});
