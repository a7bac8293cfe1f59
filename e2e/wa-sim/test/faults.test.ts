// Each fault as the real Baileys client reports it: the close code on connection.update.
import { DisconnectReason } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, memoryAuth, trustSimulator, type MemoryAuth, type SimClient } from '../client';
import type { Account } from '../server/model';
import { WaSimServer } from '../server/sim';

let sim: WaSimServer;
beforeAll(async () => {
  sim = new WaSimServer();
  await sim.start();
  trustSimulator(sim.certs.rootPublic);
});
afterAll(() => sim.close());

/** Links a fresh client for a new account and returns it connected and past the offline marker. */
async function linked(e164: string): Promise<{ account: Account; auth: MemoryAuth; client: SimClient }> {
  const auth = memoryAuth();
  const pairing = connect(sim.url, auth);
  const { qr } = await pairing.waitFor((u) => !!u.qr, 'a QR');
  const account = sim.account(e164);
  await sim.scan(account, qr!);
  await pairing.waitFor((u) => u.connection === 'close', 'the 515 close');
  const client = connect(sim.url, auth);
  await client.waitFor((u) => u.receivedPendingNotifications === true, 'the offline marker');
  return { account, auth, client };
}

describe('faults', () => {
  it('conflict: replaced → 440', async () => {
    const { account, client } = await linked('+15550000440');
    await sim.fault.conflict(account);
    await client.waitFor((u) => u.connection === 'close', 'close');
    expect(client.closeCode()).toBe(DisconnectReason.connectionReplaced);
  });

  it('a second login on the same credentials replaces the first → 440 on the first', async () => {
    const { auth, client } = await linked('+15550000441');
    const second = connect(sim.url, auth);
    await second.waitFor((u) => u.connection === 'open', 'the second session open');
    await client.waitFor((u) => u.connection === 'close', 'the first session closed');
    expect(client.closeCode()).toBe(440);
    second.end();
  });

  it('device removed → 401, and logging in again is refused with 401', async () => {
    const { account, auth, client } = await linked('+15550000401');
    await sim.fault.deviceRemoved(account);
    await client.waitFor((u) => u.connection === 'close', 'close');
    expect(client.closeCode()).toBe(DisconnectReason.loggedOut);
    const again = connect(sim.url, auth);
    await again.waitFor((u) => u.connection === 'close', 'refused login');
    expect(again.closeCode()).toBe(401);
  });

  it('restart required → 515, and the client comes back on the same credentials', async () => {
    const { account, auth, client } = await linked('+15550000515');
    await sim.fault.restartRequired(account);
    await client.waitFor((u) => u.connection === 'close', 'close');
    expect(client.closeCode()).toBe(DisconnectReason.restartRequired);
    const again = connect(sim.url, auth);
    await again.waitFor((u) => u.connection === 'open', 'open again');
    again.end();
  });

  it('restart after each login → every login opens, then gets 515, until turned off', async () => {
    const { auth, client } = await linked('+15550000516');
    client.end();
    sim.fault.restartAfterEachLogin(50);
    try {
      const looped = connect(sim.url, auth);
      await looped.waitFor((u) => u.connection === 'open', 'open');
      await looped.waitFor((u) => u.connection === 'close', 'the 515 after open');
      expect(looped.closeCode()).toBe(DisconnectReason.restartRequired);
    } finally {
      sim.fault.restartAfterEachLogin(null);
    }
    const calm = connect(sim.url, auth);
    await calm.waitFor((u) => u.connection === 'open', 'open with the fault off');
    await calm.sock.sendPresenceUpdate('available');
    expect(calm.updates.some((u) => u.connection === 'close')).toBe(false);
    calm.end();
  });

  it('abrupt close → 428 (connection closed)', async () => {
    const { account, client } = await linked('+15550000428');
    sim.fault.abruptClose(account);
    await client.waitFor((u) => u.connection === 'close', 'close');
    expect(client.closeCode()).toBe(DisconnectReason.connectionClosed);
  });

  it('refused connections fail fast, then succeed once the server accepts again', async () => {
    const { auth, client } = await linked('+15550000503');
    client.end();
    sim.fault.refuseConnections();
    const refused = connect(sim.url, auth);
    await refused.waitFor((u) => u.connection === 'close', 'refused');
    expect(refused.closeCode()).toBeDefined();
    sim.fault.acceptConnections();
    const later = connect(sim.url, auth);
    await later.waitFor((u) => u.connection === 'open', 'open after the outage');
    later.end();
  });

  it('silent handshakes leave the hello unanswered until the client gives up, then connections open again', async () => {
    const { auth, client } = await linked('+15550000408');
    client.end();
    sim.fault.silentHandshakes();
    try {
      const hung = connect(sim.url, auth, { connectTimeoutMs: 500 });
      await hung.waitFor((u) => u.connection === 'close', 'the client timing out');
      expect(hung.closeCode()).toBe(DisconnectReason.timedOut);
    } finally {
      sim.fault.answerHandshakes();
    }
    const later = connect(sim.url, auth);
    await later.waitFor((u) => u.connection === 'open', 'open once hellos are answered');
    later.end();
  });

  it('slow responses delay the login but it still completes', async () => {
    const { auth, client } = await linked('+15550000777');
    client.end();
    sim.fault.slowResponses(150);
    try {
      const started = Date.now();
      const slow = connect(sim.url, auth);
      await slow.waitFor((u) => u.connection === 'open', 'open');
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      slow.end();
    } finally {
      sim.fault.slowResponses(0);
    }
  });

  it('malformed stanzas are survived: the connection stays open and keeps answering', async () => {
    const { account, client } = await linked('+15550000666');
    sim.fault.malformedStanza(account);
    await client.sock.sendPresenceUpdate('available');
    await client.sock.query({
      tag: 'iq',
      attrs: { to: '@s.whatsapp.net', type: 'get', xmlns: 'w:p' },
      content: [{ tag: 'ping', attrs: {} }],
    });
    expect(client.updates.some((u) => u.connection === 'close')).toBe(false);
    client.end();
  });

  it('a frame that is not a binary node surfaces in Baileys as an unhandled rejection; the socket stays up', async () => {
    const { account, client } = await linked('+15550000667');
    // Baileys decodes frames in a promise nobody awaits, so a broken frame escapes as an unhandled rejection.
    // Take the runner's handlers off for the duration, so this one expected rejection is observed, not fatal.
    const runnerHandlers = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    try {
      const rejection = new Promise<unknown>((resolve) => process.once('unhandledRejection', resolve));
      sim.fault.garbageFrame(account);
      expect(String(await rejection)).toMatch(/invalid|tag|size|decod/i);
    } finally {
      process.removeAllListeners('unhandledRejection');
      for (const h of runnerHandlers) process.on('unhandledRejection', h);
    }
    expect(client.updates.some((u) => u.connection === 'close')).toBe(false);
    client.end();
  });

  it('an outdated client version is refused with 405', async () => {
    const { auth, client } = await linked('+15550000405');
    client.end();
    sim.fault.rejectClientVersions((v) => v.startsWith('2.2000.'));
    try {
      const old = connect(sim.url, auth, { version: [2, 2000, 1] });
      await old.waitFor((u) => u.connection === 'close', 'refused');
      expect(old.closeCode()).toBe(405);
      const current = connect(sim.url, auth);
      await current.waitFor((u) => u.connection === 'open', 'a current version is accepted');
      current.end();
    } finally {
      sim.fault.rejectClientVersions(null);
    }
  });

  it('linking is rejected by the phone → 401; QR refs running out → timed out', async () => {
    const auth = memoryAuth();
    const c = connect(sim.url, auth);
    const { qr } = await c.waitFor((u) => !!u.qr, 'a QR');
    await sim.reject(qr!);
    await c.waitFor((u) => u.connection === 'close', 'close');
    expect(c.closeCode()).toBe(401);

    const small = new WaSimServer({ qrRefs: 2 });
    await small.start();
    try {
      const t = connect(small.url, memoryAuth(), { qrTimeout: 100 });
      await t.waitFor((u) => u.connection === 'close', 'refs exhausted');
      expect(t.closeCode()).toBe(DisconnectReason.timedOut);
      expect(t.updates.filter((u) => u.qr).length).toBe(2);
    } finally {
      await small.close();
    }
  });
});
