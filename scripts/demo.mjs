#!/usr/bin/env node
// `npm run demo`: the loopback WhatsApp simulator and a headless gateway wired to it, so a person can link a
// simulated phone from the UI and talk to it as simulated contacts. The gateway keeps its state in a throwaway
// folder unless OPENCLAW_STATE_DIR says otherwise: credentials linked to the simulator mean nothing elsewhere.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error('demo: the build failed (run `npm run build` to see why)');
  process.exit(build.status ?? 1);
}

const children = [];
let stopping = false;

/** Starts a child and resolves once `pattern` matched its output (or rejects if it exits first). */
function start(name, command, args, env, pattern) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push({ name, child });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) {
        child.stdout.off('data', onData);
        resolve({ child, match, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (out += c.toString()));
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(
          `demo: the ${name} exited (${code ?? 'signal'}); stopping.\n${out.split('\n').slice(-15).join('\n')}`,
        );
        void stop(1);
      }
      reject(new Error(`${name} exited`));
    });
  });
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  // The gateway first (it holds the sockets to the simulator), then the simulator.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null) continue;
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const stateDir = process.env.OPENCLAW_STATE_DIR ?? join(tmpdir(), 'openclaw-demo');
mkdirSync(stateDir, { recursive: true, mode: 0o700 });

try {
  const sim = await start(
    'simulator',
    process.execPath,
    ['--import', 'tsx', 'e2e/wa-sim/cli.ts'],
    {},
    /WhatsApp socket\s+(ws:\S+)[\s\S]*Admin page\s+(http:\S+)[\s\S]*Media host CA\s+(\S+)/,
  );
  const [, socketUrl, adminUrl, caFile] = sim.match;
  const gateway = await start(
    'gateway',
    process.execPath,
    ['bin/openclaw.js', 'gateway', 'run'],
    { OPENCLAW_STATE_DIR: stateDir, OPENCLAW_WA_SIMULATOR: socketUrl, NODE_EXTRA_CA_CERTS: caFile },
    /Open the UI: (\S+)/,
  );
  console.log(`OpenClaw demo — a gateway wired to the WhatsApp simulator (not WhatsApp)

  UI (one-time link)   ${gateway.match[1]}
  Simulator admin      ${adminUrl}
  Gateway state        ${stateDir}

  1. Open the UI link, go to Link and press Link: a QR code appears.
  2. Copy the QR text shown under the code (simulator mode only), paste it on the simulator admin page and
     press Scan with the phone +15550001111.
  3. Accounts shows the account open as +15550001111; send messages as Alice or Bob from the admin page.

Ctrl-C stops both.`);
} catch {
  // stop() already explained which child failed.
}
