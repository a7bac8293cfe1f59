// A socket the account is done with is released: nothing of ours keeps a closed Baileys socket (its keys, caches and
// event emitter, about 0.15 MB) alive. Linking closes one for good: the QR socket ends with WhatsApp's 515 restart
// and a new one opens. The account's connect limit (20 s) used to hold it until it ran out; the reset of the attempt
// budget, a heartbeat interval after 'open', held an open socket the same way. (A socket a reconnect replaces is
// also held by Baileys' own 30 s race timer around its pre-key upload, which is not ours to clear, so this test
// links rather than reconnects.) Real gateway, real Baileys, wa-sim; a WeakRef and a forced garbage collection say
// whether the socket can still be reached.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WASocket } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { startGateway, type CallerContext } from '../src/gateway/gateway';
import { WhatsAppManager } from '../src/gateway/whatsapp/manager';
import { makeTestEnv } from './support/env';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const CALLER: CallerContext = { transport: 'ipc', subscriptions: new Set() };

let sim: Sim;
beforeAll(async () => {
  // libsignal narrates every session it opens on the console.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'socket-release' });
});
afterAll(() => sim?.close());

/** True once nothing reaches the socket any more (a WeakRef's target lives at least to the end of its task). */
async function released(ref: WeakRef<WASocket>): Promise<boolean> {
  for (let i = 0; i < 5 && ref.deref(); i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
  }
  return ref.deref() === undefined;
}

it('the QR socket is released once linking has moved the account to its next socket', async () => {
  const managers: WhatsAppManager[] = [];
  const start = WhatsAppManager.prototype.start;
  WhatsAppManager.prototype.start = function (this: WhatsAppManager) {
    managers.push(this);
    return start.call(this);
  };
  const t = await makeTestEnv();
  // Put back once this gateway's manager is caught, also when starting it fails.
  const gw = await startGateway({
    env: { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url },
    serveUi: false,
  }).finally(() => (WhatsAppManager.prototype.start = start));
  try {
    const call = async (method: string, params: unknown) => {
      const res = await gw.call(method, params, CALLER);
      if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
      return res.value as Record<string, unknown>;
    };
    const started = (await call('channels.login.start', { accountId: 'default' })) as { qr: { qr: string } };
    const account = managers[0]!.account('default')!;
    // socket() hands out only an open one; the QR socket is the account's current one while it links.
    const qrSocket = new WeakRef(Reflect.get(account, 'sock') as WASocket);
    await sim.phone('+15550400001').scan(started.qr.qr);
    const status = await call('channels.login.wait', { accountId: 'default', timeoutMs: 15_000 });
    expect(status.state).toBe('open');
    expect(account.socket()).not.toBe(qrSocket.deref());

    expect(await released(qrSocket)).toBe(true);
  } finally {
    await gw.stop();
    await t.cleanup();
  }
});
