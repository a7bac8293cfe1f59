// A control-API client for the CLI over the loopback WebSocket. It never touches Baileys: everything WhatsApp
// goes through the running gateway.
import WebSocket from 'ws';
import type { EventPayload, Events, MethodRequest, MethodResponse, Methods } from '../shared/contract';
import type { ServerFrame } from '../shared/protocol';
import type { ApiError } from '../shared/result';
import { isProcessAlive, readRuntimeInfo } from '../gateway/control/runtime-file';
import { VERSION } from '../gateway/version';
import { withDemoHint } from './demo-hint';
import { CliError, GatewayNotRunningError } from './errors';
import type { GatewayLocation } from './locate';

const CALL_TIMEOUT_MS = 15_000;
/**
 * Opening the socket and the gateway's answer to `connect` together: a live gateway does both in milliseconds,
 * while a stopped (SIGSTOP) or wedged one still has its port accepting connections in the kernel and would keep
 * every command waiting forever. Later calls keep their own limits (a model run rightly takes longer).
 */
export const OPEN_TIMEOUT_MS = 5_000;

/** A method call that the gateway answered with `{ ok: false }`. */
export class RemoteError extends CliError {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'RemoteError';
  }
}

/** Something holds the gateway's port and accepts connections, but nothing answers on them. */
export class GatewayNotAnsweringError extends CliError {
  constructor(
    readonly port: number,
    readonly pid: number | null,
  ) {
    const who = pid === null ? '' : ` (pid ${pid})`;
    const resume = pid === null ? '' : `resume it with \`kill -CONT ${pid}\` if it was paused, or `;
    super(
      `The gateway at 127.0.0.1:${port}${who} is not answering; it accepted the connection but said nothing ` +
        `within ${OPEN_TIMEOUT_MS / 1000} s. It may be paused or stuck: ${resume}stop it with \`openclaw gateway stop\`.`,
    );
    this.name = 'GatewayNotAnsweringError';
  }
}

export interface ControlClient {
  /** `timeoutMs` for calls that may rightly take long (a model run); 15 s otherwise. */
  call<M extends keyof Methods>(
    method: M,
    params?: MethodRequest<M>,
    opts?: { timeoutMs?: number },
  ): Promise<MethodResponse<M>>;
  on<E extends keyof Events>(event: E, listener: (payload: EventPayload<E>) => void): Promise<void>;
  onClose(listener: () => void): void;
  close(): void;
}

export async function connectControl(where: GatewayLocation): Promise<ControlClient> {
  try {
    return await openControl(where);
  } catch (err) {
    throw await withDemoHint(err, where.stateDir);
  }
}

async function openControl(where: GatewayLocation): Promise<ControlClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${where.port}/ws`);
  // Ending the socket fails the handshake at whatever step it waits on; the flag says why it failed.
  let silent = false;
  const timer = setTimeout(() => {
    silent = true;
    socket.terminate();
  }, OPEN_TIMEOUT_MS);
  try {
    return await handshake(socket, where);
  } catch (err) {
    if (silent) throw new GatewayNotAnsweringError(where.port, await gatewayPid(where));
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The pid the runtime file names for this port, when it names one that is alive. */
async function gatewayPid(where: GatewayLocation): Promise<number | null> {
  const info = await readRuntimeInfo(where.stateDir);
  return info && info.port === where.port && isProcessAlive(info.pid) ? info.pid : null;
}

async function handshake(socket: WebSocket, where: GatewayLocation): Promise<ControlClient> {
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => {
      reject(
        new CliError(
          `Something other than an OpenClaw gateway answers on 127.0.0.1:${where.port} (HTTP ${res.statusCode}).`,
        ),
      );
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ECONNREFUSED'
          ? new GatewayNotRunningError(where.port)
          : new CliError(`Cannot reach the gateway on 127.0.0.1:${where.port}: ${err.message}`),
      );
    });
  });

  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const closeListeners: Array<() => void> = [];

  socket.on('message', (data) => {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data.toString()) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'event') {
      for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload as never);
      return;
    }
    const entry = typeof frame.id === 'number' ? pending.get(frame.id) : undefined;
    if (!entry) return;
    pending.delete(frame.id as number);
    clearTimeout(entry.timer);
    if (frame.ok) entry.resolve(frame.value);
    else entry.reject(new RemoteError(frame.error));
  });
  socket.on('close', () => {
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(new CliError('The gateway closed the connection.'));
    }
    pending.clear();
    for (const listener of closeListeners) listener();
  });
  socket.on('error', () => undefined);

  const send = (method: string, params: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new CliError(`The gateway did not answer ${method} within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ type: 'req', id, method, params }));
    });

  try {
    if (!where.token) {
      throw new CliError(
        `A gateway answers on 127.0.0.1:${where.port}, but no token was found: set OPENCLAW_GATEWAY_TOKEN or gateway.auth.token to the gateway's token.`,
      );
    }
    await send('connect', { token: where.token, client: { name: 'openclaw-cli', version: VERSION } });
  } catch (err) {
    socket.close();
    if (err instanceof RemoteError && err.error.code.startsWith('auth.')) {
      throw new CliError(
        `The gateway on 127.0.0.1:${where.port} refused this CLI's token (${err.error.message}).`,
      );
    }
    throw err;
  }

  return {
    call: (method, params, opts) => send(method, params, opts?.timeoutMs) as never,
    async on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        await send('events.subscribe', { events: [event] });
      }
      set.add(listener as (payload: never) => void);
    },
    onClose: (listener) => void closeListeners.push(listener),
    close: () => socket.close(),
  };
}

/** Connects, runs `fn`, and always closes the socket. */
export async function withGateway<T>(
  where: GatewayLocation,
  fn: (client: ControlClient) => Promise<T>,
): Promise<T> {
  const client = await connectControl(where);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
