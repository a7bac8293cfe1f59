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

/**
 * A port for a gateway the test starts later. Taken below Linux's ephemeral range (32768–60999): a port the kernel
 * hands out could go to any outgoing connection of a parallel test in the moment between this check and the
 * gateway's own bind, and the gateway would not start.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port on 127.0.0.1 between 20000 and 31999 after 50 tries');
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
