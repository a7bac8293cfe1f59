// "gateway.port changed" is worth a warning only when it is news: once per change, and only when the config is
// where the running gateway's port came from. Real gateway processes, real config writes through the CLI.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { freePort, makeTestEnv, waitFor, type TestEnv } from './support/env';

const WARNING = 'gateway.port changed: restart the gateway to move it';
const count = (text: string, what: string) => text.split(what).length - 1;

describe('gateway.port changes', () => {
  let t: TestEnv;
  let gw: GatewayProcess | null = null;
  afterEach(async () => {
    if (gw?.child.exitCode === null) await gw.interrupt();
    gw = null;
    await t.cleanup();
  });

  it('with the port from OPENCLAW_GATEWAY_PORT, saves never warn about the port', async () => {
    t = await makeTestEnv();
    gw = await spawnGateway(t.env);
    expect((await runCli(['config', 'set', 'web.heartbeatSeconds', '42'], t.env)).code).toBe(0);
    expect((await runCli(['config', 'set', 'gateway.port', String(await freePort())], t.env)).code).toBe(0);
    expect((await runCli(['config', 'set', 'web.heartbeatSeconds', '43'], t.env)).code).toBe(0);
    await waitFor(() => gw!.output().includes('OPENCLAW_GATEWAY_PORT instead'), 'the info line');
    expect(gw.output()).not.toContain(WARNING);
  });

  it('with the port from the config, a change warns once, and later saves do not repeat it', async () => {
    const port = await freePort();
    t = await makeTestEnv(`  gateway: { port: ${port} },`);
    const env = { ...t.env, OPENCLAW_GATEWAY_PORT: '' };
    gw = await spawnGateway(env);
    expect((await runCli(['config', 'set', 'web.heartbeatSeconds', '42'], env)).code).toBe(0);
    expect(gw.output()).not.toContain(WARNING);
    expect((await runCli(['config', 'set', 'gateway.port', String(await freePort())], env)).code).toBe(0);
    await waitFor(() => gw!.output().includes(WARNING), 'the warning');
    expect((await runCli(['config', 'set', 'web.heartbeatSeconds', '43'], env)).code).toBe(0);
    expect((await runCli(['config', 'set', 'web.heartbeatSeconds', '44'], env)).code).toBe(0);
    expect(count(gw.output(), WARNING)).toBe(1);
  });
});
