// Group inbound throughput: bare Baileys and the whole gateway, each with curve25519-js' pure-JavaScript verify of
// the sender-key signature and with the native path (src/gateway/whatsapp/xeddsa-verify.ts), on the same
// simulated group stream in one run. Issue 15's target: the gateway with the native path at ≥ 10× bare Baileys'
// pure-JavaScript group rate. Prints figures; no pass/fail.
//
// Every round has a new group: the side's number and the same four contacts. While the client is offline the
// contacts queue N group messages (real sender-key encryption and XEdDSA signatures, the sender key handed out with
// each contact's first message); then the client connects and the simulator
// delivers the backlog as one stream. Bare: makeWASocket on a linked in-memory state, timed from connect to the
// N-th group message in messages.upsert. Gateway: a whole gateway (groupPolicy open, no mention required, so every
// message goes the full way to the hand-off), timed from the WhatsApp manager's start to the N-th hand-off. Rounds
// rotate through the four variants; CPU time of this process is printed next to wall clock.
//
// A new group per round, so every round's stream has the same shape: each contact's first message carries its
// sender key in a pairwise Signal message, the rest are plain skmsgs. The simulated senders advance the chain by
// one per message, as phones do, so the receiver's sender-key record stays the same size whatever the round.
import { trustSimulator, type connect } from '../e2e/wa-sim/client';
import type { SimGroup } from '../e2e/wa-sim/groups';
import { startSim, type Contact, type Phone, type Sim } from '../e2e/wa-sim/index';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { WhatsAppManager } from '../src/gateway/whatsapp/manager';
import { installNativeVerify, uninstallNativeVerify } from '../src/gateway/whatsapp/xeddsa-verify';
import { makeTestEnv } from '../test/support/env';
import { backlogSize, bareBacklogRound, gatewayBacklogRound, type Round } from './support/backlog-round';
import { startProfile } from './support/profile';
import { median } from './support/stats';
import { linkBare, linkGatewayAccount, muteConsole } from './support/whatsapp';

const N = backlogSize('BENCH_GROUP_N', 300);
// Five: the gateway's rounds last about 0.2 s each, and the median of three swung by a tenth from run to run.
const ROUNDS = Number(process.env.BENCH_GROUP_ROUNDS ?? 5);

type Verify = 'pure' | 'native';
const setVerify = (v: Verify) => (v === 'native' ? installNativeVerify() : uninstallNativeVerify());

/** The backlog is queued and the previous round's teardown has settled before any clock starts. */
let groups = 0;
async function prepareRound(sim: Sim, member: Phone, contacts: Contact[], tag: string): Promise<SimGroup> {
  const group = await sim.group(`${tag} ${++groups}`, {
    admin: contacts[0]!,
    members: [member, ...contacts],
  });
  let overflowed = false;
  const full = () => (overflowed = true);
  sim.server.on('queue-full', full);
  for (let i = 0; i < N; i++) await group.send(contacts[i % contacts.length]!, `${tag} group message ${i}`);
  await new Promise((r) => setTimeout(r, 100));
  sim.server.off('queue-full', full);
  // The group's own stanzas (its creation, the members added) share the offline queue with the messages: a round
  // short of messages would wait for them forever.
  if (overflowed)
    throw new Error(
      `BENCH_GROUP_N=${N}: the simulator's offline queue overflowed (the group's own stanzas need room beside the messages); use a smaller BENCH_GROUP_N`,
    );
  return group;
}

async function bareRound(
  sim: Sim,
  member: Phone,
  contacts: Contact[],
  auth: Parameters<typeof connect>[1],
  verify: Verify,
): Promise<Round> {
  const group = await prepareRound(sim, member, contacts, `bare ${verify}`);
  setVerify(verify);
  const profiled = await startProfile(process.env.BENCH_GROUP_PROFILE);
  const round = await bareBacklogRound(
    sim.url,
    auth,
    N,
    (m) => !m.key.fromMe && m.message && m.key.remoteJid === group.jid,
  );
  await profiled?.(`bare-${verify}`);
  return round;
}

const probe = { start: 0, cpu: { user: 0, system: 0 } as NodeJS.CpuUsage, verify: 'native' as Verify };

async function gatewayRound(
  sim: Sim,
  env: NodeJS.ProcessEnv,
  member: Phone,
  contacts: Contact[],
  verify: Verify,
): Promise<Round> {
  await prepareRound(sim, member, contacts, `gateway ${verify}`);
  probe.verify = verify;
  const profiled = await startProfile(process.env.BENCH_GROUP_PROFILE);
  const round = await gatewayBacklogRound(env, N, probe);
  await profiled?.(`gateway-${verify}`);
  return round;
}

async function main(): Promise<void> {
  // As in bench/inbound: no source-map stack rewriting, which the shipped bundle does not pay either.
  process.setSourceMapsEnabled(false);
  const unmute = muteConsole();
  const sim = await startSim({ seed: 'bench-group' });
  trustSimulator(sim.rootPublicKey);
  const original = WhatsAppManager.prototype.start;
  WhatsAppManager.prototype.start = function (this: WhatsAppManager) {
    probe.start = performance.now();
    probe.cpu = process.cpuUsage();
    const started = original.call(this);
    // start() installs the native path before its first await; a pure round takes it out again at once.
    setVerify(probe.verify);
    return started;
  };
  try {
    const barePhone = sim.phone('+15550500001');
    const gwPhone = sim.phone('+15550500002');
    const contacts = [1, 2, 3, 4].map((i) => sim.contact(`+1555050100${i}`, { name: `C${i}` }));
    const bareAuth = await linkBare(sim.url, async (qr) => void (await barePhone.scan(qr)));

    const t = await makeTestEnv();
    await t.writeConfig(
      `{ channels: { whatsapp: { groupPolicy: "open", groups: { "*": { requireMention: false } } } }, logging: { level: "warn", file: ${JSON.stringify(t.logFile)} } }`,
    );
    const env = { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url };
    const gw: Gateway = await startGateway({ env, serveUi: false });
    await linkGatewayAccount(gw, 'default', async (qr) => void (await gwPhone.scan(qr)));
    await gw.stop();
    // Warm-up (sender keys distributed, sessions, JIT), then measured rounds in rotation.
    await bareRound(sim, barePhone, contacts, bareAuth, 'native');
    await gatewayRound(sim, env, gwPhone, contacts, 'native');
    const rounds: Record<string, Round[]> = {};
    const variants = [
      ['bare', 'pure'],
      ['gateway', 'native'],
      ['bare', 'native'],
      ['gateway', 'pure'],
    ] as const;
    for (let r = 0; r < ROUNDS; r++) {
      for (const [side, verify] of variants) {
        const round =
          side === 'bare'
            ? await bareRound(sim, barePhone, contacts, bareAuth, verify)
            : await gatewayRound(sim, env, gwPhone, contacts, verify);
        (rounds[`${side} ${verify}`] ??= []).push(round);
      }
    }
    const rate = (name: string, key: keyof Round) => N / (median(rounds[name]!.map((x) => x[key])) / 1000);
    const basis = rate('bare pure', 'ms');
    console.log(
      `group inbound (${N} queued group messages, real sender-key decryption, ${ROUNDS} rounds each):`,
    );
    for (const [side, verify] of variants) {
      const name = `${side} ${verify}`;
      const list = rounds[name]!.map(
        (x) => `${x.firstMs.toFixed(0)}+${(x.ms - x.firstMs).toFixed(0)}/${x.cpuMs.toFixed(0)}`,
      ).join(', ');
      console.log(
        `  ${name.padEnd(15)} ${rate(name, 'ms').toFixed(0).padStart(6)} msg/s wall · ${rate(name, 'cpuMs').toFixed(0).padStart(6)} msg/CPU-s · ${(median(rounds[name]!.map((x) => x.cpuMs)) / N).toFixed(2)} ms CPU/msg · ${(rate(name, 'ms') / basis).toFixed(1)}× bare pure (rounds, wall as connect → first message + the rest / CPU, ms: ${list})`,
      );
    }
    console.log(
      `  target: gateway native ≥ 10× bare pure (wall ${(rate('gateway native', 'ms') / basis).toFixed(1)}×, CPU ${(rate('gateway native', 'cpuMs') / rate('bare pure', 'cpuMs')).toFixed(1)}×)`,
    );
    await t.cleanup();
  } finally {
    WhatsAppManager.prototype.start = original;
    uninstallNativeVerify();
    await sim.close();
    unmute();
  }
}

await main();
