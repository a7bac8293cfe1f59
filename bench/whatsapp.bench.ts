// WhatsApp cost of the gateway next to bare Baileys on the same loopback simulator (run in this process) in the same
// run. Issue target: within 1.15× of bare Baileys for both figures. Prints figures; no pass/fail.
//
// 1. Connect-to-open of a linked account, three kinds of sample taken in rotation (each kind follows each other
//    kind equally often, so what one sample leaves behind is shared fairly), after warm-ups:
//    - bare: a new makeWASocket on an already linked in-memory auth state, timed to connection 'open' and to
//      receivedPendingNotifications (the offline marker); then ended, and the simulator sees it go.
//    - gateway: a whole new gateway (startGateway) on an already linked state dir, timed from the start of its
//      WhatsApp manager (config, state.db and the control server are up by then) to the account's 'open' state
//      (the status behind its channels.state event) and to its socket's offline marker; then stopped. This
//      includes loading creds.json, the SQLite key store, makeWASocket and the whole handshake, and everything
//      else the gateway still does while the account connects.
//    - account restart: the WhatsApp manager of a gateway that keeps running is stopped and started again,
//      timed the same way: the account's own cost without the rest of a gateway start.
// 2. Resident memory per extra linked account: one child process per mode (bare | gateway) links eleven accounts
//    and reports RSS after a forced GC once the first is open and once all eleven are; per extra account =
//    (RSS(11) − RSS(1)) / 10, median over nine children (RSS moves in allocator-sized steps, so fewer accounts or
//    children gave ratios anywhere from 0.7× to 1.5× between runs). The simulator stays in this process, so only
//    the client side is counted, and bare and gateway never share a process.
import { spawn } from 'node:child_process';
import type { ConnectionState, WASocket } from '@whiskeysockets/baileys';
import { connect, trustSimulator, type MemoryAuth } from '../e2e/wa-sim/client';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import type { Connection } from '../e2e/wa-sim/server/connection';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { WhatsAppAccount } from '../src/gateway/whatsapp/account';
import { WhatsAppManager } from '../src/gateway/whatsapp/manager';
import { makeTestEnv, type TestEnv } from '../test/support/env';
import { accountStates, linkBare, linkGatewayAccount, muteConsole, type Scan } from './support/whatsapp';
import type { ToChild, ToParent } from './whatsapp-rss';
import { median, quantile } from './support/stats';
import { bundleChild } from './support/bundle-child';

const WARMUPS = 6;
const SAMPLES = 36;
const MEMORY_CHILDREN = 9;
const ACCOUNTS = 11;
const TARGET = 1.15;

// ---- figures ---------------------------------------------------------------------------------------------------

const ms = (s: number[]) => `${median(s).toFixed(1)} ms median (p90 ${quantile(s, 0.9).toFixed(1)})`;
const ratio = (gateway: number, bare: number) =>
  `ratio ${(gateway / bare).toFixed(2)}× (target ≤ ${TARGET.toFixed(2)}×)`;
const mb = (bytes: number) => bytes / 1024 / 1024;

// ---- the simulator side ----------------------------------------------------------------------------------------

let phones = 0;
/** A fresh simulated phone for every link, so no account's devices or queues carry over to another. */
const scanWithNewPhone =
  (sim: Sim): Scan =>
  async (qr) => {
    phones += 1;
    await sim.phone(`+1555020${String(phones).padStart(4, '0')}`).scan(qr);
  };

/** Resolves when the simulator has seen `user`'s connection go (so the next login is not a 440 takeover). */
function simClosed(sim: Sim, user: string): Promise<void> {
  return new Promise((resolve) => {
    const onClose = (conn: Connection) => {
      if (conn.user !== user) return;
      sim.server.off('close', onClose);
      resolve();
    };
    sim.server.on('close', onClose);
  });
}

function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    }),
  ]);
}

// ---- 1. connect-to-open ----------------------------------------------------------------------------------------

interface Sample {
  open: number;
  offline: number;
}

async function bareSample(sim: Sim, auth: MemoryAuth, user: string): Promise<Sample> {
  const closed = simClosed(sim, user);
  const start = performance.now();
  const client = connect(sim.url, auth);
  const marks: Partial<Sample> = {};
  client.sock.ev.on('connection.update', (u) => {
    if (u.connection === 'open') marks.open ??= performance.now() - start;
    if (u.receivedPendingNotifications) marks.offline ??= performance.now() - start;
  });
  await client.waitFor((u) => u.connection === 'open', "bare 'open'", 15_000);
  await client.waitFor((u) => u.receivedPendingNotifications === true, 'bare offline marker', 15_000);
  client.end();
  await closed;
  return marks as Sample;
}

/**
 * Instrumentation of the gateway's own classes, from outside (startGateway can return after the account is
 * already open: it fsyncs gateway.json after starting WhatsApp, so a listener added afterwards may be too late):
 * when the WhatsApp manager starts; when an account reports 'connecting' (right before makeWASocket) and 'open'
 * (status() builds the channels.state payload at that very moment); and the socket it opens, for the offline
 * marker, which is no gateway state.
 */
const probe = {
  waStart: 0,
  connectingAt: 0,
  openAt: 0,
  offlineAt: 0,
  sockets: 0,
  manager: null as WhatsAppManager | null,
  /** Called whenever a mark is set, so a sample waits on events instead of polling. */
  changed: (): void => undefined,
};

function instrumentGateway(): () => void {
  const manager = WhatsAppManager.prototype;
  const account = WhatsAppAccount.prototype;
  const original = { managerStart: manager.start, accountStart: account.start, status: account.status };
  manager.start = function (this: WhatsAppManager) {
    probe.waStart = performance.now();
    probe.manager = this;
    return original.managerStart.call(this);
  };
  account.start = async function (this: WhatsAppAccount) {
    await original.accountStart.call(this);
    // connect() ran makeWASocket synchronously inside start(); the socket field is private, hence the cast.
    // Baileys emits its first update on the next tick and the offline marker only after the handshake.
    const sock = (this as unknown as { sock: WASocket | null }).sock;
    if (!sock) return;
    probe.sockets += 1;
    sock.ev.on('connection.update', (u: Partial<ConnectionState>) => {
      if (!u.receivedPendingNotifications || probe.offlineAt) return;
      probe.offlineAt = performance.now();
      probe.changed();
    });
  };
  account.status = function (this: WhatsAppAccount) {
    const status = original.status.call(this);
    if (status.state === 'connecting') probe.connectingAt ||= performance.now();
    if (status.state === 'open' && !probe.openAt) {
      probe.openAt = performance.now();
      probe.changed();
    }
    return status;
  };
  return () => {
    manager.start = original.managerStart;
    account.start = original.accountStart;
    account.status = original.status;
  };
}

interface GatewaySample extends Sample {
  /** Manager start → the account's 'connecting' state (legacy-credentials check, creds.json load). */
  beforeSocket: number;
  /** 'connecting' (makeWASocket) → 'open': the part bare Baileys does too. */
  socketToOpen: number;
  /** startGateway() called → 'open': the whole start of a gateway, for context. */
  wholeStart: number;
}

/** Arms the probe, runs `start` (which must start the WhatsApp manager once), waits for open + offline marker. */
async function timedStart(start: () => Promise<unknown>): Promise<GatewaySample> {
  Object.assign(probe, { waStart: 0, connectingAt: 0, openAt: 0, offlineAt: 0, sockets: 0 });
  const settled = new Promise<void>((resolve) => {
    probe.changed = () => {
      if (probe.openAt && probe.offlineAt) resolve();
    };
  });
  const called = performance.now();
  await start();
  if (probe.sockets !== 1)
    throw new Error(`expected one socket for the linked account, saw ${probe.sockets}`);
  await withTimeout(settled, 15_000, "the account's 'open' state and the offline marker");
  const { waStart, connectingAt, openAt, offlineAt } = probe;
  return {
    open: openAt - waStart,
    offline: offlineAt - waStart,
    beforeSocket: connectingAt - waStart,
    socketToOpen: openAt - connectingAt,
    wholeStart: openAt - called,
  };
}

interface LinkedGateway {
  t: TestEnv;
  env: NodeJS.ProcessEnv;
  user: string;
}

async function linkedGateway(sim: Sim, scan: Scan): Promise<LinkedGateway & { gw: Gateway }> {
  const t = await makeTestEnv();
  const env = { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url };
  const gw = await startGateway({ env, serveUi: false });
  const status = await linkGatewayAccount(gw, 'default', scan);
  return { t, env, gw, user: status.number!.slice(1) };
}

async function stopGateway(sim: Sim, gw: Gateway, user: string): Promise<void> {
  const closed = simClosed(sim, user);
  await gw.stop();
  await closed;
}

async function gatewaySample(sim: Sim, g: LinkedGateway): Promise<GatewaySample> {
  let gw: Gateway | null = null;
  try {
    const sample = await timedStart(async () => {
      gw = await startGateway({ env: g.env, serveUi: false });
    });
    // What the control API says, not only what the probe saw.
    const state = (await accountStates(gw!)).get('default');
    if (state !== 'open') throw new Error(`the gateway's account is ${state}, not open`);
    return sample;
  } finally {
    if (gw) await stopGateway(sim, gw, g.user);
  }
}

async function accountRestartSample(
  sim: Sim,
  manager: WhatsAppManager,
  user: string,
): Promise<GatewaySample> {
  const closed = simClosed(sim, user);
  await manager.stop();
  await closed;
  const sample = await timedStart(() => manager.start());
  return { ...sample, wholeStart: Number.NaN };
}

async function connectToOpen(sim: Sim): Promise<void> {
  const scan = scanWithNewPhone(sim);
  const bareAuth = await linkBare(sim.url, scan);
  const bareUser = bareAuth.state.creds.me!.id.split(/[:@]/)[0]!;

  const restore = instrumentGateway();
  // Linked once each through the control API; every sample then starts from what is on disk.
  const restarted = await linkedGateway(sim, scan);
  await stopGateway(sim, restarted.gw, restarted.user);
  const running = await linkedGateway(sim, scan);
  const manager = probe.manager!;
  try {
    const kinds = {
      bare: () => bareSample(sim, bareAuth, bareUser),
      gateway: () => gatewaySample(sim, restarted),
      account: () => accountRestartSample(sim, manager, running.user),
    };
    const names = Object.keys(kinds) as Array<keyof typeof kinds>;
    const samples = { bare: [] as Sample[], gateway: [] as GatewaySample[], account: [] as GatewaySample[] };
    for (let i = 0; i < WARMUPS + SAMPLES; i++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length]!;
        // Let the previous sample's asynchronous teardown (socket end handlers, file removals) finish first.
        await new Promise((r) => setTimeout(r, 20));
        const sample = await kinds[name]();
        if (i >= WARMUPS) (samples[name] as Sample[]).push(sample);
      }
    }

    const of = <S extends Sample>(s: S[], k: keyof S) => s.map((x) => x[k] as number);
    const { bare, gateway, account } = samples;
    const line = (what: string, k: keyof Sample) =>
      `${what}: bare ${ms(of(bare, k))} · gateway ${ms(of(gateway, k))} · ${ratio(median(of(gateway, k)), median(of(bare, k)))}`;
    console.log(line('connect-to-open (linked account)', 'open'));
    console.log(line('connect-to-offline-marker (receivedPendingNotifications)', 'offline'));
    console.log(
      `  gateway, split: manager start → makeWASocket (legacy check, creds.json + .bak load) ${ms(of(gateway, 'beforeSocket'))} · makeWASocket → 'open' ${ms(of(gateway, 'socketToOpen'))}`,
    );
    console.log(
      `  account restart inside a running gateway (manager stop/start): 'open' ${ms(of(account, 'open'))}, ratio ${(median(of(account, 'open')) / median(of(bare, 'open'))).toFixed(2)}× · offline marker ${ms(of(account, 'offline'))}`,
    );
    console.log(
      `  whole gateway start, startGateway() → 'open': ${ms(of(gateway, 'wholeStart'))} · n=${SAMPLES} of each kind after ${WARMUPS} warm-ups, in rotation`,
    );
  } finally {
    await stopGateway(sim, running.gw, running.user);
    restore();
    await restarted.t.cleanup();
    await running.t.cleanup();
  }
}

// ---- 2. memory per extra linked account -----------------------------------------------------------------------

/** RSS (and heap) of one child after 1 and after ACCOUNTS linked accounts. */
function runChild(sim: Sim, script: string, mode: 'bare' | 'gateway'): Promise<NodeJS.MemoryUsage[]> {
  const scan = scanWithNewPhone(sim);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      // --no-flush-bytecode: the second measurement comes after more GCs than the first; without it, V8 would by
      // then have dropped the bytecode of start-up code run once, which has nothing to do with accounts.
      [
        '--expose-gc',
        '--no-flush-bytecode',
        script,
        ...['--mode', mode, '--accounts', String(ACCOUNTS), '--sim', sim.url],
      ],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const memory: NodeJS.MemoryUsage[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ${mode} memory child took longer than 60 s`));
    }, 60_000);
    child.on('message', (msg: ToParent) => {
      if (msg.type === 'memory') memory.push(msg.memory);
      else if (msg.type === 'scan') {
        const reply = (error?: string) =>
          child.connected && child.send({ type: 'scanned', id: msg.id, error } satisfies ToChild);
        scan(msg.qr).then(
          () => reply(),
          (err: Error) => reply(err.message),
        );
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && memory.length === 2) resolve(memory);
      else reject(new Error(`the ${mode} memory child exited with ${signal ?? code}`));
    });
  });
}

async function memoryPerAccount(sim: Sim): Promise<void> {
  const runs = { bare: [] as NodeJS.MemoryUsage[][], gateway: [] as NodeJS.MemoryUsage[][] };
  const child = await bundleChild(new URL('./whatsapp-rss.ts', import.meta.url));
  try {
    for (let r = 0; r < MEMORY_CHILDREN; r++) {
      for (const mode of r % 2 === 0 ? (['bare', 'gateway'] as const) : (['gateway', 'bare'] as const))
        runs[mode].push(await runChild(sim, child.file, mode));
    }
  } finally {
    await child.remove();
  }
  const extra = ACCOUNTS - 1;
  const perAccount = (mode: keyof typeof runs, field: (m: NodeJS.MemoryUsage) => number) =>
    median(runs[mode].map(([one, all]) => mb(field(all!) - field(one!)) / extra));
  const rss = { bare: perAccount('bare', (m) => m.rss), gateway: perAccount('gateway', (m) => m.rss) };
  console.log(
    `memory per extra linked account (RSS): bare ${rss.bare.toFixed(2)} MB · gateway ${rss.gateway.toFixed(2)} MB · ${ratio(rss.gateway, rss.bare)}`,
  );
  const heap = (mode: keyof typeof runs) => perAccount(mode, (m) => m.heapUsed + m.external).toFixed(2);
  const spread = (mode: keyof typeof runs) =>
    runs[mode].map(([one, all]) => (mb(all!.rss - one!.rss) / extra).toFixed(2)).join(', ');
  console.log(
    `  (RSS(${ACCOUNTS}) − RSS(1)) / ${extra} in each of ${MEMORY_CHILDREN} children: bare ${spread('bare')} · gateway ${spread('gateway')}; JS heap + external per extra account: bare ${heap('bare')} MB · gateway ${heap('gateway')} MB`,
  );
  const base = (mode: keyof typeof runs) => mb(median(runs[mode].map(([one]) => one!.rss))).toFixed(1);
  console.log(
    `  RSS with one linked account (median): bare ${base('bare')} MB · gateway ${base('gateway')} MB`,
  );
}

// ---- run -------------------------------------------------------------------------------------------------------

const restoreConsole = muteConsole();
const started = performance.now();
const sim = await startSim({ seed: 'bench' });
try {
  trustSimulator(sim.rootPublicKey);
  await connectToOpen(sim);
  await memoryPerAccount(sim);
} finally {
  await sim.close();
  restoreConsole();
}
console.log(`(whatsapp bench: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
// Not a natural exit: Baileys (rc14) leaves timers behind ended sockets (the 60 s timeout of every query still
// unanswered when a socket ended, the 30 s race timer of a pre-key upload) that would keep this process alive for
// up to a minute after everything of ours (simulator, gateways, children) is closed.
process.exit(0);
