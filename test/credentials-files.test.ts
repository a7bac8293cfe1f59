// Damaged and unreadable credential files, as a person meets them: a real `openclaw gateway run` process with two
// accounts linked to the loopback simulator, the files broken between runs, and `openclaw channels status` read
// from another process. Each case ends with a clear sentence, a non-zero exit where something is wrong, no stack
// trace anywhere, and the other account (and the control API) running on.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw, type RawClient } from './support/ws-client';

let sim: Sim;
let t: TestEnv;
const running = new Set<GatewayProcess>();

const accountDir = (id: string) => join(t.stateDir, 'credentials', 'whatsapp', id);
const credsOf = (id: string) => join(accountDir(id), 'creds.json');
const backupOf = (id: string) => join(accountDir(id), 'creds.json.bak');
/** A Node stack frame ("    at fn (file.ts:1:2)"): never part of what a person is shown. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

beforeAll(async () => {
  // libsignal narrates every session it opens on the console.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'credentials-files' });
  t = await makeTestEnv(`channels: { whatsapp: { accounts: { a: {}, b: {} } } },`);
  t.env.OPENCLAW_WA_SIMULATOR = sim.url;
  const gw = await start();
  const client = await control();
  await link(client, 'a', '+15550300001');
  await link(client, 'b', '+15550300002');
  client.close();
  await waitFor(() => readFile(backupOf('a'), 'utf8').catch(() => null), 'the backup of a');
  await waitFor(() => readFile(backupOf('b'), 'utf8').catch(() => null), 'the backup of b');
  expect(await stop(gw)).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const gw of running) await gw.interrupt();
  await t?.cleanup();
  await sim?.close();
});

async function start(): Promise<GatewayProcess> {
  const gw = await spawnGateway(t.env);
  running.add(gw);
  return gw;
}

async function stop(gw: GatewayProcess): Promise<number | null> {
  const code = await gw.interrupt();
  running.delete(gw);
  expect(gw.output()).not.toMatch(STACK);
  return code;
}

async function control(): Promise<RawClient> {
  const client = await openRaw(t.port);
  const token = (await readFile(join(t.stateDir, 'gateway.token'), 'utf8')).trim();
  await client.request('connect', { token });
  return client;
}

async function link(client: RawClient, accountId: string, e164: string): Promise<void> {
  const started = await client.request('channels.login.start', { accountId });
  const qr = (started.value as { qr: { qr: string } }).qr.qr;
  await sim.phone(e164).scan(qr);
  const settled = await client.request('channels.login.wait', { accountId, timeoutMs: 15_000 });
  expect(settled.value).toMatchObject({ state: 'open', number: e164 });
}

async function accounts(): Promise<Record<string, AccountStatus>> {
  const r = await runCli(['channels', 'status', '--json'], t.env);
  const list = (JSON.parse(r.stdout) as { accounts: AccountStatus[] }).accounts;
  return Object.fromEntries(list.map((a) => [a.accountId, a]));
}

const whenOpen = (...ids: string[]) =>
  waitFor(
    async () => {
      const all = await accounts();
      return ids.every((id) => all[id]?.state === 'open') && all;
    },
    `${ids.join(', ')} open`,
    20_000,
  );

/** The same creds with the account identity (`me`) taken out: still valid JSON with every key pair. */
async function withoutMe(file: string): Promise<string> {
  const creds = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  delete creds.me;
  return JSON.stringify(creds);
}

describe('credential files', () => {
  it('a creds.json without the account identity (me) is restored from the good backup; the account connects', async () => {
    await writeFile(credsOf('a'), await withoutMe(credsOf('a')));
    const gw = await start();
    await whenOpen('a', 'b');
    expect(JSON.parse(await readFile(credsOf('a'), 'utf8')).me.id).toMatch(/^15550300001:\d+@/);
    const r = await runCli(['channels', 'status'], t.env);
    expect(r.code).toBe(0);
    expect(await stop(gw)).toBe(0);
  }, 60_000);

  it('both copies without an identity: "Not linked" says why, exit 1, the other account runs', async () => {
    const damaged = await withoutMe(credsOf('a'));
    await writeFile(credsOf('a'), damaged);
    await writeFile(backupOf('a'), damaged);
    const gw = await start();
    await whenOpen('b');

    const r = await runCli(['channels', 'status'], t.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'Not linked: the saved credentials are damaged (creds.json has no account identity (me.id); ' +
        'creds.json.bak has no account identity (me.id)); link again. To link, run `openclaw channels login --account a`',
    );
    expect(r.stdout).toMatch(/^b: open — linked, running, connected — \+15550300002$/m);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    // doctor judges the files as the gateway does: damaged, not "credentials present".
    const doctor = await runCli(['doctor'], t.env);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(
      'WhatsApp account "a": creds.json has no account identity (me.id), and the backup has no account identity (me.id)',
    );
    expect(doctor.stdout).toContain('openclaw channels login --account a --force');
    // Nothing was overwritten: what is left stays there for a person to recover by hand.
    expect(await readFile(credsOf('a'), 'utf8')).toBe(damaged);
    expect(await stop(gw)).toBe(0);
  }, 60_000);

  it('creds.json replaced by a directory: runs on the backup, says the save fails, and Ctrl-C still exits 0', async () => {
    await rm(credsOf('b'));
    await mkdir(credsOf('b'));
    const gw = await start();
    await whenOpen('b');
    // Baileys saves creds on every login; that write hits the directory.
    const b = await waitFor(async () => {
      const status = (await accounts()).b;
      return status?.warnings.length ? status : null;
    }, 'the failed save in b’s status');
    expect(b.warnings).toEqual([`Credentials not saved: cannot save ${credsOf('b')}: EISDIR`]);
    const r = await runCli(['channels', 'status'], t.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`warning: Credentials not saved: cannot save ${credsOf('b')}: EISDIR`);

    expect(await stop(gw)).toBe(0);
    expect(gw.output()).toContain('Gateway stopped.');
    expect(gw.output()).not.toMatch(/unhandled|EISDIR: illegal operation/i);
    await rm(credsOf('b'), { recursive: true });
  }, 60_000);

  it('one account’s unreadable folder fails that account with the reason; the other and the control API run', async () => {
    await rm(accountDir('a'), { recursive: true });
    // As root no mode bits stop a read, so a file where the folder belongs makes it unreadable.
    await writeFile(accountDir('a'), 'not a folder');
    const gw = await start();
    // b's creds.json is missing (the previous case left a directory there): restored from its backup.
    await whenOpen('b');

    const a = (await accounts()).a!;
    expect(a).toMatchObject({ state: 'stopped', running: false, connected: false });
    expect(a.lastError).toBe(`cannot read ${credsOf('a')}: ENOTDIR`);
    const r = await runCli(['channels', 'status'], t.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `Not running: cannot read ${credsOf('a')}: ENOTDIR. Fix the credentials folder`,
    );
    expect(r.stdout).toMatch(/^b: open — linked, running, connected — \+15550300002$/m);

    const login = await runCli(['channels', 'login', '--account', 'a'], t.env);
    expect(login.code).toBe(1);
    expect(login.stderr).toContain(`account "a" cannot start: cannot read ${credsOf('a')}: ENOTDIR`);
    expect(login.stdout + login.stderr).not.toMatch(STACK);
    expect((await runCli(['status'], t.env)).code).toBe(0);
    expect(await stop(gw)).toBe(0);
  }, 60_000);
});
