// `openclaw config set|validate`, `status` and `doctor` on config mistakes, as a person meets them: the real CLI
// in a child process, real files, and a real `openclaw gateway run`.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';

// Line 5 lacks its comma: json5 stops at the start of line 6.
const MISSING_COMMA = (logFile: string) => `{
  logging: { file: ${JSON.stringify(logFile)} },
  channels: {
    whatsapp: {
      dmPolicy: 'allowlist' // only me
      allowFrom: ['+15551234567'],
    },
  },
}
`;

describe('config set without a gateway', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await makeTestEnv(`  channels: { whatsapp: { historyLimit: 7 } },`);
  });
  afterAll(() => t.cleanup());

  it('refuses a mistyped key with the key meant, and leaves the file alone', async () => {
    const before = await readFile(t.configPath, 'utf8');
    const r = await runCli(['config', 'set', 'channels.whatsap.dmPolicy', 'allowlist'], t.env);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Set ');
    expect(r.stderr.trim()).toBe(
      'Not saved: channels.whatsap.dmPolicy: "whatsap" is not a key of channels (did you mean channels.whatsapp.dmPolicy?)',
    );
    const deeper = await runCli(['config', 'set', 'channels.whatsapp.allowfrom', '+15551234567'], t.env);
    expect(deeper.code).toBe(1);
    expect(deeper.stderr).toContain('did you mean channels.whatsapp.allowFrom?');
    expect(await readFile(t.configPath, 'utf8')).toBe(before);
  });

  it('takes a single phone number for allowFrom as a one-entry list', async () => {
    const r = await runCli(['config', 'set', 'channels.whatsapp.allowFrom', '+15551234567'], t.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Set channels.whatsapp.allowFrom = ["+15551234567"]');
    const got = await runCli(['config', 'get', 'channels.whatsapp.allowFrom', '--json'], t.env);
    expect(JSON.parse(got.stdout)).toEqual(['+15551234567']);
  });

  it('sets several keys in one write, keeping the keys next to them', async () => {
    const r = await runCli(
      [
        'config',
        'set',
        'channels.whatsapp.dmPolicy',
        'allowlist',
        'channels.whatsapp.allowFrom',
        '["+15557654321"]',
      ],
      t.env,
    );
    expect(r.code).toBe(0);
    const channel = JSON.parse(
      (await runCli(['config', 'get', 'channels.whatsapp', '--json'], t.env)).stdout,
    );
    expect(channel).toMatchObject({ dmPolicy: 'allowlist', allowFrom: ['+15557654321'], historyLimit: 7 });
    expect(await readFile(t.configPath, 'utf8')).toContain('// test config');

    const token = 'tok-0123456789abcdef-cli';
    const secret = await runCli(['config', 'set', 'gateway.auth.token', token], t.env);
    expect(secret.code).toBe(0);
    expect(secret.stdout).toContain('Set gateway.auth.token = "__OPENCLAW_REDACTED__"');
    const shown = await runCli(['config', 'get', 'gateway.auth.token'], t.env);
    expect(shown.stdout.trim()).toBe('__OPENCLAW_REDACTED__');
    expect(await readFile(t.configPath, 'utf8')).toContain(token);

    const odd = await runCli(['config', 'set', 'web.enabled', 'true', 'web.heartbeatSeconds'], t.env);
    expect(odd.code).toBe(1);
    expect(odd.stderr).toContain(
      'config set takes pairs of <path> <value>; "web.heartbeatSeconds" has no value',
    );
  });
});

describe('unknown keys and syntax errors in the file', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await makeTestEnv(`  channels: { whatsapp: { dmPolicyy: 'allowlist' } },`);
  });
  afterAll(() => t.cleanup());

  it('validate, status and doctor show an unknown key as a warning with the key meant', async () => {
    const warning =
      /channels\.whatsapp\.dmPolicyy: warning: unknown key "dmPolicyy" \(did you mean "dmPolicy"\?\); it is ignored \(line 4, column 27\)/;
    const v = await runCli(['config', 'validate'], t.env);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(warning);
    const s = await runCli(['status'], t.env);
    expect(s.stdout).toMatch(warning);
    const d = await runCli(['doctor'], t.env);
    expect(d.stdout).toMatch(
      /^! Config warning: channels\.whatsapp\.dmPolicyy: unknown key "dmPolicyy" \(did you mean "dmPolicy"\?\)/m,
    );
    expect(d.stdout).not.toContain('No problems found');
  });

  it('a missing comma is shown with the source line, a caret and the line that needs the comma', async () => {
    const broken = await makeTestEnv();
    try {
      await broken.writeConfig(MISSING_COMMA(broken.logFile));
      const expected = [
        '  (file): JSON5 syntax error: unexpected "a" — missing comma at the end of line 5? (line 6, column 7)',
        "    5 |       dmPolicy: 'allowlist' // only me",
        "    6 |       allowFrom: ['+15551234567'],",
        '      |       ^',
      ].join('\n');
      const v = await runCli(['config', 'validate'], broken.env);
      expect(v.code).toBe(1);
      expect(v.stdout).toContain(expected);
      expect(v.stdout.match(/line 6/g)).toHaveLength(1);
      expect((await runCli(['status'], broken.env)).stdout).toContain(expected);
      const d = await runCli(['doctor'], broken.env);
      expect(d.code).toBe(1);
      expect(d.stdout).toContain('missing comma at the end of line 5? (line 6, column 7)');
      expect(d.stdout).toContain("        6 |       allowFrom: ['+15551234567'],");
    } finally {
      await broken.cleanup();
    }
  });
});

describe('doctor summary and exit status', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await makeTestEnv(`  web: { enabled: false },`);
  });
  afterAll(() => t.cleanup());

  it('warnings only: says how many, not "No problems found", and exits 2', async () => {
    const r = await runCli(['doctor'], { ...t.env, OPENCLAW_WA_SIMULATOR: '' });
    const marks = r.stdout.split('\n').filter((l) => l.startsWith('! '));
    expect(marks.length).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/^✗ /m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(
      `No problems, but ${marks.length} warning${marks.length === 1 ? '' : 's'} (marked !).`,
    );
    expect(r.code).toBe(2);
  });

  it('documents the exit status in --help', async () => {
    const r = await runCli(['doctor', '--help'], t.env);
    expect(r.stdout).toContain(
      'Exit status: 0 when every check passed, 1 when a problem (✗) was found, 2 when there are warnings (!) but no problems.',
    );
  });
});

describe('with `openclaw gateway run` going', () => {
  let t: TestEnv;
  let gw: GatewayProcess;
  beforeAll(async () => {
    t = await makeTestEnv(`  channels: { whatsapp: { historyLimit: 7 } },`);
    gw = await spawnGateway(t.env);
  });
  afterAll(async () => {
    if (gw.child.exitCode === null) await gw.interrupt();
    await t.cleanup();
  });

  it('config set of several keys goes through the gateway in one validated write', async () => {
    const r = await runCli(
      [
        'config',
        'set',
        'channels.whatsapp.dmPolicy',
        'allowlist',
        'channels.whatsapp.allowFrom',
        '["+15551234567"]',
      ],
      t.env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Set channels.whatsapp.dmPolicy = "allowlist"');
    expect(r.stdout).toContain('Set channels.whatsapp.allowFrom = ["+15551234567"]');
    const channel = JSON.parse(
      (await runCli(['config', 'get', 'channels.whatsapp', '--json'], t.env)).stdout,
    );
    expect(channel).toMatchObject({ dmPolicy: 'allowlist', allowFrom: ['+15551234567'], historyLimit: 7 });
    // One write: the gateway logged one save for it.
    const logs = await runCli(['logs', '--subsystem', 'config', '--json'], t.env);
    expect(logs.stdout.split('\n').filter((l) => l.includes('config saved'))).toHaveLength(1);
  });

  it('refuses a mistyped key through the gateway too', async () => {
    const r = await runCli(['config', 'set', 'channels.whatsap.dmPolicy', 'allowlist'], t.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did you mean channels.whatsapp.dmPolicy?');
  });

  it('status shows an unknown key the running gateway read from the file', async () => {
    const text = await readFile(t.configPath, 'utf8');
    await t.writeConfig(text.replace('historyLimit: 7', 'historyLimit: 7, dmPolicyy: "open"'));
    const r = await waitFor(async () => {
      const s = await runCli(['status'], t.env);
      return s.stdout.includes('dmPolicyy') ? s : undefined;
    }, 'status to show the warning');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Config: ');
    expect(r.stdout).toMatch(
      /channels\.whatsapp\.dmPolicyy: warning: unknown key "dmPolicyy" \(did you mean "dmPolicy"\?\)/,
    );
  });
});
