// Starts the built headless gateway (`node bin/openclaw.js gateway run`) for a UI spec and hands back its
// one-time sign-in link.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeTestEnv, type TestEnv } from '../test/support/env';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface UiGateway {
  t: TestEnv;
  link: string;
  output(): string;
  stop(): Promise<number | null>;
}

export async function startUiGateway(configBody = ''): Promise<UiGateway> {
  const t = await makeTestEnv(configBody);
  const child: ChildProcess = spawn(process.execPath, ['bin/openclaw.js', 'gateway', 'run'], {
    cwd: ROOT,
    env: t.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const link = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Open the UI: (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`gateway exited (${code}):\n${out}`)));
  });
  return {
    t,
    link,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      const code = await exited;
      await t.cleanup();
      return code;
    },
  };
}
