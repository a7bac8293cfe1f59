// Starts the built headless gateway (`node bin/openclaw.js gateway run`) for a UI spec and hands back its
// one-time sign-in link. Extra environment (say OPENCLAW_WA_SIMULATOR) goes to the gateway and stays in `t.env`,
// so CLI commands run with `t.env` reach the same gateway under the same settings.
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

export async function startUiGateway(
  configBody = '',
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<UiGateway> {
  const t = await makeTestEnv(configBody);
  Object.assign(t.env, opts.env);
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
