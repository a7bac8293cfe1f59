// Outbound throughput: sends per second through the whole outbox (message.send → state.db → one in flight per
// chat → Baileys → WhatsApp's ack → marked sent) next to bare sock.sendMessage in a loop, in one run, timed until
// the contact's device has decrypted the last message. Two baselines: the gateway account's own socket (same
// signal key store in state.db, same echo handling: what the outbox itself adds) and a separate bare Baileys
// client on an in-memory auth state (also what the gateway's persistence costs). Issue target: ratio ≥ 0.9. Pacing is off for the gateway (OPENCLAW_OUTBOUND_PACING=off): its defaults deliberately
// cap sustained sends at about one a second per chat, which is the point of pacing, not a cost of the outbox.
// Prints figures; no pass/fail.
import { trustSimulator } from '../e2e/wa-sim/client';
import { startSim, type Contact } from '../e2e/wa-sim/index';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { WhatsAppManager } from '../src/gateway/whatsapp/manager';
import { makeTestEnv } from '../test/support/env';
import { CALLER, linkBare, linkGatewayAccount, muteConsole, openBare } from './support/whatsapp';
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

async function main(): Promise<void> {
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
    const bareRound = async (tag: string, sock = bare.sock): Promise<number> => {
      const done = arrivals(alice, tag, N);
      const start = performance.now();
      for (let i = 0; i < N; i++) await sock.sendMessage(alice.jid, { text: `${tag} ${i}` });
      await done;
      return performance.now() - start;
    };
    const outboxRound = async (tag: string): Promise<number> => {
      const done = arrivals(alice, tag, N);
      const start = performance.now();
      for (let i = 0; i < N; i++) {
        const res = await gateway.call('message.send', { to: alice.e164, message: `${tag} ${i}` }, CALLER);
        if (!res.ok) throw new Error(`message.send: ${res.error.message}`);
      }
      await done;
      return performance.now() - start;
    };

    // Warm-up (Signal sessions, JIT), then measured rounds, alternating.
    await bareRound('warm-bare');
    await bareRound('warm-own', ownSock);
    await outboxRound('warm-outbox');
    const bareMs: number[] = [];
    const ownMs: number[] = [];
    const outboxMs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bareMs.push(await bareRound(`bare-${r}`));
      ownMs.push(await bareRound(`own-${r}`, ownSock));
      outboxMs.push(await outboxRound(`outbox-${r}`));
    }
    bare.end();
    await gateway.stop();
    gw = null;
    const rate = (ms: number[]) => N / (median(ms) / 1000);
    const [b, own, o] = [rate(bareMs), rate(ownMs), rate(outboxMs)];
    const list = (ms: number[]) => ms.map((x) => x.toFixed(0)).join(', ');
    console.log(
      `outbound throughput to one chat (${N} texts, until the device decrypted the last): sock.sendMessage on the gateway's own socket ${own.toFixed(0)} msg/s · outbox ${o.toFixed(0)} msg/s · ratio ${(o / own).toFixed(2)} (target ≥ 0.90)`,
    );
    console.log(
      `  against a separate bare client on in-memory auth: ${b.toFixed(0)} msg/s · ratio ${(o / b).toFixed(2)}`,
    );
    console.log(
      `  per round: bare ${list(bareMs)} · own socket ${list(ownMs)} · outbox ${list(outboxMs)} ms`,
    );
    await t.cleanup();
  } finally {
    WhatsAppManager.prototype.start = original;
    await gw?.stop();
    await sim.close();
    unmute();
  }
}

await main();
