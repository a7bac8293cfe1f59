// Outbound throughput: sends per second through the whole outbox (message.send → state.db → one chat's stanzas in
// order → Baileys → WhatsApp's ack → marked sent) next to bare sock.sendMessage in a loop, in one run. Two
// baselines: the gateway account's own socket (same signal key store in state.db, same echo handling: what the
// outbox itself adds) and a separate bare Baileys client on an in-memory auth state (also what the gateway's
// persistence costs). Issue target: ratio ≥ 0.9. Pacing is off for the gateway (OPENCLAW_OUTBOUND_PACING=off): its
// defaults deliberately cap sustained sends at about one a second per chat, which is the point of pacing, not a
// cost of the outbox.
// Fairness: every round sends the same texts to the same contact and is timed until the sender is done with every
// message — the device decrypted it, WhatsApp acked it (the outbox: marked it sent), and the sender has handled the
// device's delivery receipt and acknowledged it to the server (seen at the simulator). A bare loop that never
// yields leaves its acks and receipts to be handled after "the device decrypted the last one"; even timed to the
// last receipt heard, it left each receipt's handling and ack (about a tenth of its CPU) to the untimed pause after
// the round, while the outbox, which yields between sends, did the same work inside its timing. "Until decrypted"
// is printed too.
// Prints figures; no pass/fail.
//
// BENCH_OUTBOUND_PROFILE=<dir>: a CPU profile of each measured round (bench/support/profile.ts), named bare-N,
// own-N and outbox-N.
import { trustSimulator } from '../e2e/wa-sim/client';
import { startSim, type Contact, type Phone } from '../e2e/wa-sim/index';
import type { WASocket } from '@whiskeysockets/baileys';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { WhatsAppManager } from '../src/gateway/whatsapp/manager';
import { makeTestEnv } from '../test/support/env';
import { CALLER, linkBare, linkGatewayAccount, muteConsole, openBare } from './support/whatsapp';
import { setTimeout as sleep } from 'node:timers/promises';
import { startProfile } from './support/profile';
import { median } from './support/stats';

const N = Number(process.env.BENCH_OUTBOUND_N ?? 300);
const ROUNDS = 5;

/** Resolves once `contact`'s first device has decrypted `n` messages whose text starts with `tag`. */
function arrivals(contact: Contact, tag: string, n: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const record = contact.user.record.bind(contact.user);
    contact.user.record = (m) => {
      record(m);
      const text = m.message.conversation ?? m.message.extendedTextMessage?.text ?? '';
      if (m.device === 0 && text.startsWith(tag) && ++seen === n) {
        contact.user.record = record;
        resolve();
      }
    };
  });
}

type Node = { attrs: Record<string, string | undefined> };

/** What one sending socket heard back, by message id: WhatsApp's acks and the devices' delivery receipts. */
class HeardBack {
  private readonly seen = { ack: new Set<string>(), receipt: new Set<string>() };
  private readonly waiters = new Set<{ kind: 'ack' | 'receipt'; left: Set<string>; done(): void }>();

  constructor(sock: WASocket) {
    sock.ws.on('CB:ack,class:message', (n: Node) => this.add('ack', n.attrs.id));
    sock.ws.on('CB:receipt', (n: Node) => this.add('receipt', n.attrs.id));
  }

  reset(): void {
    this.seen.ack.clear();
    this.seen.receipt.clear();
  }

  /** Resolves once every id has been heard (some may have been already). */
  all(kind: 'ack' | 'receipt', ids: readonly string[]): Promise<void> {
    const left = new Set(ids.filter((id) => !this.seen[kind].has(id)));
    if (left.size === 0) return Promise.resolve();
    return new Promise((done) => this.waiters.add({ kind, left, done }));
  }

  private add(kind: 'ack' | 'receipt', id: string | undefined): void {
    if (!id) return;
    this.seen[kind].add(id);
    for (const w of this.waiters) {
      if (w.kind === kind && w.left.delete(id) && w.left.size === 0) {
        this.waiters.delete(w);
        w.done();
      }
    }
  }
}

/**
 * Resolves once `phone`'s linked devices have acknowledged the delivery receipt of every id to the simulator (the
 * sender handled each receipt). Polled on a 1 ms timer, the same for both sides, so the check itself costs nothing.
 */
async function receiptsAcked(phone: Phone, ids: readonly string[]): Promise<void> {
  const open = () =>
    [...phone.account.companions.values()].some((c) => ids.some((id) => c.unacked.has(`receipt:${id}`)));
  while (open()) await sleep(1);
}

/** The gateway's outbox items that reached `sent`, by message id (outbox.changed events). */
function sentItems(gw: Gateway): { all(ids: readonly string[]): Promise<void>; reset(): void; off(): void } {
  const sent = new Set<string>();
  let waiter: { left: Set<string>; done(): void } | null = null;
  const off = gw.onEvent((event, payload) => {
    const item = payload as { messageId: string; state: string };
    if (event !== 'outbox.changed' || item.state !== 'sent') return;
    sent.add(item.messageId);
    if (waiter?.left.delete(item.messageId) && waiter.left.size === 0) {
      waiter.done();
      waiter = null;
    }
  });
  return {
    all: (ids) => {
      const left = new Set(ids.filter((id) => !sent.has(id)));
      return left.size === 0 ? Promise.resolve() : new Promise((done) => (waiter = { left, done }));
    },
    reset: () => sent.clear(),
    off,
  };
}

interface Round {
  /** Until the device decrypted the last message. */
  decryptedMs: number;
  /** Until the sender was done with every message (ack, sent, delivery receipt handled and acknowledged). */
  settledMs: number;
  /**
   * CPU time of this process over settledMs (the simulator's share, the same for both sides, included). On a machine
   * shared with other work, wall time measures the neighbours as much as the code; CPU time much less so.
   */
  cpuMs: number;
}

async function main(): Promise<void> {
  // As in the built app: tsx turns on source-map stack rewriting, and Baileys formats a stack for every stanza it
  // writes, so under tsx each TypeScript frame on the sending path (the outbox's, not a bare loop's) costs a
  // source-map lookup per message that the shipped bundle never pays.
  process.setSourceMapsEnabled(false);
  const unmute = muteConsole();
  const sim = await startSim({ seed: 'bench-outbound' });
  trustSimulator(sim.rootPublicKey);
  let gw: Gateway | null = null;
  const probe = { manager: null as WhatsAppManager | null };
  const original = WhatsAppManager.prototype.start;
  WhatsAppManager.prototype.start = function (this: WhatsAppManager) {
    probe.manager = this;
    return original.call(this);
  };
  try {
    const alice = sim.contact('+15550801001', { name: 'Alice' });
    const barePhone = sim.phone('+15550800001');
    const gwPhone = sim.phone('+15550800002');
    const bare = await openBare(
      sim.url,
      await linkBare(sim.url, async (qr) => void (await barePhone.scan(qr))),
    );

    const t = await makeTestEnv();
    await t.writeConfig(`{ logging: { level: "warn", file: ${JSON.stringify(t.logFile)} } }`);
    gw = await startGateway({
      env: { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url, OPENCLAW_OUTBOUND_PACING: 'off' },
      serveUi: false,
    });
    await linkGatewayAccount(gw, 'default', async (qr) => void (await gwPhone.scan(qr)));
    const gateway = gw;

    const ownSock = probe.manager?.account('default')?.socket();
    if (!ownSock) throw new Error("the gateway's account is not open");
    const heard = new Map<WASocket, HeardBack>([
      [bare.sock, new HeardBack(bare.sock)],
      [ownSock, new HeardBack(ownSock)],
    ]);
    const outboxSent = sentItems(gateway);
    /** Times one round: `send` sends the texts and returns their ids; `acked` is what counts as WhatsApp's ack. */
    const phoneOf = new Map<WASocket, Phone>([
      [bare.sock, barePhone],
      [ownSock, gwPhone],
    ]);
    const round = async (
      tag: string,
      sock: WASocket,
      send: (text: string) => Promise<string[]>,
      acked: (ids: string[]) => Promise<void>,
    ): Promise<Round> => {
      const back = heard.get(sock)!;
      back.reset();
      outboxSent.reset();
      const profiled = tag.startsWith('warm') ? null : await startProfile(process.env.BENCH_OUTBOUND_PROFILE);
      let decryptedMs = 0;
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      const decrypted = arrivals(alice, tag, N).then(() => (decryptedMs = performance.now() - start));
      const ids: string[] = [];
      for (let i = 0; i < N; i++) ids.push(...(await send(`${tag} ${i}`)));
      await Promise.all([decrypted, acked(ids), back.all('receipt', ids)]);
      await receiptsAcked(phoneOf.get(sock)!, ids);
      const settledMs = performance.now() - start;
      const cpu = process.cpuUsage(cpu0);
      await profiled?.(tag);
      // Untimed: lets anything else the round set off (the echo of each sent message) finish before the next one.
      await sleep(100);
      return { decryptedMs, settledMs, cpuMs: (cpu.user + cpu.system) / 1000 };
    };
    const bareRound = (tag: string, sock = bare.sock): Promise<Round> =>
      round(
        tag,
        sock,
        async (text) => [(await sock.sendMessage(alice.jid, { text }))!.key.id!],
        (ids) => heard.get(sock)!.all('ack', ids),
      );
    const outboxRound = (tag: string): Promise<Round> =>
      round(
        tag,
        ownSock,
        async (message) => {
          const res = await gateway.call('message.send', { to: alice.e164, message }, CALLER);
          if (!res.ok) throw new Error(`message.send: ${res.error.message}`);
          return (res.value as { ids: string[] }).ids;
        },
        // Marked sent in state.db, which the outbox does only on WhatsApp's ack.
        (ids) => outboxSent.all(ids),
      );

    // Warm-up (Signal sessions, JIT), then measured rounds, alternating.
    await bareRound('warm-bare');
    await bareRound('warm-own', ownSock);
    await outboxRound('warm-outbox');
    const bareMs: Round[] = [];
    const ownMs: Round[] = [];
    const outboxMs: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bareMs.push(await bareRound(`bare-${r}`));
      ownMs.push(await bareRound(`own-${r}`, ownSock));
      outboxMs.push(await outboxRound(`outbox-${r}`));
    }
    outboxSent.off();
    bare.end();
    await gateway.stop();
    gw = null;
    const rate = (rounds: Round[], key: keyof Round) => N / (median(rounds.map((x) => x[key])) / 1000);
    const list = (rounds: Round[], key: keyof Round) => rounds.map((x) => x[key].toFixed(0)).join(', ');
    const cpu = (rounds: Round[]) => median(rounds.map((x) => x.cpuMs));
    console.log(
      `CPU per round (median, whole process): own socket ${cpu(ownMs).toFixed(0)} ms · outbox ${cpu(outboxMs).toFixed(0)} ms · ratio ${(cpu(ownMs) / cpu(outboxMs)).toFixed(2)}; per round: own socket ${list(ownMs, 'cpuMs')} · outbox ${list(outboxMs, 'cpuMs')} ms`,
    );
    for (const key of ['settledMs', 'decryptedMs'] as const) {
      const [b, own, o] = [rate(bareMs, key), rate(ownMs, key), rate(outboxMs, key)];
      const until =
        key === 'settledMs'
          ? 'until the sender was done with every message'
          : 'until the device decrypted the last';
      console.log(
        `outbound throughput to one chat (${N} texts, ${until}): sock.sendMessage on the gateway's own socket ${own.toFixed(0)} msg/s · outbox ${o.toFixed(0)} msg/s · ratio ${(o / own).toFixed(2)}${key === 'settledMs' ? ' (target ≥ 0.90)' : ''}`,
      );
      console.log(
        `  against a separate bare client on in-memory auth: ${b.toFixed(0)} msg/s · ratio ${(o / b).toFixed(2)}`,
      );
      console.log(
        `  per round: bare ${list(bareMs, key)} · own socket ${list(ownMs, key)} · outbox ${list(outboxMs, key)} ms`,
      );
    }
    await t.cleanup();
  } finally {
    WhatsAppManager.prototype.start = original;
    await gw?.stop();
    await sim.close();
    unmute();
  }
}

await main();
