// A Bad MAC burst end to end: a real gateway running the real Baileys client against the simulator, five contacts
// sending undecryptable messages at 50 a second while a sixth writes normally. How long the sixth one's messages
// take is measured in bench/badmac.bench.ts; here: all of them get through, and the burst's log lines are bounded.
import { expect, it } from 'vitest';
import type { AccountStatus, LogEntry } from '../src/shared/contract';
import type { Contact } from '../e2e/wa-sim/index';
import { waitFor } from './support/env';
import { inboundSuite, type InboundGateway } from './support/inbound';

const OPEN = `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`;
const BURST_MS = 3000;
const TICK_MS = 100;
const BAD_PER_TICK = 5; // 50 a second, one per bad contact per tick

const suite = inboundSuite('inbound-badmac');

async function logs(g: InboundGateway, subsystem: string): Promise<LogEntry[]> {
  const { entries } = await g.call<{ entries: LogEntry[] }>('logs.tail', {
    subsystem,
    minLevel: 'warn',
    limit: 5000,
  });
  return entries;
}

async function status(g: InboundGateway): Promise<AccountStatus> {
  const { accounts } = await g.call<{ accounts: AccountStatus[] }>('channels.status');
  return accounts[0]!;
}

/** Calls `each(tick)` every TICK_MS for BURST_MS, without waiting for what it starts; resolves with all of it. */
async function everyTick<T>(each: (tick: number) => Promise<T>[]): Promise<T[]> {
  const started: Promise<T>[] = [];
  const start = Date.now();
  for (let tick = 0; Date.now() - start < BURST_MS; tick++) {
    started.push(...each(tick));
    await new Promise((r) => setTimeout(r, Math.max(0, start + (tick + 1) * TICK_MS - Date.now())));
  }
  return Promise.all(started);
}

it('50 undecryptable messages a second from 5 contacts: a 6th contact gets every message through, the log stays short', async () => {
  const g = await gateway();
  const bad: Contact[] = [1, 2, 3, 4, 5].map((i) =>
    suite.sim.contact(`+1555060100${i}`, { name: `Bad ${i}` }),
  );
  const ok = suite.sim.contact('+15550602001', { name: 'Olive' });
  // Sessions first: a message can only fail its MAC check on a session the client already has.
  for (const c of [...bad, ok]) {
    const hello = await c.send(g.phone, 'hello');
    await g.nextAccepted((m) => m.messageId === hello);
  }

  const [undecryptable, good] = await Promise.all([
    everyTick((tick) =>
      Array.from({ length: BAD_PER_TICK }, (_, i) => bad[i]!.sendUndecryptable(g.phone, `garbled ${tick}`)),
    ),
    everyTick((tick) => [ok.send(g.phone, `still here ${tick}`)]),
  ]);
  expect(undecryptable.length).toBeGreaterThanOrEqual(100);

  for (const id of good) await g.nextAccepted((m) => m.messageId === id);
  const olive = g.accepted.filter((m) => m.from === ok.e164).map((m) => m.messageId);
  expect(olive.slice(1)).toEqual(good);
  const counted = await waitFor(
    async () => {
      const s = await status(g);
      return (s.decryptFailures ?? 0) >= undecryptable.length ? s : null;
    },
    `${undecryptable.length} decrypt failures in the status`,
    20_000,
  );
  expect(counted).toMatchObject({ state: 'open', connected: true, decryptFailures: undecryptable.length });

  // Baileys writes two error lines per failure ("failed to decrypt message", then its key store's rollback); the
  // burst is shorter than one log interval, so each kind appears once. Ours (whatsapp/inbound) likewise.
  const baileys = await logs(g, 'baileys');
  const kinds = (re: RegExp) => baileys.filter((e) => re.test(e.msg)).length;
  expect(kinds(/^failed to decrypt message/)).toBeGreaterThanOrEqual(1);
  expect(kinds(/^failed to decrypt message/)).toBeLessThanOrEqual(2);
  expect(kinds(/^transaction failed/)).toBeLessThanOrEqual(2);
  expect(baileys.length).toBeLessThanOrEqual(6);
  const ours = (await logs(g, 'whatsapp/inbound')).filter((e) => /could not be decrypted/.test(e.msg));
  expect(ours.length).toBeGreaterThanOrEqual(1);
  expect(ours.length).toBeLessThanOrEqual(2);
}, 60_000);

const gateway = () => suite.gateway('+15550600001', OPEN);
