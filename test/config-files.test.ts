// Config files that json5 would take but a person did not mean (duplicate keys, bytes that are not UTF-8, an
// empty file, absurd nesting, a port out of range, a symbolic link), met the way people meet them: the real CLI
// and a real `openclaw gateway run` on real files. Each gets a clear message and no stack trace, and a running
// gateway keeps its last good config and says why in `status`.
import { lstat, mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnGateway, type CliResult, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';

const STACK = /^\s+at \S/m;
const noStack = (r: CliResult) => {
  expect(r.stdout + r.stderr).not.toMatch(STACK);
  expect(r.stdout + r.stderr).not.toContain('unexpected error');
};

const open = (logFile: string, extra = '') => `{
  logging: { file: ${JSON.stringify(logFile)} },
  channels: {
    whatsapp: {
      dmPolicy: 'open',
      allowFrom: ['*'],${extra}
    },
  },
}
`;
const deep = (n: number) => `{\n  x: ${'['.repeat(n)}${']'.repeat(n)},\n}\n`;
const latin1Name = (logFile: string) =>
  Buffer.concat([
    Buffer.from(`{\n  logging: { file: ${JSON.stringify(logFile)} },\n  identity: { name: "Zo`),
    Buffer.from([0xeb]),
    Buffer.from('" },\n}\n'),
  ]);

async function statusJson(t: TestEnv) {
  const r = await runCli(['status', '--json'], t.env);
  return JSON.parse(r.stdout) as {
    config: { valid: boolean; errors: Array<{ path: string; message: string }> };
  };
}
const dmPolicy = async (t: TestEnv) =>
  (await runCli(['config', 'get', 'channels.whatsapp.dmPolicy'], t.env)).stdout.trim();

describe('a running gateway given a bad file keeps its last good config and says why', () => {
  let t: TestEnv;
  let gw: GatewayProcess;
  beforeAll(async () => {
    t = await makeTestEnv();
    await t.writeConfig(open(t.logFile));
    gw = await spawnGateway(t.env);
  });
  afterAll(async () => {
    await gw?.interrupt();
    await t.cleanup();
  });

  it.each([
    [
      'a duplicate key',
      (f: string) => open(f, `\n      dmPolicy: 'disabled',`),
      'channels.whatsapp.dmPolicy: duplicate key "dmPolicy": it is set on line 5 and again on line 7',
    ],
    [
      'a second top-level block',
      (f: string) => `${open(f).trimEnd().slice(0, -1)}  channels: {},\n}\n`,
      'channels: duplicate key "channels": it is set on line 3 and again on line 9',
    ],
    [
      'an empty file',
      () => '',
      '(file): the config file is empty; a config that keeps every default is written {}',
    ],
    ['a comment-only file', () => '// later\n', '(file): the config file is empty'],
    ['bytes that are not UTF-8', latin1Name, '(file): the file is not valid UTF-8: byte 0xEB at byte offset'],
    [
      'nesting 170,000 levels deep',
      () => deep(170_000),
      '(file): objects and lists are nested more than 100 levels deep here',
    ],
    [
      'gateway.port out of range',
      (f: string) => open(f).replace('logging', 'gateway: { port: 70000 },\n  logging'),
      'gateway.port: must be at most 65535 (got 70000)',
    ],
  ])('%s', async (_what, text, said) => {
    await writeFile(t.configPath, text(t.logFile));
    const errors = await waitFor(async () => {
      const s = await statusJson(t);
      return s.config.valid ? undefined : s.config.errors;
    }, 'the gateway to notice the edit');
    expect(errors.length).toBeGreaterThan(0);

    const status = await runCli(['status'], t.env);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('INVALID — running on the last good config');
    expect(status.stdout).toContain(said);
    noStack(status);
    // Still the last good policy, not the duplicate's "disabled" nor the defaults' "pairing".
    expect(await dmPolicy(t)).toBe('open');

    const validate = await runCli(['config', 'validate'], t.env);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(said);
    noStack(validate);

    await writeFile(t.configPath, open(t.logFile, ' // fixed'));
    await waitFor(async () => (await statusJson(t)).config.valid, 'the fixed file to be taken');
  });

  it('refuses to write over bytes that are not UTF-8, and leaves them as they are', async () => {
    const bytes = latin1Name(t.logFile);
    await writeFile(t.configPath, bytes);
    await waitFor(async () => !(await statusJson(t)).config.valid, 'the gateway to notice the edit');
    const r = await runCli(['config', 'set', 'identity.name', 'Zoe'], t.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Not saved: the file is not valid UTF-8: byte 0xEB at byte offset');
    expect(r.stderr).toContain('(line 3, column 24); fix it in an editor first');
    noStack(r);
    expect(await readFile(t.configPath)).toEqual(bytes);
    await writeFile(t.configPath, open(t.logFile));
    await waitFor(async () => (await statusJson(t)).config.valid, 'the fixed file to be taken');
  });
});

describe('the CLI without a gateway', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await makeTestEnv();
  });
  afterAll(() => t.cleanup());

  it('says gateway.port is out of range on every command that looks for the gateway, and unset repairs it', async () => {
    await t.writeConfig(open(t.logFile).replace('logging', 'gateway: { port: 70000 },\n  logging'));
    // The port comes from the config here, as for someone who has not set OPENCLAW_GATEWAY_PORT.
    const env = { ...t.env, OPENCLAW_GATEWAY_PORT: '' };
    const warning = `openclaw: gateway.port in ${t.configPath} must be a port number from 1 to 65535 (got 70000); using 18789`;
    for (const args of [
      ['status'],
      ['config', 'get', 'channels.whatsapp.dmPolicy'],
      ['doctor'],
      ['pairing', 'list'],
      ['channels', 'status'],
      ['dashboard'],
    ]) {
      const r = await runCli(args, env);
      expect(r.stderr, args.join(' ')).toContain(warning);
      expect(r.code, args.join(' ')).not.toBe(0);
      noStack(r);
    }
    const status = await runCli(['status'], env);
    expect(status.stdout).toContain('gateway.port: must be at most 65535 (got 70000)');

    const unset = await runCli(['config', 'unset', 'gateway.port'], env);
    noStack(unset);
    expect(unset.code).toBe(0);
    expect(unset.stdout).toContain(`Unset gateway.port in ${t.configPath}`);
    const validate = await runCli(['config', 'validate'], env);
    expect(validate.stdout).toContain(`${t.configPath}: valid`);
    expect(validate.stderr).toBe('');
  });

  it('refuses an edit of a file nested 170,000 levels deep with the place, not a stack overflow', async () => {
    await t.writeConfig(deep(170_000));
    const r = await runCli(['config', 'set', 'web.enabled', 'true'], t.env);
    noStack(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('objects and lists are nested more than 100 levels deep here');
    expect(r.stderr).toContain('line 2, column 105');
  });

  it('refuses a value nested too deep, at its key, and leaves the file alone', async () => {
    await t.writeConfig(open(t.logFile));
    const value = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const r = await runCli(['config', 'set', 'channels.whatsapp.allowFrom', value], t.env);
    noStack(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'channels.whatsapp.allowFrom: the value nests objects and lists too deeply (a config nests at most 100 levels)',
    );
    expect(await readFile(t.configPath, 'utf8')).toBe(open(t.logFile));
  });

  it('refuses an edit that keeps a duplicate key, naming both lines', async () => {
    await t.writeConfig(open(t.logFile, `\n      dmPolicy: 'disabled',`));
    const r = await runCli(['config', 'set', 'channels.whatsapp.historyLimit', '5'], t.env);
    noStack(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('duplicate key "dmPolicy": it is set on line 5 and again on line 7');
  });

  it('will not start a gateway on an empty file with no earlier valid config', async () => {
    const fresh = await makeTestEnv();
    try {
      await fresh.writeConfig('');
      const r = await runCli(['gateway', 'run'], fresh.env);
      noStack(r);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('The gateway did not start');
      expect(r.stderr).toContain('the config file is empty; a config that keeps every default is written {}');
    } finally {
      await fresh.cleanup();
    }
  });
});

describe('a config that is a symbolic link', () => {
  let t: TestEnv;
  let gw: GatewayProcess;
  let target: string;
  beforeAll(async () => {
    t = await makeTestEnv();
    // As a dotfile manager sets it up: the file lives in another folder, the config path links to it.
    await mkdir(join(t.dir, 'dotfiles'));
    target = join(t.dir, 'dotfiles', 'openclaw.json');
    await writeFile(target, open(t.logFile));
    await rename(t.configPath, join(t.dir, 'unused.json'));
    await symlink(target, t.configPath);
    gw = await spawnGateway(t.env);
  });
  afterAll(async () => {
    await gw?.interrupt();
    await t.cleanup();
  });

  it('follows edits to the target, writes through the link, and follows the link when it is repointed', async () => {
    expect(await dmPolicy(t)).toBe('open');
    await writeFile(target, open(t.logFile).replace("'open'", "'disabled'"));
    await waitFor(async () => (await dmPolicy(t)) === 'disabled', 'an edit of the target to be taken');

    const set = await runCli(['config', 'set', 'channels.whatsapp.historyLimit', '9'], t.env);
    expect(set.code).toBe(0);
    expect((await lstat(t.configPath)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toContain('historyLimit: 9');

    // Pointed at another file, atomically, the way a dotfile manager switches profiles.
    const other = join(t.dir, 'dotfiles', 'work.json');
    await writeFile(other, open(t.logFile).replace("'open'", "'pairing'"));
    await symlink(other, join(t.dir, 'next-link'));
    await rename(join(t.dir, 'next-link'), t.configPath);
    await waitFor(async () => (await dmPolicy(t)) === 'pairing', 'the repointed link to be taken');
    await writeFile(other, open(t.logFile).replace("'open'", "'disabled'"));
    await waitFor(async () => (await dmPolicy(t)) === 'disabled', 'an edit of the new target to be taken');
    expect((await statusJson(t)).config.valid).toBe(true);
  });
});
