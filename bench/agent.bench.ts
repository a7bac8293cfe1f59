// The agent's reply path: what the gateway adds between WhatsApp and the model, and answered messages per second
// with an instant model next to bare Baileys receive-then-send on the same stream, in one run. Real Baileys,
// e2e/wa-sim and the gateway in this process, e2e/model-sim in a child process (bench/support/model-child.ts: the
// model's CPU is not the gateway's, and bare Baileys has no model to pay for); pacing off (OPENCLAW_OUTBOUND_PACING=off); dmPolicy
// open; one session per contact (session.dmScope per-channel-peer), so agents.defaults.maxConcurrent matters.
// Prints figures; no pass/fail. Issue targets: p99 < 10 ms for each latency, ratio ≥ 0.8.
//
// Latency, one message at a time (rotating over the contacts), timestamps taken outside the gateway:
//   (a) wa-sim writes the message stanza to the gateway's socket → the request reaches model-sim;
//   (b) model-sim has written the end of the stream → wa-sim reads the reply's message stanza from the gateway.
// Throughput: every contact holds a conversation (writes, waits until its device decrypted the reply, writes
// again), all contacts at once; timed until the last reply is decrypted. Bare: a Baileys client on in-memory auth
// that answers each messages.upsert with sock.sendMessage. Rounds alternate bare and gateway.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trustSimulator } from '../e2e/wa-sim/client';
import { startSim, type Contact, type Phone, type Sim } from '../e2e/wa-sim/index';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { WhatsAppManager } from '../src/gateway/whatsapp/manager';
import { makeTestEnv, type TestEnv } from '../test/support/env';
import { startProfile } from './support/profile';
import { median, quantile } from './support/stats';
import type { ModelTiming } from './support/model-child';
import { ReplyWatch, tag, tagsIn, watchMessageStanzas } from './support/replies';
import { accountStates, linkBare, linkGatewayAccount, muteConsole, openBare } from './support/whatsapp';

const CONTACTS = Number(process.env.BENCH_AGENT_CONTACTS ?? 8);
/** Messages per contact per throughput round. */
const TURNS = Number(process.env.BENCH_AGENT_TURNS ?? 10);
const ROUNDS = Number(process.env.BENCH_AGENT_ROUNDS ?? 3);
const LATENCY_MESSAGES = Number(process.env.BENCH_AGENT_LATENCY_N ?? 200);
/** Raised maxConcurrent tried next to the default, to see whether it limits throughput. */
const RAISED_CONCURRENCY = 16;

type Api = 'openai-completions' | 'anthropic-messages';

interface LatencySample {
  t: string;
  deliveredAt?: number;
  /** Baileys' messages.upsert on the gateway's socket, and the gateway's inbound.accepted event: the breakdown. */
  upsertAt?: number;
  acceptedAt?: number;
  requestAt?: number;
  streamEndAt?: number;
  /** Every message stanza wa-sim read from the gateway while this sample was current; the reply is the first one
   * after the stream ended (the model's report of that end travels over IPC and may come in later). */
  fromClientAt: number[];
  replyAt?: number;
}

/** The model simulator in a child process; timings of watched tags come back over IPC. */
class ModelChild {
  private readonly waiters = new Map<string, (t: ModelTiming) => void>();
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: ModelTiming) => {
      this.waiters.get(m.tag)?.(m);
      this.waiters.delete(m.tag);
    });
  }

  static async start(): Promise<ModelChild> {
    const file = fileURLToPath(new URL('./support/model-child.ts', import.meta.url));
    const child = fork(file, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { url?: string }) => (m.url ? resolve(m.url) : reject(new Error('no url'))));
      child.once('exit', (code) => reject(new Error(`the model child exited (${code}) before listening`)));
    });
    return new ModelChild(child, url);
  }

  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  get anthropicBaseUrl(): string {
    return this.url;
  }

  /** Register before sending: the request's arrival and its stream's end, in this process's performance.now(). */
  watch(t: string): Promise<{ requestAt: number; streamEndAt: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(t);
        reject(new Error(`model-sim reported no request carrying ${t}`));
      }, 30_000);
      this.waiters.set(t, (m) => {
        clearTimeout(timer);
        resolve({
          requestAt: m.requestAt - performance.timeOrigin,
          streamEndAt: m.streamEndAt - performance.timeOrigin,
        });
      });
      this.child.send({ watch: t });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ stop: true });
    await exited;
  }
}

/** What the wire hooks write into: the message in flight during a latency run. */
const probe = {
  current: null as LatencySample | null,
  manager: null as WhatsAppManager | null,
};

/** Adds the breakdown listeners to a gateway whose account is open: Baileys' upsert, then the hand-off. */
function watchBreakdown(gw: Gateway): void {
  const sock = probe.manager?.account('default')?.socket();
  if (!sock) throw new Error("the gateway's account has no open socket");
  sock.ev.on('messages.upsert', () => {
    const s = probe.current;
    if (s && s.upsertAt === undefined) s.upsertAt = performance.now();
  });
  gw.onEvent((event) => {
    const s = probe.current;
    if (event === 'inbound.accepted' && s && s.acceptedAt === undefined) s.acceptedAt = performance.now();
  });
}

function config(
  t: TestEnv,
  model: { openaiBaseUrl: string; anthropicBaseUrl: string },
  api: Api,
  maxConcurrent: number,
) {
  const baseUrl = api === 'openai-completions' ? model.openaiBaseUrl : model.anthropicBaseUrl;
  return `{
    channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },
    session: { dmScope: "per-channel-peer" },
    models: { providers: { sim: { api: "${api}", baseUrl: "${baseUrl}", apiKey: "sk-bench-0123456789",
      models: [{ id: "bench-model" }] } } },
    agents: { defaults: { model: "sim/bench-model", maxConcurrent: ${maxConcurrent} } },
    logging: { level: "warn", file: ${JSON.stringify(t.logFile)} },
  }`;
}

async function waitOpen(gw: Gateway): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await accountStates(gw)).get('default') === 'open') return watchBreakdown(gw);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the gateway's account did not open");
}

/** Every contact converses TURNS times at once; ms until the last reply was decrypted. */
async function conversations(
  phone: Phone,
  contacts: Contact[],
  watch: ReplyWatch,
  label: string,
  turns = TURNS,
): Promise<number> {
  const start = performance.now();
  await Promise.all(
    contacts.map(async (contact, k) => {
      for (let j = 0; j < turns; j++) {
        const t = tag(label, k, j);
        const replied = watch.reply(t);
        await contact.send(phone, `${t} hello number ${j}`);
        await replied;
      }
    }),
  );
  return performance.now() - start;
}

/** One message at a time; fills probe.current through the wire hooks. */
async function latency(
  phone: Phone,
  contacts: Contact[],
  watch: ReplyWatch,
  model: ModelChild,
  label: string,
  n: number,
): Promise<LatencySample[]> {
  const samples: LatencySample[] = [];
  for (let i = 0; i < n; i++) {
    const sample: LatencySample = { t: tag(label, i), fromClientAt: [] };
    const timed = model.watch(sample.t);
    probe.current = sample;
    const replied = watch.reply(sample.t);
    await contacts[i % contacts.length]!.send(phone, `${sample.t} how are you`);
    await replied;
    Object.assign(sample, await timed);
    sample.replyAt = sample.fromClientAt.find((at) => at >= sample.streamEndAt!);
    samples.push(sample);
  }
  probe.current = null;
  return samples;
}

function latencyLines(what: string, samples: LatencySample[]): string[] {
  const complete = samples.filter(
    (s) => s.deliveredAt && s.requestAt && s.streamEndAt && s.replyAt,
  ) as Required<LatencySample>[];
  const a = complete.map((s) => s.requestAt - s.deliveredAt);
  const b = complete.map((s) => s.replyAt - s.streamEndAt);
  const fmt = (xs: number[]) =>
    `p50 ${quantile(xs, 0.5).toFixed(2)} ms · p99 ${quantile(xs, 0.99).toFixed(2)} ms · max ${Math.max(...xs).toFixed(2)} ms`;
  const missing = samples.length - complete.length;
  const lacking = new Map<string, number>();
  for (const s of samples)
    for (const k of ['deliveredAt', 'requestAt', 'streamEndAt', 'replyAt'] as const)
      if (s[k] === undefined) lacking.set(k, (lacking.get(k) ?? 0) + 1);
  const lack = [...lacking].map(([k, n]) => `${k} ×${n}`).join(', ');
  const parts = complete.filter((s) => s.upsertAt !== undefined && s.acceptedAt !== undefined);
  const pq = (f: (s: LatencySample) => number) => {
    const xs = parts.map(f);
    return `${quantile(xs, 0.5).toFixed(2)}/${quantile(xs, 0.99).toFixed(2)}`;
  };
  return [
    `${what}, n=${complete.length}${missing ? ` (${missing} without every timestamp: ${lack})` : ''}:`,
    `  (a) stanza written to the gateway's socket → model request at model-sim: ${fmt(a)} (target p99 < 10 ms)`,
    `      split, p50/p99 ms: stanza → Baileys upsert (a bare client pays it too) ${pq((s) => s.upsertAt! - s.deliveredAt!)} · upsert → inbound.accepted ${pq((s) => s.acceptedAt! - s.upsertAt!)} · accepted → model request ${pq((s) => s.requestAt! - s.acceptedAt!)} · upsert → model request ${pq((s) => s.requestAt! - s.upsertAt!)}`,
    `  (b) model stream ended → reply stanza read by wa-sim:                    ${fmt(b)} (target p99 < 10 ms)`,
  ];
}

async function main(): Promise<void> {
  // As in the built app (see outbound.bench): no source-map stack rewriting, which tsx turns on and which would
  // charge each TypeScript frame on the gateway's stanza-sending paths a lookup the shipped bundle never pays.
  process.setSourceMapsEnabled(false);
  const unmute = muteConsole();
  const out: string[] = [];
  const sim: Sim = await startSim({ seed: 'bench-agent' });
  trustSimulator(sim.rootPublicKey);
  const model = await ModelChild.start();
  let gw: Gateway | null = null;
  const t = await makeTestEnv();
  const originalStart = WhatsAppManager.prototype.start;
  WhatsAppManager.prototype.start = function (this: WhatsAppManager) {
    probe.manager = this;
    return originalStart.call(this);
  };
  try {
    const barePhone = sim.phone('+15550900001');
    const gwPhone = sim.phone('+15550900002');
    const contacts = Array.from({ length: CONTACTS }, (_, i) =>
      sim.contact(`+155509010${String(i).padStart(2, '0')}`, { name: `C${i}` }),
    );
    const watch = new ReplyWatch(contacts);
    const stopWatching = watchMessageStanzas(sim, gwPhone.account.user, {
      toClient: (node, at) => {
        const s = probe.current;
        if (s && s.deliveredAt === undefined && !node.attrs.offline) s.deliveredAt = at;
      },
      fromClient: (_node, at) => probe.current?.fromClientAt.push(at),
    });

    const bare = await openBare(
      sim.url,
      await linkBare(sim.url, async (qr) => void (await barePhone.scan(qr))),
    );
    bare.sock.ev.on('messages.upsert', ({ messages }) => {
      for (const m of messages) {
        if (m.key.fromMe || !m.message || !m.key.remoteJid) continue;
        const text = m.message.conversation ?? m.message.extendedTextMessage?.text ?? '';
        void bare.sock.sendMessage(m.key.remoteJid, { text: `got ${tagsIn(text).join(' ')}` });
      }
    });

    const env = { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url, OPENCLAW_OUTBOUND_PACING: 'off' };
    const start = async (api: Api, maxConcurrent: number) => {
      await gw?.stop();
      await t.writeConfig(config(t, model, api, maxConcurrent));
      gw = await startGateway({ env, serveUi: false });
      return gw;
    };
    await linkGatewayAccount(await start('openai-completions', 4), 'default', async (qr) => {
      await gwPhone.scan(qr);
    });

    const throughput = async (label: string): Promise<string[]> => {
      const bareMs: number[] = [];
      const gwMs: number[] = [];
      // This process's CPU per round (wa-sim and the contacts included, the same on both sides): on a machine
      // shared with other work it varies far less than wall time, so it is printed next to it.
      const bareCpu: number[] = [];
      const gwCpu: number[] = [];
      const round = async (phone: Phone, tagLabel: string, ms: number[], cpu: number[]) => {
        const profiling = await startProfile(process.env.BENCH_AGENT_PROFILE);
        const before = process.cpuUsage();
        ms.push(await conversations(phone, contacts, watch, tagLabel));
        const used = process.cpuUsage(before);
        cpu.push((used.user + used.system) / 1000);
        await profiling?.(tagLabel);
      };
      // Warm-up of each (Signal sessions with every contact, JIT), then measured rounds, alternating.
      await conversations(barePhone, contacts, watch, `${label}wb`, 2);
      await conversations(gwPhone, contacts, watch, `${label}wg`, 2);
      for (let r = 0; r < ROUNDS; r++) {
        await round(barePhone, `${label}b${r}`, bareMs, bareCpu);
        await round(gwPhone, `${label}g${r}`, gwMs, gwCpu);
      }
      const n = CONTACTS * TURNS;
      const rate = (ms: number[]) => n / (median(ms) / 1000);
      const list = (ms: number[]) => ms.map((x) => x.toFixed(0)).join(', ');
      const perMsg = (cpu: number[]) => median(cpu) / n;
      return [
        `  bare Baileys receive-then-send ${rate(bareMs).toFixed(1)} msg/s · gateway ${rate(gwMs).toFixed(1)} msg/s · ratio ${(rate(gwMs) / rate(bareMs)).toFixed(2)} (target ≥ 0.80)`,
        `  per round: bare ${list(bareMs)} ms · gateway ${list(gwMs)} ms`,
        `  CPU of this process per answered message: bare ${perMsg(bareCpu).toFixed(2)} ms · gateway ${perMsg(gwCpu).toFixed(2)} ms · ratio ${(perMsg(bareCpu) / perMsg(gwCpu)).toFixed(2)} (rounds: bare ${list(bareCpu)} ms · gateway ${list(gwCpu)} ms)`,
      ];
    };

    const what = `${CONTACTS} contacts × ${TURNS} messages, each waiting for its reply`;
    await waitOpen(gw!);
    out.push(`answered messages per second, instant model, openai-completions (${what}):`);
    out.push(` agents.defaults.maxConcurrent 4 (the default):`, ...(await throughput('c4')));
    // Steady state for latency: state.db checkpoints move off the main thread 10 s after start (inbound.bench).
    out.push(
      ...latencyLines(
        'gateway-added latency, openai-completions',
        await latency(gwPhone, contacts, watch, model, 'lo', LATENCY_MESSAGES),
      ),
    );

    await waitOpen(await start('openai-completions', RAISED_CONCURRENCY));
    out.push(` agents.defaults.maxConcurrent ${RAISED_CONCURRENCY}:`, ...(await throughput('c16')));

    await waitOpen(await start('anthropic-messages', 4));
    await latency(gwPhone, contacts, watch, model, 'aw', 20);
    await new Promise((r) => setTimeout(r, 10_500));
    out.push(
      ...latencyLines(
        'gateway-added latency, anthropic-messages',
        await latency(gwPhone, contacts, watch, model, 'la', LATENCY_MESSAGES / 2),
      ),
    );
    stopWatching();
    bare.end();
  } finally {
    await (gw as Gateway | null)?.stop();
    await model.close();
    await sim.close();
    await t.cleanup();
    WhatsAppManager.prototype.start = originalStart;
    unmute();
  }
  // Printed once the gateways have stopped: while one runs, the console goes to its log (console guard).
  for (const line of out) console.log(line);
}

await main();
