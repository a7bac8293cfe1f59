// A real `openclaw gateway run` whose configured log folder belongs to another local user (someone who created
// /tmp/openclaw first): the gateway writes nothing there, logs to <stateDir>/logs instead and says so once, keeps
// logging.maxFiles daily files there, and `openclaw logs` finds that file once the gateway has stopped.
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveLogFile } from '../src/gateway/config/paths';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let t: TestEnv;
let gateway: GatewayProcess | null = null;

beforeAll(async () => {
  t = await makeTestEnv();
});

afterAll(async () => {
  if (gateway) await gateway.interrupt();
  await t?.cleanup();
});

const dayName = (d: Date) => resolveLogFile('openclaw-YYYY-MM-DD.log', d).split('/').pop()!;

it.runIf(asRoot)(
  'a log folder owned by another user is refused: the fallback is used, said once, pruned, and read by `openclaw logs` (needs root to chown)',
  async () => {
    const foreign = dirname(t.logFile);
    mkdirSync(foreign, { mode: 0o755 });
    chownSync(foreign, NOBODY, NOBODY);
    const fallbackDir = join(t.stateDir, 'logs');
    mkdirSync(fallbackDir, { recursive: true, mode: 0o700 });
    const today = new Date();
    const old = Array.from({ length: 20 }, (_, i) =>
      dayName(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1 - i, 12)),
    );
    for (const name of old) writeFileSync(join(fallbackDir, name), '{}\n');

    gateway = await spawnGateway(t.env);
    // Its exit code is not checked: a Ctrl-C this soon after start-up sometimes ends the process by the signal
    // itself, before the gateway's handler runs (seen without this change too); what it wrote is what counts.
    await gateway.interrupt();
    const output = gateway.output();
    gateway = null;

    const fallback = join(fallbackDir, dayName(today));
    const said = output.split('\n').filter((l) => l.includes('refused'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/ warn {2}log /);
    expect(said[0]).toContain(foreign);
    expect(said[0]).toContain('belongs to another user (uid 65534)');
    expect(said[0]).toContain(fallback);

    expect(readdirSync(foreign)).toEqual([]);
    expect(statSync(fallback).mode & 0o777).toBe(0o600);
    expect(statSync(fallbackDir).mode & 0o777).toBe(0o700);
    const lines = readFileSync(fallback, 'utf8').trim().split('\n');
    expect(lines.some((l) => l.includes('"msg":"gateway started"'))).toBe(true);
    // logging.maxFiles defaults to 14: today's file and the 13 newest of the 20 old ones.
    expect(readdirSync(fallbackDir).sort()).toEqual([dayName(today), ...old.slice(0, 13)].sort());

    const logs = await runCli(['logs', '-n', '500'], t.env);
    expect(logs.code).toBe(0);
    expect(logs.stderr).toContain(`reading ${fallback}`);
    expect(logs.stdout).toContain('gateway started');
  },
  60_000,
);
