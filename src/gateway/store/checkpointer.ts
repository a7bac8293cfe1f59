// Moves WAL checkpoints off the gateway's thread. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold and fsyncs the database file there: on the thread that handles messages, every few hundred
// messages, that is a stall of several milliseconds (it set the inbound p99). A passive checkpoint from a second
// connection in a worker thread does the same work without blocking readers or writers; the main connection then
// only appends to the WAL, which restarts from the beginning once a checkpoint has caught up.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sqliteNativeBinding } from './native-binding';

/** The worker's code, evaluated as a CommonJS script so it needs no file of its own in the bundle. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true, nativeBinding: workerData.nativeBinding });
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage(String((err && err.message) || err));
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export const CHECKPOINT_INTERVAL_MS = 2000;

export interface Checkpointer {
  /** Stops the worker and closes its connection; resolves when the thread has ended. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `file` from a worker thread. `onFailure` is called once if the worker cannot run (then the
 * caller should turn SQLite's own automatic checkpoint back on) or reports an error.
 */
export function startCheckpointer(
  file: string,
  onFailure: (reason: string) => void,
  intervalMs = CHECKPOINT_INTERVAL_MS,
): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, module, intervalMs, nativeBinding: sqliteNativeBinding() },
  });
  let failed = false;
  const fail = (reason: string) => {
    if (failed) return;
    failed = true;
    onFailure(reason);
  };
  worker.on('error', (err) => fail(err.message));
  worker.on('message', (msg) => fail(String(msg)));
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // The gateway's own timers keep the process alive; this thread must not.
  worker.unref();
  return {
    async stop() {
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await ended;
      clearTimeout(timer);
    },
  };
}
