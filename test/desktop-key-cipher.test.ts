// The desktop app's sealed model keys through a real gateway: startGateway with the safeStorage cipher (as
// src/main passes it), a key saved over the control API, the file on disk, and the key reaching the loopback model
// server on a real request. Then the same state folder under a headless gateway, which has no cipher.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startModelSim, type ModelSim } from '../e2e/model-sim';
import { startGateway, type CallerContext, type Gateway } from '../src/gateway/gateway';
import { safeStorageCipher } from '../src/main/safe-storage-keys';
import { makeTestEnv, type TestEnv } from './support/env';
import { fakeSafeStorage } from './support/fake-safe-storage';

let sim: ModelSim;
let t: TestEnv;
let gw: Gateway | undefined;
const caller = (): CallerContext => ({ transport: 'ipc', subscriptions: new Set() });

beforeAll(async () => {
  sim = await startModelSim();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  t = await makeTestEnv(
    `models: { providers: { sim: { api: 'openai-completions', baseUrl: ${JSON.stringify(sim.openaiBaseUrl)}, models: [{ id: 'm' }] } } },\n` +
      `agents: { defaults: { model: 'sim/m' } },`,
  );
});
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await t.cleanup();
});

async function keySource(g: Gateway): Promise<string | undefined> {
  const list = await g.call('models.list', undefined, caller());
  if (!list.ok) throw new Error(list.error.message);
  return (list.value as { models: Array<{ ref: string; keySource: string }> }).models.find(
    (m) => m.ref === 'sim/m',
  )?.keySource;
}

describe('model keys sealed by the desktop app', () => {
  it('are stored sealed, used on requests, and not readable by a headless gateway', async () => {
    gw = await startGateway({
      env: t.env,
      serveUi: false,
      keyCipher: safeStorageCipher(fakeSafeStorage(), 'darwin') ?? undefined,
    });
    const saved = await gw.call('models.setKey', { provider: 'sim', apiKey: 'sk-sealed-e2e' }, caller());
    expect(saved).toEqual({ ok: true, value: { provider: 'sim', stored: true } });
    const file = await readFile(join(t.stateDir, 'credentials', 'models.json'), 'utf8');
    expect(JSON.parse(file)).toMatchObject({ version: 1, encrypted: 'electron-safeStorage' });
    expect(file).not.toContain('sk-sealed-e2e');
    expect(await keySource(gw)).toBe('credentials');

    const tested = await gw.call('models.test', { ref: 'sim/m' }, caller());
    expect(tested.ok && (tested.value as { ok: boolean }).ok).toBe(true);
    expect(sim.requests.at(-1)?.headers.authorization).toBe('Bearer sk-sealed-e2e');

    await gw.stop();
    gw = await startGateway({ env: t.env, serveUi: false });
    expect(await keySource(gw)).toBe('none');
  });
});
