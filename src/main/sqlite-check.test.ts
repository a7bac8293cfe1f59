// The desktop app's start check: which better-sqlite3 build it loads, and the dialog text when none loads —
// what is wrong, where, and the fix (a command for a source checkout, a reinstall for a packaged app).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronBindingPath, loadSqlite, sqliteLoadProblem, type SqliteRuntime } from './sqlite-check';

// The build this process loads: node_modules' own, or in npm test's Node 24 run the copy built for that Node.
const OWN_BUILD =
  process.env.OPENCLAW_TEST_SQLITE_BINDING ??
  path.join(
    path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
    'build',
    'Release',
    'better_sqlite3.node',
  );

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-sqlite-check-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const runtime = (over: Partial<SqliteRuntime> = {}): SqliteRuntime => ({
  bindingPath: path.join(dir, 'native', 'electron', 'better_sqlite3.node'),
  bindingFound: true,
  electronVersion: '45.6.1',
  abi: '150',
  packaged: false,
  ...over,
});

describe('electronBindingPath', () => {
  it('is under the app folder, and outside app.asar in a packaged app', () => {
    expect(electronBindingPath('/src/openclaw')).toBe('/src/openclaw/native/electron/better_sqlite3.node');
    expect(electronBindingPath('/opt/OpenClaw/resources/app.asar')).toBe(
      '/opt/OpenClaw/resources/app.asar.unpacked/native/electron/better_sqlite3.node',
    );
  });
});

describe('loadSqlite', () => {
  it('loads the Electron build when it is there', () => {
    const file = path.join(dir, 'better_sqlite3.node');
    fs.copyFileSync(OWN_BUILD, file);
    expect(loadSqlite(file)).toEqual({ ok: true, binding: file });
  });

  it("falls back to better-sqlite3's own build when there is none", () => {
    expect(loadSqlite(path.join(dir, 'absent.node'))).toEqual({ ok: true, binding: undefined });
  });

  it('turns a build that does not load into a dialog naming the file and the command that fixes it', () => {
    const file = path.join(dir, 'better_sqlite3.node');
    fs.writeFileSync(file, 'not a shared library');
    const result = loadSqlite(file);
    expect(result).toMatchObject({ ok: false, found: true });
    if (result.ok) return;
    const { title, message } = sqliteLoadProblem(result.error, runtime({ bindingPath: file }));
    expect(title).toBe('OpenClaw cannot open its database');
    expect(message).toContain(`${file} does not load: `);
    expect(message).toContain('run `npm run rebuild:electron`');
    expect(message).toContain('`openclaw gateway run`');
  });
});

describe('sqliteLoadProblem', () => {
  it('says the Electron build is missing when it was never built', () => {
    const rt = runtime({ bindingFound: false });
    const err = new Error(`The module '${OWN_BUILD}'\nwas compiled against NODE_MODULE_VERSION 115.`);
    const { message } = sqliteLoadProblem(err, rt);
    expect(message).toContain(`It has not been built for Electron 45.6.1: ${rt.bindingPath} is missing.`);
    expect(message).toContain('npm run rebuild:electron');
  });

  it("names both module versions when the build is for another runtime's ABI", () => {
    const rt = runtime();
    // As Node words it (seen loading a Node 24 build in Node 20), versions on the later lines.
    const err = new Error(
      `The module '${rt.bindingPath}'\nwas compiled against a different Node.js version using\n` +
        'NODE_MODULE_VERSION 137. This version of Node.js requires\nNODE_MODULE_VERSION 150. Please try re-compiling',
    );
    const { message } = sqliteLoadProblem(err, rt);
    expect(message).toContain('was built for another runtime (module version 137)');
    expect(message).toContain('Electron 45.6.1 needs module version 150');
  });

  it('tells a packaged app to reinstall rather than to run a build command', () => {
    const { message } = sqliteLoadProblem(new Error('boom'), runtime({ packaged: true }));
    expect(message).toContain('reinstall OpenClaw');
    expect(message).not.toContain('npm run');
  });
});
