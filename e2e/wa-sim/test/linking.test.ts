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

it('closing the simulator releases its servers, sockets and timers', async () => {
  const count = () => {
    const all = process.getActiveResourcesInfo();
    return {
      servers: all.filter((r) => r === 'TCPServerWrap').length,
      sockets: all.filter((r) => r === 'TCPSocketWrap').length,
      timers: all.filter((r) => r === 'Timeout').length,
    };
  };
  const before = count();
  const { startSim } = await import('../index');
  const other = await startSim();
  trustSimulator(other.rootPublicKey);
  const client = connect(other.url, memoryAuth());
  const { qr } = await client.waitFor((u) => !!u.qr, 'a QR');
  expect(qr).toBeTruthy();
  expect(count().servers).toBeGreaterThan(before.servers);
  client.end();
  await other.close();
  trustSimulator(sim.certs.rootPublic);
  // Sockets finish closing on the next turns of the event loop.
  const leftover = () => {
    const now = count();
    return now.servers > before.servers || now.sockets > before.sockets || now.timers > before.timers;
  };
  for (let i = 0; i < 50 && leftover(); i++) await new Promise((r) => setTimeout(r, 20));
  // Nothing the simulator (or the client we ended) opened is still there; earlier tests' leftovers may close too.
  expect(leftover()).toBe(false);
});
