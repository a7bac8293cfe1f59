// `openclaw doctor` on the desktop app's better-sqlite3 build (the real CLI): where Electron's binary is installed
// and no build for it exists, or one for another Electron, that is a problem with the command that fixes it (no
// builder the project lacks); a build stamped for the installed Electron passes; without Electron's binary (as
// with ELECTRON_SKIP_BINARY_DOWNLOAD) none is needed.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';

let t: TestEnv;
let app: string;
beforeAll(async () => {
  t = await makeTestEnv(`  web: { enabled: false },`);
  // An app folder as npm leaves it where Electron's binary was downloaded.
  app = join(t.dir, 'app');
  await mkdir(join(app, 'node_modules', 'electron', 'dist'), { recursive: true });
  await mkdir(join(app, 'node_modules', 'better-sqlite3'), { recursive: true });
  await writeFile(join(app, 'node_modules', 'electron', 'package.json'), '{"version":"45.6.1"}');
  await writeFile(join(app, 'node_modules', 'electron', 'path.txt'), 'electron');
  await writeFile(join(app, 'node_modules', 'electron', 'dist', 'electron'), '');
  await writeFile(join(app, 'node_modules', 'better-sqlite3', 'package.json'), '{"version":"12.11.1"}');
});
afterAll(() => t.cleanup());

const doctor = (appDir?: string) =>
  runCli(['doctor'], {
    ...t.env,
    OPENCLAW_WA_SIMULATOR: '',
    ...(appDir ? { OPENCLAW_APP_DIR: appDir } : {}),
  });

describe('doctor and the desktop app’s better-sqlite3', () => {
  it('is a problem, with the fix, when Electron is installed and nothing was built for it', async () => {
    const r = await doctor(app);
    const binding = join(app, 'native', 'electron', 'better_sqlite3.node');
    expect(r.stdout).toContain(
      `✗ better-sqlite3 is not built for the desktop app's Electron 45.6.1 (${binding} is missing): the app will not start\n` +
        `    fix: in ${app}, with internet access (it fetches Electron's headers): npm run rebuild:electron`,
    );
    expect(r.stdout).toContain('✓ Native module better-sqlite3 loads');
    expect(r.stdout).not.toContain('electron-builder');
    expect(r.code).toBe(1);
  });

  it('names the Electron a stale build was made for', async () => {
    await mkdir(join(app, 'native', 'electron'), { recursive: true });
    await writeFile(join(app, 'native', 'electron', 'better_sqlite3.node'), '');
    await writeFile(
      join(app, 'native', 'electron', 'built-for.json'),
      '{"electron":"41.10.7","betterSqlite3":"12.11.1","arch":"x64"}',
    );
    const r = await doctor(app);
    expect(r.stdout).toContain(
      "✗ better-sqlite3 is not built for the desktop app's Electron 45.6.1 (it was built for Electron 41.10.7 with better-sqlite3 12.11.1)",
    );
  });

  it('passes with a build stamped for the installed Electron', async () => {
    await writeFile(
      join(app, 'native', 'electron', 'built-for.json'),
      '{"electron":"45.6.1","betterSqlite3":"12.11.1","arch":"x64"}',
    );
    const r = await doctor(app);
    expect(r.stdout).toContain(
      `✓ better-sqlite3 is built for the desktop app's Electron 45.6.1: ${join(app, 'native', 'electron', 'better_sqlite3.node')}`,
    );
    expect(r.stdout).not.toMatch(/^✗ /m);
  });

  it('needs no build where Electron’s binary is not installed (as on this machine)', async () => {
    const headless = join(t.dir, 'headless-app');
    await mkdir(join(headless, 'node_modules', 'electron'), { recursive: true });
    await writeFile(join(headless, 'node_modules', 'electron', 'package.json'), '{"version":"45.6.1"}');
    const r = await doctor(headless);
    expect(r.stdout).toContain(
      "✓ Desktop app: Electron 45.6.1's binary is not installed here (headless use), so it needs no better-sqlite3 build",
    );
    expect(r.stdout).not.toMatch(/^✗ /m);
  });
});
