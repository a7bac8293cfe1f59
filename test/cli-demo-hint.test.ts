// `npm run demo` runs its gateway on a throwaway state folder (<tmp>/openclaw-demo). A CLI in a second terminal
// looks in its own folder; when it finds no gateway there while the demo's runs, it prints the exact line that
// reaches the demo's — and that line works. Real processes; TMPDIR points both at this test's own folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { freePort, makeTestEnv, type TestEnv } from './support/env';

describe('the CLI finds the demo gateway', () => {
  let t: TestEnv;
  let demo: GatewayProcess;
  let demoDir: string;
  let demoPort: number;
  let userEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    t = await makeTestEnv();
    const tmp = join(t.dir, 'tmp');
    demoDir = join(tmp, 'openclaw-demo');
    await mkdir(demoDir, { recursive: true, mode: 0o700 });
    // As scripts/demo.mjs writes it: the config inside the state folder, logs beside it.
    await writeFile(
      join(demoDir, 'openclaw.json'),
      `{ logging: { file: ${JSON.stringify(join(demoDir, 'logs', 'openclaw-YYYY-MM-DD.log'))} } }\n`,
    );
    demoPort = await freePort();
    const base: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, OPENCLAW_GATEWAY_TOKEN: '' };
    delete base.OPENCLAW_CONFIG_PATH;
    delete base.OPENCLAW_STATE_DIR;
    demo = await spawnGateway({
      ...base,
      OPENCLAW_STATE_DIR: demoDir,
      OPENCLAW_GATEWAY_PORT: String(demoPort),
    });
    // The person's own folder (~/.openclaw in real life), with no gateway of its own.
    userEnv = { ...t.env, TMPDIR: tmp };
  });
  afterAll(async () => {
    await demo?.interrupt();
    await t.cleanup();
  });

  it('a command that needs a gateway prints the exact line for the demo, and that line works', async () => {
    const r = await runCli(['pairing', 'list', 'whatsapp'], userEnv);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^No gateway is running on 127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain(`pid ${demo.child.pid}, port ${demoPort}`);
    const line = /^\s+(OPENCLAW_STATE_DIR=\S+) openclaw (.+)$/m.exec(r.stderr);
    expect(line?.[1]).toBe(`OPENCLAW_STATE_DIR=${demoDir}`);
    expect(line?.[2]).toBe('pairing list whatsapp');

    // Exactly that line, from a shell with nothing else set.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TMPDIR: userEnv.TMPDIR,
      OPENCLAW_STATE_DIR: demoDir,
      OPENCLAW_GATEWAY_TOKEN: '',
    };
    delete env.OPENCLAW_CONFIG_PATH;
    delete env.OPENCLAW_GATEWAY_PORT;
    const again = await runCli(line![2]!.split(' '), env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });

  it('status names the demo gateway too', async () => {
    const r = await runCli(['status'], userEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Gateway: not running');
    expect(r.stdout).toContain(`OPENCLAW_STATE_DIR=${demoDir} openclaw status`);
  });

  it('the hint also follows a refusal when the demo answers on the port this CLI expected', async () => {
    const r = await runCli(['pairing', 'list', 'whatsapp'], {
      ...userEnv,
      OPENCLAW_GATEWAY_PORT: String(demoPort),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`OPENCLAW_STATE_DIR=${demoDir} openclaw pairing list whatsapp`);
  });

  it('without a demo gateway, the message stays one line', async () => {
    const r = await runCli(['pairing', 'list', 'whatsapp'], { ...userEnv, TMPDIR: join(t.dir, 'elsewhere') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
