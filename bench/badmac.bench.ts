// How much a burst of undecryptable ("Bad MAC") messages from some contacts delays everyone else's messages.
// Issue target: during 50 failures per second from 5 contacts, a sixth contact's messages reach the hand-off with
// p95 under 100 ms. Prints figures; no pass/fail.
//
// A whole gateway (dmPolicy open, so each good message goes the full way to the hand-off) is linked to the
// simulator. Latency is from the moment the sixth contact starts sending a message to its hand-off event, measured
// first with no burst (the baseline), then while 5 contacts each send 10 undecryptable messages per second.
import { trustSimulator } from '../e2e/wa-sim/client';
import { startSim, type Contact, type Phone } from '../e2e/wa-sim/index';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import type { AcceptedMessage, LogEntry } from '../src/shared/contract';
import { makeTestEnv } from '../test/support/env';
import { CALLER, linkGatewayAccount, muteConsole } from './support/whatsapp';
import { median, quantile } from './support/stats';

const BURST_SECONDS = Number(process.env.BENCH_BADMAC_SECONDS ?? 6);
const FAILURES_PER_SECOND = 50;
const TICK_MS = 100;
const GOOD_EVERY_MS = 100;

/** Sends one good message every GOOD_EVERY_MS for `ms`, and resolves with each one's send → hand-off latency. */
async function goodLatencies(gw: Gateway, who: Contact, phone: Phone, ms: number, tag: string) {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let all!: () => void;
  const done = new Promise<void>((r) => (all = r));
  let expected = Infinity;
  const off = gw.onEvent((event, payload) => {
    if (event !== 'inbound.accepted') return;
    const at = sentAt.get((payload as AcceptedMessage).messageId);
    if (at === undefined) return;
    latencies.push(performance.now() - at);
    if (latencies.length >= expected) all();
  });
  const sends: Promise<unknown>[] = [];
  const start = performance.now();
  for (let i = 0; performance.now() - start < ms; i++) {
    const t0 = performance.now();
    sends.push(who.send(phone, `${tag} ${i}`).then((id) => sentAt.set(id, t0)));
    await new Promise((r) => setTimeout(r, start + (i + 1) * GOOD_EVERY_MS - performance.now()));
  }
  await Promise.all(sends);
  expected = sends.length;
  if (latencies.length >= expected) all();
  await done;
  off?.();
  return latencies;
}

/** 5 contacts, FAILURES_PER_SECOND undecryptable messages in all, for `ms`; resolves once all are sent. */
async function burst(bad: Contact[], phone: Phone, ms: number): Promise<number> {
  const perTick = (FAILURES_PER_SECOND * TICK_MS) / 1000;
  const sends: Promise<string>[] = [];
  const start = performance.now();
  for (let tick = 0; performance.now() - start < ms; tick++) {
    for (let i = 0; i < perTick; i++)
      sends.push(bad[i % bad.length]!.sendUndecryptable(phone, `bad ${tick}.${i}`));
    await new Promise((r) => setTimeout(r, start + (tick + 1) * TICK_MS - performance.now()));
  }
  await Promise.all(sends);
  return sends.length;
}

function summary(what: string, ms: number[]): string {
  return `${what} (n=${ms.length}): p50 ${median(ms).toFixed(1)} ms · p95 ${quantile(ms, 0.95).toFixed(1)} ms · max ${Math.max(...ms).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const unmute = muteConsole();
  const sim = await startSim({ seed: 'bench-badmac' });
  trustSimulator(sim.rootPublicKey);
  const t = await makeTestEnv();
  await t.writeConfig(
    `{ channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } }, logging: { level: "warn", file: ${JSON.stringify(t.logFile)} } }`,
  );
  const gw = await startGateway({ env: { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url }, serveUi: false });
  // The gateway routes the console through its logger while it runs: print once it has stopped.
  const report: string[] = [];
  try {
    const phone = sim.phone('+15550500001');
    await linkGatewayAccount(gw, 'default', async (qr) => void (await phone.scan(qr)));
    const bad = [1, 2, 3, 4, 5].map((i) => sim.contact(`+1555050100${i}`, { name: `Bad${i}` }));
    const good = sim.contact('+15550502001', { name: 'Good' });
    // Sessions first: a Bad MAC needs an existing session, and the good contact's first message is a pkmsg.
    for (const c of [...bad, good]) await goodLatencies(gw, c, phone, 1, 'hello');

    const quiet = await goodLatencies(gw, good, phone, 3000, 'quiet');
    const [during, failures] = await Promise.all([
      goodLatencies(gw, good, phone, BURST_SECONDS * 1000, 'during'),
      burst(bad, phone, BURST_SECONDS * 1000),
    ]);
    const logged = await gw.call(
      'logs.tail',
      { subsystem: 'baileys', minLevel: 'warn', limit: 2000 },
      CALLER,
    );
    const lines = logged.ok ? (logged.value as { entries: LogEntry[] }).entries.length : NaN;
    report.push(
      summary('another contact, no burst', quiet),
      `${summary(`another contact, during ${failures} Bad MAC messages in ${BURST_SECONDS} s from 5 contacts`, during)} (target p95 < 100 ms)`,
      `baileys warn/error log lines over the whole run: ${lines}`,
    );
  } finally {
    await gw.stop();
    for (const line of report) console.log(line);
    await t.cleanup();
    await sim.close();
    unmute();
  }
}

await main();
