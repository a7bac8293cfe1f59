// `openclaw channels login` when WhatsApp cannot be reached: a real gateway process wired to the simulator, which
// is then shut down, so the real Baileys client's every connect meets a closed port (ECONNREFUSED).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSim } from '../e2e/wa-sim/index';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';

let t: TestEnv;
let gw: GatewayProcess;
let endpoint: string;

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  const sim = await startSim({ seed: 'cli-unreachable' });
  t = await makeTestEnv();
  t.env.OPENCLAW_WA_SIMULATOR = sim.url;
  endpoint = new URL(sim.url).host;
  try {
    gw = await spawnGateway(t.env);
  } finally {
    await sim.close();
  }
});

afterAll(async () => {
  if (gw?.child.exitCode === null) await gw.interrupt();
  await t?.cleanup();
});

describe('linking while WhatsApp is unreachable', () => {
  it('login, status and the log say the host cannot be reached and why, not that a QR expired', async () => {
    const reason = `Cannot reach WhatsApp (${endpoint}): connect ECONNREFUSED`;
    const login = await runCli(['channels', 'login', '--timeout', '15'], t.env);
    expect(login.code).toBe(1);
    expect(login.stderr.trim()).toBe(
      `Not linked: ${reason}. To link, run \`openclaw channels login --account default\` (or use the Link screen).`,
    );
    expect(login.stdout).not.toMatch(/is linked|QR/);

    const status = await runCli(['channels', 'status'], t.env);
    expect(status.stdout).toMatch(/default \(default\): unlinked — not linked/);
    expect(status.stdout).toContain(`last error: ${reason}`);

    const logs = await runCli(['logs', '--subsystem', 'web-reconnect', '--level', 'warn', '--json'], t.env);
    const lines = logs.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: `not reconnecting: ${reason}` }),
    );
    expect(logs.stdout).not.toMatch(/QR code expired/);

    const doctor = await runCli(['doctor'], t.env);
    expect(doctor.stdout).toContain(`WhatsApp account "default": Not linked — Not linked: ${reason}.`);
    expect(doctor.stdout).toContain(
      'fix: check that this machine can reach WhatsApp (network, firewall, proxy)',
    );
  });
});
