// The agent's reply path: what the gateway adds between WhatsApp and the model, and answered messages per second
// with an instant model next to bare Baileys receive-then-send on the same stream, in one run. Real Baileys, e2e/wa-sim
// in this process, e2e/model-sim in a child process (bench/support/model-child.ts: the model's CPU is not the
// gateway's, and bare Baileys has no model to pay for); pacing off (OPENCLAW_OUTBOUND_PACING=off); dmPolicy open; one
// session per contact (session.dmScope per-channel-peer), so agents.defaults.maxConcurrent matters.
// Prints figures; no pass/fail. Issue targets: p99 < 10 ms for each latency, ratio ≥ 0.8.
//
// Throughput: the gateway in this process, next to wa-sim and the bare client, so both sides share one thread with
// the simulator alike. Every contact holds a conversation (writes, waits until its device decrypted the reply, writes
// again), all contacts at once; timed until the last reply is decrypted. Bare: a Baileys client on in-memory auth
// that answers each messages.upsert with sock.sendMessage. Rounds alternate bare and gateway.
//
// Latency, one message at a time (rotating over the contacts), with the gateway in its own process as deployed
// (bench/support/gateway-child.ts): in this process the simulator's and the contacts' allocations, about 1.2 MB per
// answered message, bring a 5-10 ms young-generation pause every dozen messages or so, and one landing inside the
// window would be counted as the gateway's. The issue's two spans:
//   (a) Baileys' messages.upsert on the gateway's socket → the gateway's last write of the model request to its
//       connection with model-sim has returned: the request is on the wire (both in the gateway process). When
//       model-sim's handler has the request (after its process woke, read and parsed it) is printed next to it;
//   (b) model-sim has written the end of the stream → the gateway writes its next frame to WhatsApp's socket (the
//       reply's message stanza), between the two processes' wall clocks.
// The same spans as wa-sim sees them (its write of the inbound stanza, its read of the reply) are printed too.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trustSimulator } from '../e2e/wa-sim/client';
import { startSim, type Contact, type Phone, type Sim } from '../e2e/wa-sim/index';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { makeTestEnv, type TestEnv } from '../test/support/env';
import { bundleChild } from './support/bundle-child';
import type { FromGatewayChild, GatewaySample, ToGatewayChild } from './support/gateway-child';
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
  /** wa-sim wrote the message stanza to the gateway's socket. */
  deliveredAt?: number;
  requestAt?: number;
  streamEndAt?: number;
  /** Every message stanza wa-sim read from the gateway while this sample was current. */
  fromClientAt: number[];
  /** The gateway process's own timestamps. */
  gateway?: GatewaySample;
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

/** The gateway in its own process (bench/support/gateway-child.ts); its timestamps come back over IPC. */
class GatewayChild {
  private readonly waiting = new Map<
    FromGatewayChild['type'],
    Array<{ resolve(m: FromGatewayChild): void; reject(err: Error): void }>
  >();
  private failure: Error | null = null;
  private constructor(
    private readonly child: ChildProcess,
    scan: (qr: string) => Promise<void>,
  ) {
    child.on('message', (m: FromGatewayChild) => {
      if (m.type === 'scan') {
        void scan(m.qr).then(
          () => this.send({ type: 'scanned', id: m.id }),
          (err: Error) => this.send({ type: 'scanned', id: m.id, error: err.message }),
        );
      } else if (m.type === 'error') this.fail(new Error(`gateway child: ${m.message}`));
      else this.waiting.get(m.type)?.shift()?.resolve(m);
    });
    child.on('exit', (code) => this.fail(new Error(`the gateway child exited (${code})`)));
  }

  static async start(
    file: string,
    env: Record<string, string | undefined>,
    modelPort: number,
    scan: (qr: string) => Promise<void>,
  ): Promise<GatewayChild> {
    const child = new GatewayChild(
      fork(file, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
      scan,
    );
    await child.ask({ type: 'start', env, modelPort }, 'open');
    return child;
  }

  private send(m: ToGatewayChild): void {
    if (this.child.connected) this.child.send(m);
  }

  private ask(m: ToGatewayChild, answer: FromGatewayChild['type']): Promise<FromGatewayChild> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(answer) ?? [];
      this.waiting.set(answer, queue);
      queue.push({ resolve, reject });
      this.send(m);
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const queue of this.waiting.values()) for (const w of queue.splice(0)) w.reject(this.failure);
  }

  restart(): Promise<unknown> {
    return this.ask({ type: 'restart' }, 'open');
  }

  async watch(t: string): Promise<void> {
    await this.ask({ type: 'watch', tag: t }, 'watching');
  }

  async collect(): Promise<GatewaySample> {
    const m = await this.ask({ type: 'collect' }, 'sample');
    return (m as Extract<FromGatewayChild, { type: 'sample' }>).sample;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.send({ type: 'stop' });
    await exited;
  }
}

/** The message in flight during a latency run, for wa-sim's stanza hooks. */
let current: LatencySample | null = null;

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
    if ((await accountStates(gw)).get('default') === 'open') return;
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

/** One message at a time, to the gateway in its own process. */
async function latency(
  phone: Phone,
  contacts: Contact[],
  watch: ReplyWatch,
  model: ModelChild,
  gateway: GatewayChild,
  label: string,
  n: number,
): Promise<LatencySample[]> {
  const samples: LatencySample[] = [];
  for (let i = 0; i < n; i++) {
    const sample: LatencySample = { t: tag(label, i), fromClientAt: [] };
    const timed = model.watch(sample.t);
    await gateway.watch(sample.t);
    current = sample;
    const replied = watch.reply(sample.t);
    await contacts[i % contacts.length]!.send(phone, `${sample.t} how are you`);
    await replied;
    Object.assign(sample, await timed);
    sample.gateway = await gateway.collect();
    samples.push(sample);
  }
  current = null;
  return samples;
}

/** The gateway process's wall-clock time, on this process's performance.now() clock. */
const local = (wall: number | undefined) => (wall === undefined ? undefined : wall - performance.timeOrigin);

function latencyLines(what: string, samples: LatencySample[]): string[] {
  const fmt = (xs: number[]) =>
    `p50 ${quantile(xs, 0.5).toFixed(2)} ms · p99 ${quantile(xs, 0.99).toFixed(2)} ms · max ${Math.max(...xs).toFixed(2)} ms`;
  const spans = samples.map((s) => {
    const g = s.gateway;
    const upsert = local(g?.upsertAt);
    const accepted = local(g?.acceptedAt);
    const written = g?.modelWrites
      .map(local)
      .filter((at) => at! <= s.requestAt!)
      .at(-1);
    const frame = g?.frames.map(local).find((at) => at! >= s.streamEndAt!);
    const read = s.fromClientAt.find((at) => at >= s.streamEndAt!);
    const d = (from: number | undefined, to: number | undefined) =>
      from === undefined || to === undefined ? undefined : to - from;
    return {
      a: d(upsert, written),
      toModelSim: d(upsert, s.requestAt),
      b: d(s.streamEndAt, frame),
      simA: d(s.deliveredAt, s.requestAt),
      simB: d(s.streamEndAt, read),
      toUpsert: d(s.deliveredAt, upsert),
      toAccepted: d(upsert, accepted),
      toWire: d(accepted, written),
    };
  });
  const col = (k: keyof (typeof spans)[number]) =>
    spans.map((x) => x[k]).filter((v): v is number => v !== undefined);
  const pq = (k: keyof (typeof spans)[number]) => {
    const xs = col(k);
    return `${quantile(xs, 0.5).toFixed(2)}/${quantile(xs, 0.99).toFixed(2)}`;
  };
  const a = col('a');
  const b = col('b');
  const lacking = samples.length - Math.min(a.length, b.length);
  return [
    `${what}, n=${samples.length}${lacking ? ` (${lacking} without every timestamp)` : ''}, the gateway in its own process:`,
    `  (a) Baileys' messages.upsert → the model request is on the wire: ${fmt(a)} (target p99 < 10 ms)`,
    `      split, p50/p99 ms: upsert → inbound.accepted ${pq('toAccepted')} · accepted → on the wire ${pq('toWire')} · upsert → model-sim's handler has the request ${pq('toModelSim')}`,
    `  (b) model stream ended → the gateway's next frame to WhatsApp:     ${fmt(b)} (target p99 < 10 ms)`,
    `  as wa-sim sees them, p50/p99 ms: its stanza → Baileys' upsert (a bare client pays it too) ${pq('toUpsert')} · its stanza → model request ${pq('simA')} · stream end → its read of the reply ${pq('simB')}`,
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
  const bundle = await bundleChild(new URL('./support/gateway-child.ts', import.meta.url));
  let gw: Gateway | null = null;
  let child: GatewayChild | null = null;
  const t = await makeTestEnv();
  const tChild = await makeTestEnv();
  try {
    const barePhone = sim.phone('+15550900001');
    const gwPhone = sim.phone('+15550900002');
    const childPhone = sim.phone('+15550900003');
    const contacts = Array.from({ length: CONTACTS }, (_, i) =>
      sim.contact(`+155509010${String(i).padStart(2, '0')}`, { name: `C${i}` }),
    );
    const watch = new ReplyWatch(contacts);
    const stopWatching = watchMessageStanzas(sim, childPhone.account.user, {
      toClient: (node, at) => {
        const s = current;
        if (s && s.deliveredAt === undefined && !node.attrs.offline) s.deliveredAt = at;
      },
      fromClient: (_node, at) => current?.fromClientAt.push(at),
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

    const simEnv = { OPENCLAW_WA_SIMULATOR: sim.url, OPENCLAW_OUTBOUND_PACING: 'off' };
    const start = async (api: Api, maxConcurrent: number) => {
      await gw?.stop();
      await t.writeConfig(config(t, model, api, maxConcurrent));
      gw = await startGateway({ env: { ...t.env, ...simEnv }, serveUi: false });
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
    await waitOpen(await start('openai-completions', RAISED_CONCURRENCY));
    out.push(` agents.defaults.maxConcurrent ${RAISED_CONCURRENCY}:`, ...(await throughput('c16')));
    await gw!.stop();
    gw = null;
    bare.end();

    // Latency: the gateway process alone with its account; warmed up (Signal sessions with every contact, JIT),
    // then measured in the steady state: state.db checkpoints move off its main thread 10 s after start.
    const measure = async (api: Api, label: string, n: number) => {
      await tChild.writeConfig(config(tChild, model, api, 4));
      if (!child) {
        const modelPort = Number(new URL(model.url).port);
        child = await GatewayChild.start(bundle.file, { ...tChild.env, ...simEnv }, modelPort, async (qr) => {
          await childPhone.scan(qr);
        });
      } else await child.restart();
      await latency(childPhone, contacts, watch, model, child, `${label}w`, 2 * CONTACTS);
      await new Promise((r) => setTimeout(r, 10_500));
      out.push(
        ...latencyLines(
          `gateway-added latency, ${api}`,
          await latency(childPhone, contacts, watch, model, child, label, n),
        ),
      );
    };
    await measure('openai-completions', 'lo', LATENCY_MESSAGES);
    await measure('anthropic-messages', 'la', LATENCY_MESSAGES / 2);
    stopWatching();
  } finally {
    await (gw as Gateway | null)?.stop();
    await (child as GatewayChild | null)?.stop();
    await model.close();
    await sim.close();
    await t.cleanup();
    await tChild.cleanup();
    await bundle.remove();
    unmute();
  }
  // Printed once the gateways have stopped: while one runs, the console goes to its log (console guard).
  for (const line of out) console.log(line);
}

await main();
