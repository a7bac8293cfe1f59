// WhatsApp cost of the gateway next to bare Baileys, on one loopback simulator in this process (issue target: within
// 1.15× of bare Baileys for both figures). Prints figures; no pass/fail.
//
// 1. Connect-to-open of a linked account. Bare: a linked in-memory auth state; each sample is a new makeWASocket
//    with it, timed to connection 'open' and to receivedPendingNotifications (the offline marker), then ended.
//    Gateway: a linked state dir; each sample is a whole new gateway (startGateway) on it, timed from the start of
//    its WhatsApp manager (after config, SQLite and the control server are up: credentials load, key store,
//    makeWASocket and the handshake are all inside) to its channels.state event 'open', and to the socket's
//    offline marker; then the gateway is stopped. Bare and gateway samples alternate, after warm-ups.
// 2. Resident memory per extra linked account: child processes (so runs do not pollute each other, and so the
//    simulator, which stays here, is not counted) link K = 1 and K = 6 accounts, force GC and report RSS;
//    per extra account = (RSS(6) − RSS(1)) / 5, median of a few children per configuration.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ConnectionState, WASocket } from '@whiskeysockets/baileys';
import { build } from 'esbuild';
import { connect, trustSimulator, type MemoryAuth } from '../e2e/wa-sim/client';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import type { Connection } from '../e2e/wa-sim/server/connection';
import { startGateway } from '../src/gateway/gateway';
import { WhatsAppAccount } from '../src/gateway/whatsapp/account';
import { WhatsAppManager } from '../src/gateway/whatsapp/manager';
import { makeTestEnv, type TestEnv } from '../test/support/env';
import { accountStates, linkBare, linkGatewayAccount, muteConsole, type Scan } from './support/whatsapp';
import type { ToChild, ToParent } from './whatsapp-rss';

const WARMUPS = 5;
const SAMPLES = 40;
const MEMORY_REPEATS = 5;
const TARGET = 1.15;

// ---- figures -------------------------------------------------------------------------------------------------

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const median = (s: number[]) => quantile(s, 0.5);
const ms = (s: number[]) => `${median(s).toFixed(1)} ms median (p90 ${quantile(s, 0.9).toFixed(1)})`;
const ratio = (gateway: number, bare: number) =>
  `ratio ${(gateway / bare).toFixed(2)}× (target ≤ ${TARGET.toFixed(2)}×)`;

// ---- the simulator side ----------------------------------------------------------------------------------------

let phones = 0;
/** A fresh simulated phone for every link, so no account's devices or queues carry over to another. */
const scanWithNewPhone =
  (sim: Sim): Scan =>
  async (qr) => {
    phones += 1;
    await sim.phone(`+1555020${String(phones).padStart(4, '0')}`).scan(qr);
  };

/** Resolves when the simulator has seen `user`'s connection go away (so the next login is not a 440 takeover). */
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

const userOf = (auth: { creds: { me?: { id: string } | null } }) => auth.creds.me!.id.split(/[:@]/)[0]!;

// ---- 1. connect-to-open ----------------------------------------------------------------------------------------

interface Sample {
  open: number;
  offline: number;
}

async function bareSample(sim: Sim, auth: MemoryAuth): Promise<Sample> {
  const closed = simClosed(sim, userOf(auth.state));
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
 * when the WhatsApp manager starts; when an account first reports 'open' (status() builds the channels.state
 * payload at that very moment); and the socket it opens, for the offline marker, which is no gateway state.
 */
const probe = {
  waStart: 0,
  connectingAt: 0,
  openAt: 0,
  offlineAt: 0,
  sockets: 0,
  /** Called whenever a mark is set, so a sample waits on events rather than polling. */
  changed: () => undefined as void,
};
function instrumentGateway(): () => void {
  const manager = WhatsAppManager.prototype;
  const account = WhatsAppAccount.prototype;
  const original = { managerStart: manager.start, accountStart: account.start, status: account.status };
  manager.start = function (this: WhatsAppManager) {
    probe.waStart = performance.now();
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
  /** From calling startGateway() to 'open': the whole gateway start, for context. */
  wholeStart: number;
  /** From the manager's start to the account's 'connecting' state, i.e. up to makeWASocket. */
  beforeSocket: number;
  /** From 'connecting' (makeWASocket) to 'open': the part that bare Baileys also does. */
  socketToOpen: number;
}

async function gatewaySample(sim: Sim, t: TestEnv, user: string): Promise<GatewaySample> {
  const env = { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url };
  Object.assign(probe, { waStart: 0, connectingAt: 0, openAt: 0, offlineAt: 0, sockets: 0 });
  const settled = new Promise<void>((resolve) => {
    probe.changed = () => {
      if (probe.openAt && probe.offlineAt) resolve();
    };
  });
  const called = performance.now();
  const gw = await startGateway({ env, serveUi: false });
  try {
    if (probe.sockets !== 1) throw new Error('the gateway opened no socket for its linked account');
    await withTimeout(settled, 15_000, "the gateway's 'open' state and the offline marker");
    if ((await accountStates(gw)).get('default') !== 'open') throw new Error('the account is not open');
    const { waStart, connectingAt, openAt, offlineAt } = probe;
    return {
      open: openAt - waStart,
      offline: offlineAt - waStart,
      wholeStart: openAt - called,
      beforeSocket: connectingAt - waStart,
      socketToOpen: openAt - connectingAt,
    };
  } finally {
    const closed = simClosed(sim, user);
    await gw.stop();
    await closed;
  }
}

const gc = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Runs a sample from a quiet start: what the previous sample left behind (a stopped gateway is a lot of garbage)
 * is collected first, so each sample pays only for its own allocations and not for its predecessor's.
 */
async function quiet<T>(sample: () => Promise<T>): Promise<T> {
  if (process.env.X_NOQUIET) return sample();
  await new Promise((r) => setTimeout(r, 10));
  gc();
  return sample();
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

async function connectToOpen(sim: Sim): Promise<void> {
  const scan = scanWithNewPhone(sim);
  const bareAuth = await linkBare(sim.url, scan);

  const t = await makeTestEnv();
  if (process.env.X_LOGWARN)
    await t.writeConfig(`{ logging: { file: ${JSON.stringify(t.logFile)}, level: 'error' } }`);
  const restore = instrumentGateway();
  try {
    // Link the gateway's default account once, through the control API; every sample then starts from disk.
    const first = await startGateway({ env: { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url }, serveUi: false });
    let user = '';
    try {
      user = (await linkGatewayAccount(first, 'default', scan)).number!.slice(1);
    } finally {
      const closed = user ? simClosed(sim, user) : Promise.resolve();
      await first.stop();
      await closed;
    }

    if (process.env.X_NOSAVE) CredsFile.prototype.save = async () => undefined;
    const bare: Sample[] = [];
    const gateway: GatewaySample[] = [];
    for (let i = 0; i < WARMUPS + SAMPLES; i++) {
      // Alternate which goes first, so neither always runs right after the other's teardown.
      const b = i % 2 === 0 ? await quiet(() => bareSample(sim, bareAuth)) : null;
      const g = await quiet(() => gatewaySample(sim, t, user));
      const b2 = b ?? (await quiet(() => bareSample(sim, bareAuth)));
      if (i < WARMUPS) continue;
      bare.push(b2);
      gateway.push(g);
    }

    const pick = <S extends Sample>(s: S[], k: keyof S) => s.map((x) => x[k] as number);
    console.log(
      `connect-to-open (linked account): bare ${ms(pick(bare, 'open'))} · gateway ${ms(pick(gateway, 'open'))} · ${ratio(median(pick(gateway, 'open')), median(pick(bare, 'open')))}`,
    );
    console.log(
      `connect-to-offline-marker (receivedPendingNotifications): bare ${ms(pick(bare, 'offline'))} · gateway ${ms(pick(gateway, 'offline'))} · ${ratio(median(pick(gateway, 'offline')), median(pick(bare, 'offline')))}`,
    );
    console.log(
      `  (gateway breakdown: manager start → makeWASocket (legacy check, creds.json load) ${ms(pick(gateway, 'beforeSocket'))} · makeWASocket → 'open' ${ms(pick(gateway, 'socketToOpen'))})`,
    );
    console.log(
      `  (gateway, for context: startGateway() → 'open', the whole start of a gateway with one linked account: ${ms(pick(gateway, 'wholeStart'))}; n=${SAMPLES} each after ${WARMUPS} warm-ups)`,
    );
  } finally {
    restore();
    await t.cleanup();
  }
}

// ---- 2. memory per extra linked account ------------------------------------------------------------------------

const CHILD_SOURCE = fileURLToPath(new URL('./whatsapp-rss.ts', import.meta.url));

/**
 * The child runs as plain JavaScript, bundled once with esbuild (what tsx compiles with anyway): under
 * `--import tsx` the TypeScript loader lives on a hooks thread with its own V8 heap (~55 MB of RSS that global.gc()
 * never collects), whose ups and downs (±10 MB between identical runs) are larger than what is measured here.
 * Packages stay external, so the bundle sits under node_modules/.cache to resolve them like the sources do.
 */
async function bundleChild(): Promise<{ file: string; remove(): Promise<void> }> {
  const cache = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'wa-bench-'));
  const file = join(dir, 'whatsapp-rss.mjs');
  await build({
    entryPoints: [CHILD_SOURCE],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

function runChild(
  sim: Sim,
  script: string,
  mode: 'bare' | 'gateway',
  accounts: number,
): Promise<NodeJS.MemoryUsage> {
  const scan = scanWithNewPhone(sim);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', script, '--mode', mode, '--accounts', String(accounts), '--sim', sim.url],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    let memory: NodeJS.MemoryUsage | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ${mode} child with ${accounts} accounts took longer than 60 s`));
    }, 60_000);
    child.on('message', (msg: ToParent) => {
      if (msg.type === 'result') memory = msg.memory;
      else if (msg.type === 'scan') {
        scan(msg.qr).then(
          () => child.connected && child.send({ type: 'scanned', id: msg.id } satisfies ToChild),
          (err: Error) =>
            child.connected &&
            child.send({ type: 'scanned', id: msg.id, error: err.message } satisfies ToChild),
        );
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && memory) resolve(memory);
      else reject(new Error(`the ${mode} child with ${accounts} accounts exited with ${signal ?? code}`));
    });
  });
}

async function memoryPerAccount(sim: Sim): Promise<void> {
  const runs: Record<string, NodeJS.MemoryUsage[]> = {};
  const configs = [
    ['bare', 1],
    ['gateway', 1],
    ['bare', 6],
    ['gateway', 6],
  ] as const;
  const child = await bundleChild();
  try {
    for (let r = 0; r < MEMORY_REPEATS; r++) {
      for (const [mode, k] of configs)
        (runs[`${mode}${k}`] ??= []).push(await runChild(sim, child.file, mode, k));
    }
  } finally {
    await child.remove();
  }
  const mb = (bytes: number) => bytes / 1024 / 1024;
  const perAccount = (mode: string, field: keyof NodeJS.MemoryUsage) =>
    mb(median(runs[`${mode}6`]!.map((m) => m[field])) - median(runs[`${mode}1`]!.map((m) => m[field]))) / 5;
  const bare = perAccount('bare', 'rss');
  const gateway = perAccount('gateway', 'rss');
  console.log(
    `memory per extra linked account (RSS): bare ${bare.toFixed(2)} MB · gateway ${gateway.toFixed(2)} MB · ${ratio(gateway, bare)}`,
  );
  const heap = (mode: string) => perAccount(mode, 'heapUsed') + perAccount(mode, 'external');
  console.log(
    `  (JS heap + external per extra account: bare ${heap('bare').toFixed(2)} MB · gateway ${heap('gateway').toFixed(2)} MB)`,
  );
  const rss = (key: string) => mb(median(runs[key]!.map((m) => m.rss))).toFixed(1);
  if (process.env.WA_BENCH_VERBOSE)
    for (const [key, list] of Object.entries(runs))
      console.log(
        `  ${key}: ${list.map((m) => `${mb(m.rss).toFixed(1)}/${mb(m.heapUsed).toFixed(1)}`).join(' ')}`,
      );
  console.log(
    `  (RSS, median of ${MEMORY_REPEATS} children each: bare K=1 ${rss('bare1')} MB, K=6 ${rss('bare6')} MB · gateway K=1 ${rss('gateway1')} MB, K=6 ${rss('gateway6')} MB)`,
  );
}

// ---- run -------------------------------------------------------------------------------------------------------

const restoreConsole = muteConsole();
const { CredsFile } = await import('../src/gateway/whatsapp/auth/creds-file');
if (process.env.X_NOLOG) {
  const hub = await import('../src/gateway/log/hub');
  void hub;
}

const started = performance.now();
const sim = await startSim({ seed: 'bench' });
try {
  trustSimulator(sim.rootPublicKey);
  await connectToOpen(sim);
  if (!process.env.TMP_CONNECT_ONLY) await memoryPerAccount(sim);
} finally {
  await sim.close();
  restoreConsole();
}
console.log(`(whatsapp bench took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
