#!/usr/bin/env node
// `npm test`: typecheck, lint, unit + integration tests (vitest), build, then the Playwright specs against the
// headless gateway. Every step runs even when an earlier one failed, so one run shows every problem. The last
// line is `N passed, N failed, N skipped` (each of typecheck, lint and build counts as one check).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const totals = { passed: 0, failed: 0, skipped: 0 };
const tmp = mkdtempSync(join(tmpdir(), 'openclaw-test-'));

function run(title, command, args, env = {}) {
  console.log(`\n=== ${title}: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function check(title, command, args) {
  const ok = run(title, command, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  console.log(`=== ${title}: ${ok ? 'passed' : 'FAILED'}`);
  return ok;
}

function suite(title, command, args) {
  const summary = join(tmp, `${title}.json`);
  const ok = run(title, command, args, { OPENCLAW_TEST_SUMMARY: summary });
  let counts;
  try {
    counts = JSON.parse(readFileSync(summary, 'utf8'));
  } catch {
    counts = { passed: 0, failed: 1, skipped: 0 };
    console.log(`=== ${title}: the runner stopped before reporting any result`);
  }
  if (!ok && counts.failed === 0) counts.failed = 1;
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  console.log(`=== ${title}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}

check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npm', ['run', '--silent', 'lint']);
suite('vitest', 'npx', ['vitest', 'run']);
if (check('build', 'npm', ['run', '--silent', 'build'])) {
  suite('playwright', 'npx', ['playwright', 'test']);
} else {
  console.log('=== playwright: not run, because the build failed (counted as 1 failed)');
  totals.failed += 1;
}

rmSync(tmp, { recursive: true, force: true });
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed === 0 ? 0 : 1;
