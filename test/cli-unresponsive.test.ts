// The CLI against a gateway that accepts connections but never answers: a real `openclaw gateway run` process,
// SIGSTOPped, so the kernel still completes TCP handshakes on its port while nothing reads them. Every command
// used to wait forever; now each ends with one line naming the gateway and a non-zero exit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuntimeInfo } from '../src/gateway/control/runtime-file';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';

let t: TestEnv;
let gw: GatewayProcess;
let pid: number;

beforeAll(async () => {
  t = await makeTestEnv();
  gw = await spawnGateway(t.env);
  pid = gw.child.pid!;
  // The pid the CLI names is the runtime file's: the gateway process itself (tsx runs in it, no wrapper).
  expect((await readRuntimeInfo(t.stateDir))?.pid).toBe(pid);
  process.kill(pid, 'SIGSTOP');
}, 60_000);

afterAll(async () => {
  if (gw?.child.exitCode === null) {
    process.kill(gw.child.pid!, 'SIGCONT');
    await gw.interrupt();
  }
  await t?.cleanup();
});

// Concurrent: each command waits out the CLI's 5 s open timeout, and nothing they do depends on the others.
describe.concurrent('a gateway that accepts connections but never answers', () => {
  const notAnswering = () =>
    new RegExp(
      `^The gateway at 127\\.0\\.0\\.1:${t.port} \\(pid ${pid}\\) is not answering; .*kill -CONT ${pid}.*openclaw gateway stop`,
    );

  it('openclaw status ends with one line saying so and exit code 1', async () => {
    // runCli's own limit is the "did not hang" check: before, status never ended.
    const res = await runCli(['status'], t.env, 30_000);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(notAnswering());
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stdout).toBe('');
  }, 40_000);

  it('status --json says running but not answering', async () => {
    const res = await runCli(['status', '--json'], t.env, 30_000);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({
      running: true,
      answering: false,
      port: t.port,
      pid,
      error: expect.stringMatching(notAnswering()),
    });
  }, 40_000);

  it('other commands end the same way', async () => {
    const res = await runCli(['channels', 'status'], t.env, 30_000);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(notAnswering());
  }, 40_000);
});
