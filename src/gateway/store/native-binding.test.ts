// The desktop app names a better-sqlite3 build for Electron's ABI; every connection the gateway opens must load
// that build, not the one in node_modules: the store, the checkpoint worker and the state lock. A path that does
// not exist proves which build each one tried to load; a real copy elsewhere proves the option works end to end.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockStateDir } from '../fs/state-lock';
import { startCheckpointer } from './checkpointer';
import { openStore } from './db';
import { setSqliteNativeBinding } from './native-binding';

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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-binding-'));
});
afterEach(() => {
  setSqliteNativeBinding(undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the native binding the desktop app sets', () => {
  it('is what the store, the state lock and the checkpoint worker load', async () => {
    const missing = path.join(dir, 'electron', 'better_sqlite3.node');
    setSqliteNativeBinding(missing);
    expect(() => openStore(path.join(dir, 'state.db'))).toThrow(missing);
    expect(() => lockStateDir(path.join(dir, 'state'))).toThrow(missing);
    const problem = await new Promise<string>((resolve) => {
      const checkpointer = startCheckpointer(path.join(dir, 'state.db'), (reason) => {
        resolve(reason);
        void checkpointer.stop();
      });
    });
    expect(problem).toContain(missing);
  });

  it('opens a working store from a build outside node_modules', async () => {
    const copy = path.join(dir, 'native', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(OWN_BUILD, copy);
    setSqliteNativeBinding(copy);
    const problems: string[] = [];
    const store = openStore(path.join(dir, 'state.db'), {
      checkpointWorkerDelayMs: 0,
      onCheckpointProblem: (reason) => problems.push(reason),
    });
    store.db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    expect(store.db.prepare('SELECT x FROM t').pluck().get()).toBe(1);
    await store.close();
    expect(problems).toEqual([]);
  });
});
