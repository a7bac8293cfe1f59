import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, memoryAuth, trustSimulator } from '../client';
import { WaSimServer } from '../server/sim';

let sim: WaSimServer;
beforeAll(async () => {
  sim = new WaSimServer();
  await sim.start();
  trustSimulator(sim.certs.rootPublic);
});
afterAll(() => sim.close());

it('links a fresh Baileys client by QR, restarts once (515), then logs in', async () => {
  const auth = memoryAuth();
  const first = connect(sim.url, auth);
  const { qr } = await first.waitFor((u) => !!u.qr, 'a QR');
  const account = sim.account('+15550001111');
  const companion = await sim.scan(account, qr!);
  await first.waitFor((u) => u.connection === 'close', 'the 515 close');
  expect(first.closeCode()).toBe(515);
  expect(auth.state.creds.me?.id).toBe(`15550001111:${companion.device}@s.whatsapp.net`);

  const second = connect(sim.url, auth);
  await second.waitFor((u) => u.connection === 'open', 'open');
  await second.waitFor((u) => u.receivedPendingNotifications === true, 'the offline marker');
  expect(companion.preKeys.size).toBeGreaterThan(0);
  second.end();
});
