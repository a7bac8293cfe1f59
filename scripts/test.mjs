#!/usr/bin/env node
// `npm test`: typecheck, lint, build, unit + integration tests (vitest) on this Node and again on Node 24 (the Node
// that Electron runs the gateway on; see node24.mjs), then the Playwright specs against the headless gateway.
// Every step runs even when an earlier one failed, so one run shows every problem. The last line is
// `N passed, N failed, N skipped` (each of typecheck, lint and build counts as one check; a vitest run that cannot
// happen counts as one skipped, or failed where it is required); each step's own counts are listed above it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNode24, recap, sqliteBindingFor } from './node24.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const totals = { passed: 0, failed: 0, skipped: 0 };
const steps = [];
const tmp = mkdtempSync(join(tmpdir(), 'openclaw-test-'));

function run(title, command, args, env = {}) {
  console.log(`\n=== ${title}: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

/** A step that counts as one check: passed, failed or skipped, with why. */
function record(title, outcome, why = '') {
  totals[outcome] += 1;
  const text = `${outcome === 'failed' ? 'FAILED' : outcome}${why ? ` (${why})` : ''}`;
  steps.push({ title, text });
  console.log(`=== ${title}: ${text}`);
}

function check(title, command, args) {
  const ok = run(title, command, args);
  record(title, ok ? 'passed' : 'failed');
  return ok;
}

function suite(title, command, args, env = {}) {
  const summary = join(tmp, `${steps.length}.json`);
  const ok = run(title, command, args, { ...env, OPENCLAW_TEST_SUMMARY: summary });
  let counts;
  try {
    counts = JSON.parse(readFileSync(summary, 'utf8'));
  } catch {
    counts = { passed: 0, failed: 1, skipped: 0 };
    console.log(`=== ${title}: the runner stopped before reporting any result`);
  }
  if (!ok && counts.failed === 0) counts.failed = 1;
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  const text = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
  steps.push({ title, text });
  console.log(`=== ${title}: ${text}`);
}

function nodeVersion(node) {
  const out = spawnSync(node, ['-v'], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : null;
}

// What the Node 24 run leaves out, and why: it is there to test the gateway on the Node it ships on. The renderer
// runs in a browser, and the simulators are test equipment that never ships.
const NOT_ON_NODE24 = ['src/renderer/**', 'e2e/wa-sim/**', 'e2e/model-sim/**'];
// The 100,000-signature equivalence halves compare Node's own Ed25519 with curve25519-js, so they matter on the
// Node that ships; when the Node 24 run follows, the first run leaves them to it (the edge cases run in both).
const EQUIVALENCE = ['test/xeddsa-equivalence.test.ts', 'test/xeddsa-equivalence-2.test.ts'];
const exclude = (globs) => globs.flatMap((g) => ['--exclude', g]);

function vitestOnNode24(found, env) {
  if (!found.run) {
    console.log('');
    record('vitest on Node 24', found.count, `not run: ${found.reason}`);
    return;
  }
  const title = `vitest on Node ${found.version}`;
  console.log(
    `\n=== ${title}: building better-sqlite3 for it (cached in node_modules/.cache/openclaw-sqlite)`,
  );
  const sqlite = sqliteBindingFor({ root: ROOT, node: found.node, nodeDir: found.nodeDir, env: process.env });
  if (!sqlite.ok) {
    record(title, 'failed', `not run: better-sqlite3 for Node ${found.version}: ${sqlite.reason}`);
    return;
  }
  const preload = join(ROOT, 'scripts', 'sqlite-binding-redirect.cjs');
  console.log(`=== ${title}: not again here (browser code and test simulators): ${NOT_ON_NODE24.join(', ')}`);
  const args = [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...exclude(NOT_ON_NODE24)];
  suite(title, found.node, args, {
    ...env,
    // Child processes the tests start (the CLI, gateways) run on the same Node: it comes first on PATH and they
    // mostly use process.execPath; the preload reaches them and their worker threads through NODE_OPTIONS.
    PATH: `${dirname(found.node)}${delimiter}${process.env.PATH ?? ''}`,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(preload)}`.trim(),
    OPENCLAW_TEST_SQLITE_BINDING: sqlite.binding,
    OPENCLAW_TEST_SQLITE_ABI: sqlite.abi,
  });
}

check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npm', ['run', '--silent', 'lint']);
// Built before the tests, so the tests that start the CLI and gateways as processes start the bundle that ships
// (test/support/cli.ts): a third of the CPU per start of tsx compiling the sources each time. If the build fails,
// they run from source as usual, and the failure is counted.
const built = check('build', 'npm', ['run', '--silent', 'build']);
const cliEnv = built ? { OPENCLAW_TEST_CLI_BUILT: '1' } : {};
const node24 = findNode24({ root: ROOT, env: process.env, exists: existsSync, version: nodeVersion });
const firstTitle = `vitest on Node ${process.versions.node}`;
if (node24.run)
  console.log(`\n=== ${firstTitle}: the equivalence halves run on Node 24 only: ${EQUIVALENCE.join(', ')}`);
suite(firstTitle, 'npx', ['vitest', 'run', ...(node24.run ? exclude(EQUIVALENCE) : [])], cliEnv);
vitestOnNode24(node24, cliEnv);
if (built) {
  suite('playwright', 'npx', ['playwright', 'test']);
} else {
  record('playwright', 'failed', 'not run, because the build failed');
}

rmSync(tmp, { recursive: true, force: true });
console.log(recap(steps, totals).join('\n'));
process.exitCode = totals.failed === 0 ? 0 : 1;
