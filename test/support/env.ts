// A throwaway state dir, config file and port for a test, so no test touches ~/.openclaw or /tmp/openclaw.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestEnv {
  dir: string;
  stateDir: string;
  configPath: string;
  logFile: string;
  port: number;
  env: NodeJS.ProcessEnv;
  writeConfig(text: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Ports handed out per worker: 12 blocks of 1000 from 20000, below Linux's ephemeral range (32768–60999). */
const PORT_BLOCK = 1000;
const PORT_BLOCKS = 12;
/**
 * This process's block: its vitest worker's (VITEST_POOL_ID is unique among the workers running at once) or its
 * Playwright worker's; 0 for anything else, such as a bench.
 */
const portBlock =
  (process.env.VITEST_POOL_ID !== undefined
    ? Number(process.env.VITEST_POOL_ID)
    : process.env.TEST_PARALLEL_INDEX !== undefined
      ? 6 + Number(process.env.TEST_PARALLEL_INDEX)
      : 0) % PORT_BLOCKS;
/** Where in the block this process goes next; a random start, so test files after each other in one worker spread. */
let nextInBlock = Math.floor(Math.random() * PORT_BLOCK);

/**
 * A port for a gateway the test starts later. The port is only checked here, and bound seconds later by the gateway,
 * so it must be one no one else picks in between: a port from listen(0) could go to any outgoing connection in the
 * meantime, and a random pick to another worker's gateway (both happened in CI). So each worker takes ports in turn
 * from a block of its own, outside the kernel's ephemeral range.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORT_BLOCK; tries++) {
    const port = 20_000 + portBlock * PORT_BLOCK + (nextInBlock++ % PORT_BLOCK);
    if (await canListen(port)) return port;
  }
  throw new Error(
    `no free port on 127.0.0.1 in ${20_000 + portBlock * PORT_BLOCK}–${20_000 + (portBlock + 1) * PORT_BLOCK - 1}`,
  );
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `configBody` is the inside of the top-level object; logging always goes to the test's own dir. */
export async function makeTestEnv(configBody = ''): Promise<TestEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'openclaw-t-'));
  const stateDir = join(dir, 'state');
  const configPath = join(dir, 'openclaw.json');
  const logFile = join(dir, 'logs', 'openclaw-YYYY-MM-DD.log');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENCLAW_STATE_DIR: stateDir,
    OPENCLAW_CONFIG_PATH: configPath,
    OPENCLAW_GATEWAY_PORT: String(port),
    OPENCLAW_GATEWAY_TOKEN: '',
  };
  const writeConfig = (text: string) => writeFile(configPath, text, { mode: 0o600 });
  await writeConfig(
    `{\n  // test config\n  logging: { file: ${JSON.stringify(logFile)} },\n${configBody}\n}\n`,
  );
  return {
    dir,
    stateDir,
    configPath,
    logFile,
    port,
    env,
    writeConfig,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Today's file of a test's log (`logFile` names the pattern: one file per local day). */
export function todaysLog(logFile: string): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return logFile.replace('YYYY-MM-DD', `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`);
}

/** Polls until `fn` returns a truthy value or the deadline passes; for state that changes asynchronously. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
