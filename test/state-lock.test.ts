// One gateway per state folder, with real processes: a second `gateway run` refuses in one line naming the first,
// leaves its files alone, and the lock of a SIGKILLed run is taken over by the next start.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { freePort, makeTestEnv, type TestEnv } from './support/env';

const runtimeFile = async (t: TestEnv) =>
  JSON.parse(await readFile(join(t.stateDir, 'gateway.json'), 'utf8')) as { pid: number; port: number };

describe('one gateway per state folder', () => {
  let t: TestEnv;
  const running: GatewayProcess[] = [];
  beforeEach(async () => {
    t = await makeTestEnv();
  });
  afterEach(async () => {
    for (const gw of running.splice(0)) if (gw.child.exitCode === null) await gw.interrupt();
    await t.cleanup();
  });

  it('a second gateway on the same folder refuses in one line naming the running one, and changes nothing', async () => {
    const first = await spawnGateway(t.env);
    running.push(first);
    const before = await readFile(join(t.stateDir, 'gateway.json'), 'utf8');

    // Another port, so nothing but the lock can stop it.
    const second = await runCli(['gateway', 'run', '--port', String(await freePort())], t.env);
    expect(second.code).toBe(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('another gateway is already running');
    expect(lines[0]).toContain(`pid ${first.child.pid}`);
    expect(lines[0]).toContain(`port ${t.port}`);
    expect(lines[0]).toContain(t.stateDir);

    expect(await readFile(join(t.stateDir, 'gateway.json'), 'utf8')).toBe(before);
    expect((await runCli(['status'], t.env)).code).toBe(0);
    expect(first.output()).not.toContain('did not shut down cleanly');
    expect(await first.interrupt()).toBe(0);
  });

  it('the lock of a killed gateway is taken over by the next start', async () => {
    const crashed = await spawnGateway(t.env);
    crashed.child.kill('SIGKILL');
    await new Promise((resolve) => crashed.child.once('exit', resolve));

    const next = await spawnGateway(t.env);
    running.push(next);
    expect(next.output()).toContain('did not shut down cleanly');
    expect((await runtimeFile(t)).pid).toBe(next.child.pid);
    expect(await next.interrupt()).toBe(0);
  });
});
