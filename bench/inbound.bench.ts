// Inbound throughput of the whole gateway pipeline next to bare Baileys on the same simulated stream, in one run,
// and the latency the gateway adds per message. Issue target: ratio ≥ 0.9, added p99 under 5 ms. Prints figures;
// no pass/fail.
//
// Throughput: while the client is offline, contacts queue N messages (real Signal encryption); then the client
// connects and the simulator delivers the backlog as one stream. Bare: makeWASocket on a linked in-memory state,
// timed from connect to the N-th messages.upsert. Gateway: a whole gateway on a linked state dir (dmPolicy open,
// so every message goes the full way: inbox, policy, envelope, routing, hand-off), timed from the WhatsApp
// manager's start to the N-th hand-off. Rounds alternate bare and gateway.
//
// BENCH_INBOUND_PROFILE=<dir>: a CPU profile of each measured round (bench/support/profile.ts).
//
// Added latency: for each message, from Baileys' messages.upsert event for it (a listener added after the
// gateway's own) to its hand-off event, with a live stream of messages sent one at a time.
import type { WASocket } from '@whiskeysockets/baileys';
import { trustSimulator, type connect } from '../e2e/wa-sim/client';
import { startSim, type Contact, type Phone, type Sim } from '../e2e/wa-sim/index';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { WhatsAppManager } from '../src/gateway/whatsapp/manager';
import type { AcceptedMessage } from '../src/shared/contract';
import { makeTestEnv } from '../test/support/env';
import { linkBare, linkGatewayAccount, muteConsole } from './support/whatsapp';
import { backlogSize, bareBacklogRound, gatewayBacklogRound, type Round } from './support/backlog-round';
import { startProfile } from './support/profile';
import { median, quantile } from './support/stats';

const N = backlogSize('BENCH_INBOUND_N', 400);
const ROUNDS = 7;
const LATENCY_MESSAGES = 300;

async function queue(contacts: Contact[], phone: Phone, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) await contacts[i % contacts.length]!.send(phone, `${tag} message ${i}`);
}

/**
 * What a round does before its clock starts: the backlog is queued, and the previous round's teardown (a socket's
 * close, a gateway's stop) has settled, so neither side's round is charged for the other's leftovers.
 */
async function prepareRound(contacts: Contact[], phone: Phone, tag: string): Promise<void> {
  await queue(contacts, phone, N, tag);
  await new Promise((r) => setTimeout(r, 100));
}

async function bareRound(
  sim: Sim,
  phone: Phone,
  contacts: Contact[],
  auth: Parameters<typeof connect>[1],
): Promise<Round> {
  await prepareRound(contacts, phone, 'bare');
  const profiled = await startProfile(process.env.BENCH_INBOUND_PROFILE);
  const round = await bareBacklogRound(sim.url, auth, N, (m) => !m.key.fromMe && m.message);
  await profiled?.('bare');
  return round;
}

const probe = {
  start: 0,
  cpu: { user: 0, system: 0 } as NodeJS.CpuUsage,
  manager: null as WhatsAppManager | null,
};

async function gatewayRound(env: NodeJS.ProcessEnv, phone: Phone, contacts: Contact[]): Promise<Round> {
  await prepareRound(contacts, phone, 'gateway');
  const profiled = await startProfile(process.env.BENCH_INBOUND_PROFILE);
  const round = await gatewayBacklogRound(env, N, probe);
  await profiled?.('gateway');
  return round;
}

async function main(): Promise<void> {
  // As in the built app (and bench/outbound): tsx turns on source-map stack rewriting, and Baileys formats a stack
  // for every stanza it writes (each delivery receipt), so under tsx every TypeScript frame on a stack (the
  // gateway's, never a bare socket's) costs a source-map lookup that the shipped bundle does not pay.
  process.setSourceMapsEnabled(false);
  const unmute = muteConsole();
  const sim = await startSim({ seed: 'bench-inbound' });
  trustSimulator(sim.rootPublicKey);
  const original = WhatsAppManager.prototype.start;
  WhatsAppManager.prototype.start = function (this: WhatsAppManager) {
    probe.start = performance.now();
    probe.cpu = process.cpuUsage();
    probe.manager = this;
    return original.call(this);
  };
  try {
    const barePhone = sim.phone('+15550400001');
    const gwPhone = sim.phone('+15550400002');
    const contacts = [1, 2, 3, 4].map((i) => sim.contact(`+1555040100${i}`, { name: `C${i}` }));
    const bareAuth = await linkBare(sim.url, async (qr) => void (await barePhone.scan(qr)));

    // Everyone is let in, so every message takes the whole way to the hand-off; per-message info lines are off.
    const t = await makeTestEnv();
    await t.writeConfig(
      `{ channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } }, logging: { level: "warn", file: ${JSON.stringify(t.logFile)} } }`,
    );
    const env = { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url };
    let gw: Gateway = await startGateway({ env, serveUi: false });
    await linkGatewayAccount(gw, 'default', async (qr) => void (await gwPhone.scan(qr)));
    await gw.stop();

    // Warm-up round of each (sessions, JIT), then measured rounds.
    await bareRound(sim, barePhone, contacts, bareAuth);
    await gatewayRound(env, gwPhone, contacts);
    const bare: Round[] = [];
    const gateway: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bare.push(await bareRound(sim, barePhone, contacts, bareAuth));
      gateway.push(await gatewayRound(env, gwPhone, contacts));
    }
    const rate = (rounds: Round[], key: keyof Round) => N / (median(rounds.map((x) => x[key])) / 1000);
    const line = (what: string, key: keyof Round, unit: string) => {
      const b = rate(bare, key);
      const g = rate(gateway, key);
      return `${what}: bare ${b.toFixed(0)} ${unit} · gateway ${g.toFixed(0)} ${unit} · ratio ${(g / b).toFixed(2)} (target ≥ 0.90)`;
    };
    console.log(
      line(`inbound throughput, wall clock (${N} queued messages, real decryption)`, 'ms', 'msg/s'),
    );
    console.log(line('inbound throughput per CPU second (all threads)', 'cpuMs', 'msg/CPU-s'));
    const list = (rounds: Round[], key: keyof Round) => rounds.map((x) => x[key].toFixed(0)).join(', ');
    console.log(
      `  per round, wall: bare ${list(bare, 'ms')} ms · gateway ${list(gateway, 'ms')} ms; CPU: bare ${list(bare, 'cpuMs')} ms · gateway ${list(gateway, 'cpuMs')} ms`,
    );
    console.log(
      `  of which connect → first message: bare ${list(bare, 'firstMs')} ms · gateway ${list(gateway, 'firstMs')} ms`,
    );
    console.log(
      "  (Bare Baileys lets an offline backlog out of its event buffer on a 100 ms timer, so bare rounds end on that timer's ticks; the gateway flushes the buffer once decryptions go quiet (whatsapp/backlog-flush.ts). CPU time has no such steps.)",
    );

    // Added latency, live stream, in steady state: state.db checkpoints move off the main thread 10 s after start.
    gw = await startGateway({ env, serveUi: false });
    await new Promise((r) => setTimeout(r, 10_500));
    const upsertAt = new Map<string, number>();
    const added: number[] = [];
    const sock = await openSocket(gw);
    sock.ev.on('messages.upsert', ({ messages }) => {
      for (const m of messages) if (m.key.id) upsertAt.set(m.key.id, performance.now());
    });
    let arrived: (() => void) | null = null;
    gw.onEvent((event, payload) => {
      if (event !== 'inbound.accepted') return;
      const at = upsertAt.get((payload as AcceptedMessage).messageId);
      if (at !== undefined) added.push(performance.now() - at);
      arrived?.();
    });
    // One at a time, so each message's latency is its own and not time spent queued behind another.
    for (let i = 0; i < LATENCY_MESSAGES; i++) {
      const handed = new Promise<void>((r) => (arrived = r));
      await contacts[i % contacts.length]!.send(gwPhone, `latency ${i}`);
      await handed;
    }
    // Printed once the gateway has stopped: while one runs, the console goes to its log (console guard).
    await gw.stop();
    console.log(
      `gateway added latency per message (upsert → hand-off, n=${added.length}): p50 ${quantile(added, 0.5).toFixed(2)} ms · p99 ${quantile(added, 0.99).toFixed(2)} ms (target p99 < 5 ms)`,
    );
    await t.cleanup();
  } finally {
    WhatsAppManager.prototype.start = original;
    await sim.close();
    unmute();
  }
}

/** The open socket of the gateway's default account, once it is open. */
async function openSocket(gw: Gateway): Promise<WASocket> {
  for (let i = 0; i < 600; i++) {
    const sock = probe.manager?.account('default')?.socket();
    if (sock) return sock;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the gateway's account did not open (port ${gw.port})`);
}

await main();
