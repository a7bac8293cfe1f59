#!/usr/bin/env node
// `npm run demo`: the WhatsApp simulator (`npm run sim`), the model simulator (e2e/model-sim) and, wired to both, the
// headless gateway, so the whole app can be tried without a phone, a WhatsApp account or a model key. Builds first
// (like `npm start`), keeps its state in a throwaway folder, prints where to click, and Ctrl-C stops all three: the
// gateway first, then the simulators.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEMO_MARK, DEMO_MODEL, demoConfig, modelSimBaseUrl } from './demo-config.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMO_PHONE = '+15550001111';
const GATEWAY_STATE = new Set([
  'openclaw.json',
  'config-last-good.json',
  'gateway.token',
  'gateway.json',
  'gateway.lock',
  'credentials',
  'logs',
]);
const DEFAULT_GATEWAY_PORT = 18789;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** `gateway run` has stopped everything of its own when it says so; Baileys may leave timers that keep it alive. */
const LINGER_AFTER_STOPPED_MS = 1_500;
// Own process groups, so a Ctrl-C in the terminal reaches only this script, which then stops them in order.
const DETACHED = process.platform !== 'win32';

const say = (line = '') => process.stdout.write(`${line}\n`);
const fail = (line) => process.stderr.write(`demo: ${line}\n`);

// ---- where the demo keeps its state ------------------------------------------------------------------------------

function chooseState() {
  const env = { ...process.env };
  const fromUser = env.OPENCLAW_STATE_DIR?.trim();
  if (fromUser) {
    const dir = resolve(fromUser.replace(/^~(?=$|[/\\])/, homedir()));
    if (dir === resolve(homedir(), '.openclaw')) {
      fail(
        `OPENCLAW_STATE_DIR is your real state folder (${dir}). The demo links accounts to the simulator, which ` +
          'would replace your real WhatsApp credentials there; unset it (the demo then uses a throwaway folder) or pick another.',
      );
      process.exit(2);
    }
    // Kept as it is: an account linked in an earlier run is refused (401) by the new simulator; link it again.
    // A config there is the user's (its model too); only a folder without one gets the demo's.
    const config = env.OPENCLAW_CONFIG_PATH?.trim()
      ? resolve(env.OPENCLAW_CONFIG_PATH.trim())
      : join(dir, 'openclaw.json');
    return {
      env: { ...env, OPENCLAW_STATE_DIR: dir },
      dir,
      note: 'from OPENCLAW_STATE_DIR; link again after a restart',
      config: existsSync(config) ? null : config,
    };
  }
  // Simulator-linked credentials mean nothing to real WhatsApp: never mix them into ~/.openclaw. The CLI knows this
  // folder too (src/cli/demo-hint.ts), to point a second terminal at the demo's gateway.
  const dir = join(tmpdir(), 'openclaw-demo');
  const config = join(dir, 'openclaw.json');
  if (existsSync(dir)) {
    // Ours: marked by this script, or holding nothing but what a gateway keeps in a state folder (an earlier demo).
    const ours =
      readText(config).startsWith(DEMO_MARK) ||
      readdirSync(dir).every((name) => GATEWAY_STATE.has(name) || /^state\.db(-wal|-shm)?$/.test(name));
    if (!ours) {
      fail(`${dir} exists but was not made by the demo; move it away, or set OPENCLAW_STATE_DIR`);
      process.exit(2);
    }
    const pid = Number(JSON.parse(readText(join(dir, 'gateway.json')) || '{}').pid);
    if (pid && isAlive(pid)) {
      fail(`another demo gateway (pid ${pid}) is using ${dir}; stop it first`);
      process.exit(2);
    }
    // The simulator forgets every link when it stops, so an earlier demo's link would only be refused (401).
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written once the model simulator has said where it listens; marked as ours right away.
  writeFileSync(config, `${DEMO_MARK}\n{}\n`, { mode: 0o600 });
  const overridden = env.OPENCLAW_CONFIG_PATH?.trim() ? ` (OPENCLAW_CONFIG_PATH ignored)` : '';
  return {
    env: { ...env, OPENCLAW_STATE_DIR: dir, OPENCLAW_CONFIG_PATH: config },
    dir,
    note: `throwaway, emptied on every run; OPENCLAW_STATE_DIR picks another folder${overridden}`,
    config,
  };
}

function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function isFree(port) {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

function freePort() {
  return new Promise((done, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

// ---- children --------------------------------------------------------------------------------------------------

/** Output lines of the children, prefixed with who said them. */
const tagged = (label, line) => `${label.padEnd(7)} │ ${line}`;

/** A child whose stdout lines go to `onLine` and whose stderr lines go to stderr, tagged with `label`. */
function start(name, label, args, env, onLine) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: DETACHED,
  });
  const proc = { name, child, exited: null };
  proc.done = new Promise((done) => {
    child.once('exit', (code, signal) => {
      proc.exited = { code, signal };
      done(proc.exited);
    });
  });
  child.once('error', (err) => fail(`could not start the ${name}: ${err.message}`));
  // Blank lines (the children space their own output) would only pad the interleaved log here.
  createInterface({ input: child.stdout }).on('line', (line) => line.trim() && onLine(line));
  createInterface({ input: child.stderr }).on(
    'line',
    (line) => line.trim() && process.stderr.write(`${tagged(label, line)}\n`),
  );
  return proc;
}

const describeExit = ({ code, signal }) => (signal ? `signal ${signal}` : `code ${code}`);

/** Resolves with the value handed to the callback `register` receives, or rejects if the child exits or times out. */
function waitForOutput(proc, what, register) {
  return new Promise((done, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the ${proc.name} did not report ${what} within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    register((value) => {
      clearTimeout(timer);
      done(value);
    });
    void proc.done.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`the ${proc.name} exited (${describeExit(exit)}) before it reported ${what}`));
    });
  });
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Sends `signal` and waits for the exit. A gateway that said "Gateway stopped." but is still alive a moment later is
 * only held by timers Baileys leaves behind; `gateway run` has removed its signal handlers by then, so SIGTERM ends it.
 */
async function stopChild(proc, signal, saidStopped = () => false) {
  if (proc.exited) return proc.exited;
  proc.child.kill(signal);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  let stoppedAt = 0;
  while (!proc.exited && Date.now() < deadline) {
    await Promise.race([proc.done, sleep(100)]);
    if (proc.exited || !saidStopped()) continue;
    stoppedAt ||= Date.now();
    if (Date.now() - stoppedAt < LINGER_AFTER_STOPPED_MS) continue;
    proc.child.kill('SIGTERM');
    await Promise.race([proc.done, sleep(2_000)]);
    if (proc.exited) return { code: 0, signal: null, lingered: true };
    break;
  }
  if (proc.exited) return proc.exited;
  fail(`the ${proc.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
  proc.child.kill('SIGKILL');
  return { ...(await proc.done), killed: true };
}

// ---- main ------------------------------------------------------------------------------------------------------

const state = chooseState();

say('Building the app (electron-vite build)…');
const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, encoding: 'utf8' });
if (built.status !== 0) {
  process.stderr.write(built.stdout ?? '');
  process.stderr.write(built.stderr ?? '');
  fail(`the build failed (${built.error?.message ?? `exit code ${built.status}`})`);
  process.exit(built.status || 1);
}

const running = [];
let stopping = null;
let gatewayStopped = false;
let onSimReady;
let onUiLink;

/** Gateway first (it holds the WhatsApp sockets and model requests), then the simulators, newest first; exits 0 only
 * when all stopped cleanly. */
function shutdown(reason, exitCode) {
  stopping ??= (async () => {
    if (reason) say(`\n${reason}`);
    let code = exitCode;
    for (const proc of [...running].reverse()) {
      if (proc.exited) continue;
      const exit = await stopChild(
        proc,
        'SIGINT',
        proc.name === 'gateway' ? () => gatewayStopped : undefined,
      );
      if (exit.lingered) {
        say(
          `(the gateway had stopped but stayed alive ${LINGER_AFTER_STOPPED_MS / 1000}+ s on leftover timers; ended it)`,
        );
      } else if (exit.killed || exit.code !== 0) {
        fail(`the ${proc.name} did not stop cleanly (${describeExit(exit)})`);
        code = code || 1;
      }
    }
    say(code === 0 ? 'Demo stopped.' : 'Demo stopped, with errors (see above).');
    process.exit(code);
  })();
  return stopping;
}

let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    const now = Date.now();
    if (!firstSignalAt) {
      firstSignalAt = now;
      void shutdown(
        `${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping the gateway, then the simulators…`,
        0,
      );
      return;
    }
    // npm passes a Ctrl-C on to this script as well: the same keypress can arrive twice.
    if (now - firstSignalAt < 1_000) return;
    fail('stopping immediately');
    for (const proc of running) if (!proc.exited) proc.child.kill('SIGKILL');
    process.exit(130);
  });
}
// Should this script die in an unplanned way, take the children along rather than leave them running.
process.on('exit', () => {
  for (const proc of running) if (!proc.exited) proc.child.kill('SIGKILL');
});

function watchForCrash(proc, other) {
  void proc.done.then((exit) => {
    if (stopping) return;
    void shutdown(
      `demo: the ${proc.name} exited unexpectedly (${describeExit(exit)}); stopping the ${other}.`,
      exit.code || 1,
    );
  });
}

// The simulator: its banner gives the URLs (ports may have moved if the defaults were busy); afterwards its
// links, logins and disconnects are worth seeing.
let simBannerDone = false;
const sim = { url: '', admin: '', ca: '' };
const simProc = start('simulator', 'sim', ['--import', 'tsx', 'e2e/wa-sim/cli.ts'], process.env, (line) => {
  if (simBannerDone || line.startsWith('note:')) return say(tagged('sim', line));
  const field = (label) => new RegExp(`^\\s*${label}\\s+(\\S.*)$`).exec(line)?.[1]?.trim();
  sim.url ||= field('WhatsApp socket') ?? '';
  sim.admin ||= field('Admin page') ?? '';
  sim.ca ||= field('Media host CA') ?? '';
  if (line.startsWith('Link a client:')) {
    simBannerDone = true;
    onSimReady?.();
  }
});
running.push(simProc);

try {
  say('Starting the WhatsApp simulator…');
  await waitForOutput(simProc, 'its URLs', (done) => (onSimReady = done));
  if (!sim.url || !sim.admin || !sim.ca)
    throw new Error('the simulator printed no socket URL, admin URL or CA file');
} catch (err) {
  fail(err.message);
  await shutdown('', 1);
}
watchForCrash(simProc, 'rest of the demo');

// The model simulator: the gateway's config names it, so its URL must be known before the gateway starts. Quiet
// afterwards (it answers without logging); its stderr is tagged like the others'.
const model = { baseUrl: '' };
let onModelReady;
const modelProc = start(
  'model simulator',
  'model',
  ['--import', 'tsx', 'e2e/model-sim/cli.ts'],
  process.env,
  (line) => {
    if (stopping) return say(tagged('model', line));
    if (model.baseUrl) return;
    model.baseUrl = modelSimBaseUrl(line) ?? '';
    if (model.baseUrl) onModelReady?.();
  },
);
running.push(modelProc);

try {
  say('Starting the model simulator…');
  await waitForOutput(modelProc, 'its URL', (done) => (onModelReady = done));
  if (state.config) {
    mkdirSync(dirname(state.config), { recursive: true, mode: 0o700 });
    const logFile = join(state.dir, 'logs', 'openclaw-YYYY-MM-DD.log');
    writeFileSync(state.config, demoConfig({ logFile, modelBaseUrl: model.baseUrl }), { mode: 0o600 });
  }
} catch (err) {
  fail(err.message);
  await shutdown('', 1);
}
watchForCrash(modelProc, 'rest of the demo');

// The gateway, pointed at the simulator. Its own start-up banner is replaced by the block below.
const portArgs = [];
if (!process.env.OPENCLAW_GATEWAY_PORT?.trim() && !(await isFree(DEFAULT_GATEWAY_PORT))) {
  const port = await freePort();
  say(`note: port ${DEFAULT_GATEWAY_PORT} is busy (another gateway?); the demo gateway uses ${port} instead`);
  portArgs.push('--port', String(port));
}
const gatewayEnv = { ...state.env, OPENCLAW_WA_SIMULATOR: sim.url, NODE_EXTRA_CA_CERTS: sim.ca };
const gatewayProc = start(
  'gateway',
  'gateway',
  ['bin/openclaw.js', 'gateway', 'run', ...portArgs],
  gatewayEnv,
  (line) => {
    const link = /^Open the UI: (\S+)/.exec(line)?.[1];
    if (link) return onUiLink?.(link);
    if (/^\s+\(a one-time link;/.test(line) || line === 'Press Ctrl-C to stop.') return;
    if (line === 'Gateway stopped.') gatewayStopped = true;
    say(tagged('gateway', line));
  },
);
running.push(gatewayProc);

let uiLink;
try {
  say('Starting the gateway…');
  uiLink = await waitForOutput(gatewayProc, 'its UI link', (done) => (onUiLink = done));
} catch (err) {
  fail(err.message);
  await shutdown('', 1);
}
watchForCrash(gatewayProc, 'simulators');

// The CLI in another terminal looks in ~/.openclaw unless told: give the exact lines that reach this gateway.
const cliEnv = `OPENCLAW_STATE_DIR=${state.dir}`;
const newLink = `${cliEnv} node bin/openclaw.js dashboard`;
const rule = '─'.repeat(78);
say(
  [
    '',
    rule,
    'OpenClaw demo — the gateway talks to the WhatsApp simulator, never to real WhatsApp',
    '',
    `  UI (one-time link)  ${uiLink}`,
    `  Simulator admin     ${sim.admin}`,
    `  State               ${state.dir}  (${state.note})`,
    state.config
      ? `  Model               ${DEMO_MODEL}: simulated (${model.baseUrl}); every answer repeats your message`
      : `  Model               as configured in ${state.dir}; the simulated one is at ${model.baseUrl}`,
    '',
    '  1. Open the UI link → Link → Link: a QR code appears; copy the QR text shown under it.',
    `  2. Paste it into the simulator admin page → Scan with phone ${DEMO_PHONE}.`,
    '  3. The account opens; send messages as Alice (or Bob) from the admin page.',
    "  4. Approve Alice's pairing request (Pairing screen); the simulated model answers her next messages.",
    '',
    `  Another UI link: ${newLink}`,
    '  The CLI, in another terminal (this folder), for this gateway:',
    `    export ${cliEnv}`,
    '    node bin/openclaw.js pairing list whatsapp',
    '  Ctrl-C stops the gateway, then the simulators.',
    rule,
    '',
  ].join('\n'),
);
