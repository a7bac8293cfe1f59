// `openclaw gateway start|stop|restart|status`: the headless gateway as a background process of its own. Start
// runs this same CLI's `gateway run` detached (its own process group, output appended to a log file under the
// state folder) and returns once the control API answers; stop finds it through the runtime file
// (`<state>/gateway.json`), makes sure that pid is our gateway, asks it to stop with SIGTERM (the clean shutdown
// `gateway run` does on Ctrl-C) and kills it only when it does not go in time.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  isProcessAlive,
  readRuntimeInfo,
  removeRuntimeInfo,
  type RuntimeInfo,
} from '../../gateway/control/runtime-file';
import { withGateway } from '../client';
import { CliError } from '../errors';
import { locateGateway, type GatewayLocation } from '../locate';
import { status } from './status';
import { parsePortFlag } from './gateway-run';
import { commandLine, isRunning, portAnswers, waitFor } from './gateway-process';

/** Past this size the previous log is kept as `.1` and a new one begun, so the file cannot grow without end. */
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;
const KILL_WAIT_MS = 5_000;

export function backgroundLogPath(stateDir: string): string {
  return join(stateDir, 'logs', 'gateway.out.log');
}

export async function gatewayStart(opts: { port?: string; timeout?: string }): Promise<number> {
  const port = opts.port === undefined ? undefined : parsePortFlag(opts.port);
  const timeoutMs = seconds(opts.timeout, 60, '--timeout');
  const where = await locateGateway();
  const running = await runningGateway(where.stateDir);
  if (running) {
    console.error(
      `A gateway is already running (pid ${running.pid}, port ${running.port}); \`openclaw gateway stop\` stops it.`,
    );
    return 1;
  }
  const logPath = backgroundLogPath(where.stateDir);
  mkdirSync(dirname(logPath), { recursive: true, mode: 0o700 });
  rotate(logPath);
  const fd = openSync(logPath, 'a', 0o600);
  // The same program that runs this command (bin/openclaw.js, or src/cli/index.ts under tsx) runs the gateway,
  // with the same Node flags, so a started gateway is the very code `gateway run` would be.
  const script = process.argv[1];
  if (!script) throw new CliError('cannot tell which program to start: process.argv[1] is empty');
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, 'gateway', 'run', ...(port === undefined ? [] : ['--port', String(port)])],
    { detached: true, stdio: ['ignore', fd, fd], env: process.env, cwd: process.cwd() },
  );
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code, signal) => (exited = code ?? (signal ? 128 : null)));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new CliError(`could not start ${process.execPath} (see ${logPath})`);

  let info: RuntimeInfo | null = null;
  const ready = await waitFor(async () => {
    if (exited !== undefined) return true;
    info = await readRuntimeInfo(where.stateDir);
    return info?.pid === pid && (await portAnswers(info.port));
  }, timeoutMs);
  if (exited !== undefined || !ready || !info) {
    console.error(
      exited !== undefined
        ? `The gateway exited at start (code ${exited}). Its output (${logPath}):`
        : `The gateway (pid ${pid}) did not answer within ${timeoutMs / 1000} s; it may still be starting. Its output (${logPath}):`,
    );
    console.error(tail(logPath, 20));
    return 1;
  }
  const started = info as RuntimeInfo;
  console.log(`Gateway started in the background (pid ${pid}, listening on 127.0.0.1:${started.port}).`);
  console.log(`Log: ${logPath}`);
  console.log(
    '`openclaw gateway status` shows it, `openclaw gateway stop` stops it, `openclaw dashboard` opens the UI.',
  );
  return 0;
}

export async function gatewayStop(opts: { timeout?: string }): Promise<number> {
  const timeoutMs = seconds(opts.timeout, 20, '--timeout');
  const where = await locateGateway();
  const info = await readRuntimeInfo(where.stateDir);
  if (!info || !isRunning(info.pid)) {
    if (info) await removeRuntimeInfo(where.stateDir, info.pid);
    console.log(`No gateway is running on the state folder ${where.stateDir}; nothing to stop.`);
    return 0;
  }
  const why = await notOurs(where, info);
  if (why) {
    console.error(`Not stopping pid ${info.pid} (named in ${join(where.stateDir, 'gateway.json')}): ${why}.`);
    return 1;
  }
  process.kill(info.pid, 'SIGTERM');
  let killed = false;
  if (!(await waitFor(() => !isRunning(info.pid), timeoutMs))) {
    killed = true;
    killGroup(info.pid);
    await waitFor(() => !isRunning(info.pid), KILL_WAIT_MS);
  }
  if (isRunning(info.pid)) {
    console.error(`The gateway (pid ${info.pid}) is still running after SIGKILL.`);
    return 1;
  }
  await removeRuntimeInfo(where.stateDir, info.pid);
  // The socket closes with the process; a moment later the port must be free for the next start.
  const freed = await waitFor(async () => !(await portAnswers(info.port)), KILL_WAIT_MS);
  console.log(
    killed
      ? `The gateway (pid ${info.pid}) did not stop within ${timeoutMs / 1000} s and was killed (SIGKILL).`
      : `Gateway stopped (pid ${info.pid}).`,
  );
  if (!freed) console.log(`Something else still answers on 127.0.0.1:${info.port}.`);
  return 0;
}

export async function gatewayRestart(opts: { port?: string; timeout?: string }): Promise<number> {
  const stopped = await gatewayStop({});
  if (stopped !== 0) return stopped;
  return gatewayStart(opts);
}

export async function gatewayStatus(): Promise<number> {
  const code = await status({});
  const where = await locateGateway();
  const info = await readRuntimeInfo(where.stateDir);
  if (info && isRunning(info.pid) && code !== 0 && !(await portAnswers(info.port))) {
    console.log(`Process: pid ${info.pid} (from gateway.json) is alive but does not answer on ${info.port}.`);
  }
  const logPath = backgroundLogPath(where.stateDir);
  console.log(
    existsSync(logPath)
      ? `Background log: ${logPath}`
      : 'Background log: none yet (written by `openclaw gateway start`)',
  );
  return code;
}

/** The runtime file's gateway when its pid is running (a stale file from a crash is not one). */
async function runningGateway(stateDir: string): Promise<RuntimeInfo | null> {
  const info = await readRuntimeInfo(stateDir);
  return info && isRunning(info.pid) ? info : null;
}

/**
 * Why the pid in gateway.json is not to be signalled, or null when it is our gateway: it answers on its port with
 * this folder's token and says that pid, or (hung, not answering) its command line is a `gateway run`.
 */
async function notOurs(where: GatewayLocation, info: RuntimeInfo): Promise<string | null> {
  try {
    // A bounded plain request first: a hung or stopped process accepts the connection but never answers, and
    // the control socket has no opening deadline of its own.
    const res = await fetch(`http://127.0.0.1:${info.port}/healthz`, { signal: AbortSignal.timeout(3_000) });
    if (!res.ok) throw new Error(`healthz: HTTP ${res.status}`);
    const health = await withGateway({ ...where, port: info.port }, (c) => c.call('health'));
    if (health.pid === info.pid) return null;
    return `the gateway on port ${info.port} says its pid is ${health.pid}`;
  } catch {
    const cmd = commandLine(info.pid);
    if (cmd === null || /\bgateway run\b/.test(cmd)) return null;
    return `it does not answer as the gateway and its command line is "${cmd.slice(0, 120)}"`;
  }
}

/** A started gateway leads its own process group: SIGKILL the group, so nothing it spawned is left behind. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

function rotate(logPath: string): void {
  try {
    if (statSync(logPath).size > LOG_ROTATE_BYTES) renameSync(logPath, `${logPath}.1`);
  } catch {
    // No log yet.
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

function seconds(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback * 1000;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 3600) {
    throw new CliError(`${flag} must be a number of seconds from 1 to 3600 (got ${JSON.stringify(value)})`);
  }
  return n * 1000;
}
