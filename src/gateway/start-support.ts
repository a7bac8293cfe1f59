// What starting the gateway needs besides wiring its parts: the start-up error people read, the port from the
// environment, the loopback listener and its shutdown, the lock holder's description and the built UI's folder.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive, readRuntimeInfo } from './control/runtime-file';

/** A start-up failure with a sentence meant for the person running the gateway. */
export class GatewayStartError extends Error {
  override name = 'GatewayStartError';
}

/** One line naming the gateway that holds the state folder, from its runtime file when it has written one. */
export async function describeLockHolder(stateDir: string): Promise<string> {
  const info = await readRuntimeInfo(stateDir);
  const who =
    info && isProcessAlive(info.pid)
      ? `pid ${info.pid}, port ${info.port}`
      : 'it is still starting or has not said its pid yet';
  return (
    `another gateway is already running on the state folder ${stateDir} (${who}); ` +
    'stop it first (Ctrl-C in its terminal, or quit the desktop app), or set OPENCLAW_STATE_DIR to use another folder'
  );
}

/** Crash tests slow processing down so a kill lands while messages are in flight; loud, and never a default. */
export function faultDelay(
  env: NodeJS.ProcessEnv,
  log: { warn(obj: object, msg: string): void },
): number | undefined {
  const value = Number(env.OPENCLAW_FAULT_INBOUND_DELAY_MS);
  if (!env.OPENCLAW_FAULT_INBOUND_DELAY_MS || !Number.isFinite(value) || value <= 0) return undefined;
  log.warn({ delayMs: value }, 'FAULT INJECTION: every inbound message waits before it is processed');
  return Math.min(value, 10_000);
}

/**
 * OPENCLAW_WA_CONNECT_TIMEOUT_MS: tests that meet a server which never answers shorten the connect timeout
 * (whatsapp/account-socket.ts) instead of waiting out the default. Anything but a whole number of ms from 100 to
 * 120 000 is ignored.
 */
export function connectTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.OPENCLAW_WA_CONNECT_TIMEOUT_MS);
  return Number.isInteger(value) && value >= 100 && value <= 120_000 ? value : undefined;
}

export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new GatewayStartError(
      `OPENCLAW_GATEWAY_PORT must be a port number from 1 to 65535 (got ${JSON.stringify(value)})`,
    );
  }
  return port;
}

export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new GatewayStartError(
              `port ${port} on 127.0.0.1 is already in use — is another gateway running? (\`openclaw status\`), or set gateway.port`,
            )
          : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // Loopback only: the control API is never reachable from another machine.
    server.listen(port, '127.0.0.1');
  });
}

/**
 * Tracks the server's connections from now on and returns how to close it: no new connections, `graceMs` for
 * those still open to end, then each one left is destroyed. Node's close() waits for every connection, and once it
 * is called Node stops timing out half-received requests, so one client that sent half its headers (or an upgrade
 * nobody answers) would hold the gateway's shutdown for good.
 */
export function closerFor(server: Server, graceMs: number): () => Promise<void> {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return () =>
    new Promise<void>((resolve) => {
      const deadline = setTimeout(() => {
        for (const socket of open) socket.destroy();
      }, graceMs);
      server.close(() => {
        clearTimeout(deadline);
        resolve();
      });
    });
}

/**
 * The built renderer: out/renderer, found by walking up from this module, which is src/gateway when run from
 * source and a chunk somewhere under out/main when bundled.
 */
export function findUiDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    for (const candidate of [join(dir, 'renderer'), join(dir, 'out', 'renderer')]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
  }
  return null;
}
