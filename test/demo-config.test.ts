// `npm run demo` answers with the simulated model: the config it writes (scripts/demo-config.mjs, the very function
// scripts/demo.mjs calls) names e2e/model-sim's process as the default agent's model, so a real gateway started on
// that config answers through it. Real processes: the model simulator's CLI as the demo starts it, the gateway, the CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MARK, DEMO_MODEL, demoConfig, modelSimBaseUrl } from '../scripts/demo-config.mjs';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The model simulator's CLI, as scripts/demo.mjs starts it; resolves with it and the base URL from its banner. */
function startModelSimCli(): Promise<{
  child: ChildProcess;
  baseUrl: string;
  exited: Promise<number | null>;
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'e2e/model-sim/cli.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the model simulator printed no base URL within 20 s:\n${said}`));
    }, 20_000);
    void exited.then((code) => reject(new Error(`the model simulator exited (${code}):\n${said}`)));
    child.stderr!.on('data', (c: Buffer) => (said += c.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      said += `${line}\n`;
      const baseUrl = modelSimBaseUrl(line);
      if (!baseUrl) return;
      clearTimeout(timer);
      resolve({ child, baseUrl, exited });
    });
  });
}

describe('the demo config', () => {
  let t: TestEnv;
  let gw: GatewayProcess | undefined;
  let model: Awaited<ReturnType<typeof startModelSimCli>> | undefined;
  let text: string;

  beforeAll(async () => {
    model = await startModelSimCli();
    t = await makeTestEnv();
    text = demoConfig({ logFile: t.logFile, modelBaseUrl: model.baseUrl });
    await t.writeConfig(text);
    gw = await spawnGateway(t.env);
  }, 60_000);

  afterAll(async () => {
    // As the demo stops them: the gateway, then the simulator; each exits cleanly on Ctrl-C.
    if (gw?.child.exitCode === null) expect(await gw.interrupt()).toBe(0);
    if (model?.child.exitCode === null) {
      model.child.kill('SIGINT');
      expect(await model.exited).toBe(0);
    }
    await t?.cleanup();
  });

  it('is marked as the demo’s and names the simulated model at the simulator’s URL', () => {
    expect(text.startsWith(DEMO_MARK)).toBe(true);
    expect(DEMO_MODEL).toBe('demo/demo-model');
    expect(text).toContain(`model: "${DEMO_MODEL}"`);
    expect(text).toContain(`"baseUrl":"${model!.baseUrl}"`);
    expect(model!.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('makes a gateway answer with the simulated model, and say that it is simulated', async () => {
    const ask = await runCli(['agent', '--message', 'hello demo'], t.env, 60_000);
    expect(ask.code).toBe(0);
    expect(ask.stdout).toMatch(/^\(simulated model\) You said: [\s\S]*hello demo/);
    const status = await runCli(['status'], t.env);
    expect(status.stdout).toContain(`Agent: Answering with ${DEMO_MODEL} (simulated)`);
    const list = await runCli(['models', 'list'], t.env);
    expect(list.stdout).toMatch(/demo\/demo-model\s+openai-completions\s+none/);
  }, 90_000);
});
