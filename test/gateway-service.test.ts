// `openclaw gateway start|stop|restart|status` on real processes, and `gateway install|uninstall` writing the
// systemd unit and launchd agent (which cannot be started here, so their content is what is checked).
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatewayInstall,
  gatewayUninstall,
  serviceFile,
  type ServiceDeps,
} from '../src/cli/commands/gateway-install';
import { runCli } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';

const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const pidOf = (text: string): number => {
  const m = /pid (\d+)/.exec(text);
  if (!m) throw new Error(`no pid in: ${text}`);
  return Number(m[1]);
};

describe('gateway start, status, stop, restart', () => {
  let t: TestEnv;
  const started: number[] = [];
  beforeAll(async () => {
    t = await makeTestEnv();
  });
  afterAll(async () => {
    // Only if an assertion failed midway: never leave a gateway of ours running.
    for (const pid of started) if (!gone(pid)) process.kill(pid, 'SIGKILL');
    await t.cleanup();
  });

  it('stop with none running says so', async () => {
    const r = await runCli(['gateway', 'stop'], t.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No gateway is running on the state folder .*; nothing to stop\./);
  });

  it('start runs it in the background, status shows it, a second start is refused, stop leaves no process or port', async () => {
    const start = await runCli(['gateway', 'start'], t.env, 60_000);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const pid = pidOf(start.stdout);
    started.push(pid);
    const logPath = join(t.stateDir, 'logs', 'gateway.out.log');
    expect(start.stdout).toContain(`listening on 127.0.0.1:${t.port}`);
    expect(start.stdout).toContain(`Log: ${logPath}`);
    expect(pid).not.toBe(process.pid);
    expect(gone(pid)).toBe(false);
    // The CLI that started it has exited; the gateway lives on, writing to its log. `start` returns once the port
    // answers, which can be a moment before the gateway has printed the rest of its banner.
    await waitFor(
      () => readFileSync(logPath, 'utf8').includes('Press Ctrl-C to stop.'),
      'the banner in the log',
    );

    const status = await runCli(['gateway', 'status'], t.env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Gateway: running (pid ${pid},`);
    expect(status.stdout).toContain(`Listening: 127.0.0.1:${t.port}`);
    expect(status.stdout).toContain(`Background log: ${logPath}`);

    const again = await runCli(['gateway', 'start'], t.env, 60_000);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      `A gateway is already running (pid ${pid}, port ${t.port}); \`openclaw gateway stop\` stops it.`,
    );
    expect(gone(pid)).toBe(false);

    const restart = await runCli(['gateway', 'restart'], t.env, 90_000);
    expect(restart.code).toBe(0);
    expect(restart.stdout).toContain(`Gateway stopped (pid ${pid}).`);
    const second = pidOf(restart.stdout.slice(restart.stdout.indexOf('started')));
    started.push(second);
    expect(second).not.toBe(pid);
    await waitFor(() => gone(pid), 'the first gateway to be gone');

    const stop = await runCli(['gateway', 'stop'], t.env, 60_000);
    expect(stop.code).toBe(0);
    expect(stop.stdout.trim()).toBe(`Gateway stopped (pid ${second}).`);
    // kill -0 fails (reaping by init may take a moment), the port is free, the runtime file is gone.
    await waitFor(() => gone(second), 'kill -0 to fail on the stopped gateway');
    expect(await canListen(t.port)).toBe(true);
    expect(existsSync(join(t.stateDir, 'gateway.json'))).toBe(false);
    expect(readFileSync(logPath, 'utf8')).toContain('Gateway stopped.');

    const after = await runCli(['gateway', 'status'], t.env);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/^Gateway: not running/);
  }, 240_000);

  it('stop kills a gateway that does not stop in time (SIGKILL after --timeout), leaving no process or port', async () => {
    const start = await runCli(['gateway', 'start'], t.env, 60_000);
    expect(start.code).toBe(0);
    const pid = pidOf(start.stdout);
    started.push(pid);
    // A stopped process neither answers nor handles SIGTERM: only SIGKILL ends it.
    process.kill(pid, 'SIGSTOP');
    const stop = await runCli(['gateway', 'stop', '--timeout', '1'], t.env, 60_000);
    expect(stop.code).toBe(0);
    expect(stop.stdout.trim()).toBe(
      `The gateway (pid ${pid}) did not stop within 1 s and was killed (SIGKILL).`,
    );
    await waitFor(() => gone(pid), 'kill -0 to fail on the killed gateway');
    expect(await canListen(t.port)).toBe(true);
    expect(existsSync(join(t.stateDir, 'gateway.json'))).toBe(false);
    // The state folder's lock went with the process: a new start works at once.
    const again = await runCli(['gateway', 'start'], t.env, 60_000);
    expect(again.code).toBe(0);
    started.push(pidOf(again.stdout));
    expect((await runCli(['gateway', 'stop'], t.env, 60_000)).code).toBe(0);
  }, 240_000);
});

describe('gateway install and uninstall', () => {
  let home: string;
  const lines: string[] = [];
  const ran: string[] = [];
  const deps = (platform: NodeJS.Platform): ServiceDeps => ({
    platform,
    home,
    env: { OPENCLAW_STATE_DIR: '/srv/open claw/state', OPENCLAW_GATEWAY_TOKEN: 'secret-token-123' },
    nodePath: '/opt/node 20/bin/node',
    binPath: '/opt/openclaw/bin/openclaw.js',
    out: (line) => lines.push(line),
    run: (cmd, args) => {
      ran.push(`${cmd} ${args.join(' ')}`);
      return null;
    },
  });
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'openclaw-home-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('writes a systemd user unit running `gateway run` with absolute paths, and says how to start it and read its logs', async () => {
    lines.length = 0;
    expect(await gatewayInstall({}, deps('linux'))).toBe(0);
    const file = join(home, '.config', 'systemd', 'user', 'openclaw-gateway.service');
    const unit = readFileSync(file, 'utf8');
    expect(unit).toContain(
      'ExecStart="/opt/node 20/bin/node" "/opt/openclaw/bin/openclaw.js" "gateway" "run"\n',
    );
    expect(unit).toContain('Environment="OPENCLAW_STATE_DIR=/srv/open claw/state"\n');
    expect(unit).toContain('Restart=on-failure\n');
    expect(unit).toContain('WantedBy=default.target\n');
    expect(unit).toContain('journalctl --user -u openclaw-gateway');
    // The token is a secret: it never goes into a file others may read.
    expect(unit).not.toContain('secret-token-123');
    expect(lines[0]).toBe(`Wrote ${file}`);
    expect(lines).toContain('  systemctl --user enable --now openclaw-gateway.service');
    expect(lines.join('\n')).toContain('journalctl --user -u openclaw-gateway.service');
    // Without --now nothing is run.
    expect(ran).toEqual([]);

    lines.length = 0;
    expect(await gatewayUninstall({}, deps('linux'))).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(lines).toContain(`Removed ${file}`);
  });

  it('writes a launchd agent with KeepAlive and its output in the state folder, on any platform it is asked for', async () => {
    lines.length = 0;
    expect(await gatewayInstall({}, deps('darwin'))).toBe(0);
    const file = join(home, 'Library', 'LaunchAgents', 'ai.openclaw.gateway.plist');
    const plist = readFileSync(file, 'utf8');
    expect(plist).toContain('<key>Label</key>\n  <string>ai.openclaw.gateway</string>');
    expect(plist).toContain(
      '<array>\n    <string>/opt/node 20/bin/node</string>\n    <string>/opt/openclaw/bin/openclaw.js</string>\n' +
        '    <string>gateway</string>\n    <string>run</string>\n  </array>',
    );
    expect(plist).toContain('<key>KeepAlive</key>\n  <true/>');
    expect(plist).toContain(
      '<key>StandardOutPath</key>\n  <string>/srv/open claw/state/logs/gateway.out.log</string>',
    );
    expect(plist).toContain(
      '<key>StandardErrorPath</key>\n  <string>/srv/open claw/state/logs/gateway.out.log</string>',
    );
    expect(plist).toContain('<key>OPENCLAW_STATE_DIR</key>\n    <string>/srv/open claw/state</string>');
    expect(plist).not.toContain('secret-token-123');
    expect(lines).toContain(`  launchctl load -w ${file}`);

    // --now runs launchctl, which is not here: it says so instead of pretending.
    lines.length = 0;
    expect(await gatewayInstall({ now: true }, deps('darwin'))).toBe(1);
    expect(ran).toEqual([`launchctl load -w ${file}`]);
    expect(lines).toContain(
      `launchctl is not available here; run \`launchctl load -w ${file}\` where it is.`,
    );

    expect(await gatewayUninstall({}, deps('darwin'))).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses on Windows with what to do instead', () => {
    expect(() => serviceFile({ platform: 'win32', home })).toThrow(
      /not supported yet\. Use `openclaw gateway start`.*Task Scheduler/,
    );
  });

  it('the real CLI writes the unit under $HOME and uninstall removes it', async () => {
    if (process.platform !== 'linux')
      return void console.log('skipped: the real-CLI check writes a systemd unit');
    const t = await makeTestEnv();
    try {
      const env = { ...t.env, HOME: home };
      const r = await runCli(['gateway', 'install'], env);
      expect(r.code).toBe(0);
      const file = join(home, '.config', 'systemd', 'user', 'openclaw-gateway.service');
      expect(r.stdout).toContain(`Wrote ${file}`);
      const unit = readFileSync(file, 'utf8');
      expect(unit).toContain(`ExecStart="${process.execPath}" "`);
      expect(unit).toMatch(/\/bin\/openclaw\.js" "gateway" "run"\n/);
      expect(unit).toContain(`Environment="OPENCLAW_STATE_DIR=${t.stateDir}"`);
      const u = await runCli(['gateway', 'uninstall'], env);
      expect(u.code).toBe(0);
      expect(existsSync(file)).toBe(false);
    } finally {
      await t.cleanup();
    }
  });
});
