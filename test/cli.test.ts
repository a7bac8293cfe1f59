// The `openclaw` CLI as a person uses it: real processes, a real gateway, real files.
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ARGS, runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw } from './support/ws-client';

describe('without a running gateway', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await makeTestEnv();
  });
  afterAll(() => t.cleanup());

  it('status says no gateway runs, in one line, and exits non-zero', async () => {
    const r = await runCli(['status'], t.env);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^Gateway: not running/);
  });

  it('dashboard needs a gateway and says so', async () => {
    const r = await runCli(['dashboard'], t.env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^No gateway is running on 127\.0\.0\.1:\d+/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['bad JSON5', '{ channels: { whatsapp: { dmPolicy: "pairing" ', /\(file\): .*line \d+/],
    [
      'an unknown dmPolicy',
      '{ channels: { whatsapp: { dmPolicy: "sometimes" } } }',
      /channels\.whatsapp\.dmPolicy: .*"sometimes"/,
    ],
    [
      'allowlist with no entries',
      '{ channels: { whatsapp: { dmPolicy: "allowlist" } } }',
      /channels\.whatsapp\.allowFrom: .*at least one/,
    ],
    [
      'an allowFrom entry "abc"',
      '{ channels: { whatsapp: { allowFrom: ["abc"] } } }',
      /channels\.whatsapp\.allowFrom\.0: .*"abc"/,
    ],
  ])(
    'config validate names the key path for %s; gateway run refuses to start',
    async (_name, text, pattern) => {
      const broken = await makeTestEnv();
      try {
        await broken.writeConfig(text);
        const v = await runCli(['config', 'validate'], broken.env);
        expect(v.code).toBe(1);
        expect(v.stdout).toMatch(pattern);
        const run = await runCli(['gateway', 'run'], broken.env);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/did not start: .*no earlier valid config/);
        expect(run.stderr).toMatch(pattern);
      } finally {
        await broken.cleanup();
      }
    },
  );

  it('config set edits the file directly and still validates', async () => {
    const bad = await runCli(['config', 'set', 'channels.whatsapp.dmPolicy', 'open'], t.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('channels.whatsapp.allowFrom');
    const good = await runCli(['config', 'set', 'web.heartbeatSeconds', '15'], t.env);
    expect(good.code).toBe(0);
    expect(await readFile(t.configPath, 'utf8')).toMatch(/heartbeatSeconds: 15/);
    expect((await runCli(['config', 'get', 'web.heartbeatSeconds'], t.env)).stdout.trim()).toBe('15');
  });

  it('rejects a bad --port flag by name', async () => {
    const r = await runCli(['gateway', 'run', '--port', 'eighty'], t.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--port must be a port number');
  });
});

describe('with `openclaw gateway run` going', () => {
  let t: TestEnv;
  let gw: GatewayProcess;
  beforeAll(async () => {
    t = await makeTestEnv();
    gw = await spawnGateway(t.env);
  });
  afterAll(async () => {
    if (gw.child.exitCode === null) await gw.interrupt();
    await t.cleanup();
  });

  it('prints a one-time UI link on start', () => {
    expect(gw.output()).toMatch(
      new RegExp(`Open the UI: http://127\\.0\\.0\\.1:${t.port}/login\\?code=\\S+`),
    );
  });

  it('status reports the running gateway', async () => {
    const r = await runCli(['status'], t.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Gateway: running \(pid \d+, version \d+\.\d+\.\d+, up /);
    expect(r.stdout).toContain(`Config: ${t.configPath} (valid)`);
    const json = JSON.parse((await runCli(['status', '--json'], t.env)).stdout) as {
      running: boolean;
      port: number;
    };
    expect(json).toMatchObject({ running: true, port: t.port });
  });

  it('config set: allowlist is refused until allowFrom has an entry; a valid set is atomic and pushed', async () => {
    const token = (await readFile(join(t.stateDir, 'gateway.token'), 'utf8')).trim();
    const watcher = await openRaw(t.port);
    await watcher.request('connect', { token });
    await watcher.request('events.subscribe', { events: ['config.changed'] });

    const before = await readFile(t.configPath, 'utf8');
    const refused = await runCli(['config', 'set', 'channels.whatsapp.dmPolicy', 'allowlist'], t.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/channels\.whatsapp\.allowFrom: .*at least one sender/);
    expect(await readFile(t.configPath, 'utf8')).toBe(before);

    const changed = watcher.nextEvent(
      'config.changed',
      (p) => (p as { source: string }).source === 'control',
    );
    expect(
      (await runCli(['config', 'set', 'channels.whatsapp.allowFrom', '["+15551234567"]'], t.env)).code,
    ).toBe(0);
    await changed;
    // Taken right before the write it checks: after two replaces, the second may get the first file's freed inode.
    const inodeBefore = (await stat(t.configPath)).ino;
    const ok = await runCli(['config', 'set', 'channels.whatsapp.dmPolicy', 'allowlist'], t.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Set channels.whatsapp.dmPolicy = "allowlist"');
    // Atomic replace: a new inode (temp file renamed over), the user's comment kept, mode 0600.
    const after = await stat(t.configPath);
    expect(after.ino).not.toBe(inodeBefore);
    expect(after.mode & 0o777).toBe(0o600);
    expect(await readFile(t.configPath, 'utf8')).toContain('// test config');
    expect((await runCli(['config', 'get', 'channels.whatsapp.dmPolicy'], t.env)).stdout.trim()).toBe(
      'allowlist',
    );
    watcher.close();
  });

  it('keeps the last good config after a broken edit, and says so in status', async () => {
    const good = await readFile(t.configPath, 'utf8');
    await t.writeConfig(good.replace('"allowlist"', '"sometimes"').replace("'allowlist'", '"sometimes"'));
    let r;
    for (let i = 0; i < 20; i++) {
      r = await runCli(['status'], t.env);
      if (r.stdout.includes('INVALID')) break;
    }
    expect(r!.stdout).toContain('INVALID — running on the last good config');
    expect(r!.stdout).toMatch(/channels\.whatsapp\.dmPolicy: /);
    expect((await runCli(['config', 'get', 'channels.whatsapp.dmPolicy'], t.env)).stdout.trim()).toBe(
      'allowlist',
    );
    await t.writeConfig(good);
  });

  it('logs shows gateway lines, filtered by subsystem', async () => {
    const r = await runCli(['logs', '--subsystem', 'gateway'], t.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d info +gateway gateway started/m);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .every((l) => / \w+ +gateway /.test(l)),
    ).toBe(true);
  });

  it('logs --follow prints new lines as they happen, until Ctrl-C', async () => {
    const { spawn } = await import('node:child_process');
    expect((await runCli(['config', 'set', 'web.heartbeatSeconds', '60'], t.env)).code).toBe(0);
    const child = spawn(
      process.execPath,
      [...CLI_ARGS, 'logs', '--follow', '--subsystem', 'config', '-n', '1'],
      {
        cwd: new URL('..', import.meta.url).pathname,
        env: t.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The follow subscription is live once the initial tail has printed.
    await waitFor(() => out.includes(' config '), 'the initial tail');
    const seen = out.length;
    expect((await runCli(['config', 'set', 'web.heartbeatSeconds', '61'], t.env)).code).toBe(0);
    await waitFor(() => out.slice(seen).includes('config saved'), 'the followed line');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('dashboard prints a fresh link', async () => {
    const r = await runCli(['dashboard'], t.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/login\?code=/);
  });

  it('doctor recognises our gateway on the port and flags a token file others can read', async () => {
    const ok = await runCli(['doctor'], t.env);
    expect(ok.stdout).toContain('in use by a running OpenClaw gateway');
    expect(ok.stdout).toContain('✓ Native module better-sqlite3 loads');
    // No account is linked here: a warning (!), so exit 2 and no "No problems found".
    expect(ok.stdout).toMatch(/^! WhatsApp account "default": not linked/m);
    expect(ok.stdout).toMatch(/No problems, but \d+ warnings? \(marked !\)\.\n$/);
    expect(ok.code).toBe(2);
    const tokenFile = join(t.stateDir, 'gateway.token');
    await chmod(tokenFile, 0o644);
    const bad = await runCli(['doctor'], t.env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`fix: chmod 600 ${tokenFile}`);
    await chmod(tokenFile, 0o600);
  });

  it('stops cleanly on Ctrl-C and removes its runtime file, also with a client that sent half a request', async () => {
    // Node's server close waits for this connection for ever; the gateway cuts it after a grace period.
    const client = connect(t.port, '127.0.0.1');
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('connect', resolve));
    client.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const code = await gw.interrupt();
    expect(code).toBe(0);
    expect(gw.output()).toContain('Gateway stopped.');
    await expect(stat(join(t.stateDir, 'gateway.json'))).rejects.toThrow();
    const r = await runCli(['status'], t.env);
    expect(r.stdout).toMatch(/^Gateway: not running/);
  });
});
