// One timed round of an offline backlog, as the inbound and group benches take it, with the connect → first
// message part and this process's CPU over the same span: through bare Baileys (connect → the n-th counted
// message in messages.upsert), or through a whole gateway (the WhatsApp manager's start, which the bench records by
// wrapping WhatsAppManager.prototype.start, → the n-th hand-off).
import type { WAMessage } from '@whiskeysockets/baileys';
import { connect } from '../../e2e/wa-sim/client';
import { MAX_OFFLINE_QUEUE } from '../../e2e/wa-sim/server/model';
import { startGateway } from '../../src/gateway/gateway';
import { recordStorages, releaseStorages } from '../../src/gateway/whatsapp/socket-storages';

export interface Round {
  /** Wall clock, connect → N-th message. */
  ms: number;
  /** CPU time of this whole process (every thread) over the same span. */
  cpuMs: number;
  /** Wall clock, connect → first message: the connection's own set-up, paid once per round. */
  firstMs: number;
}

/**
 * A backlog size from the environment variable `name`. The simulator keeps at most MAX_OFFLINE_QUEUE stanzas for an
 * offline device and drops the rest, so a larger backlog would leave a round waiting forever for messages that
 * never come: refused up front instead.
 */
export function backlogSize(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_OFFLINE_QUEUE)
    throw new Error(
      `${name} must be a whole number from 1 to ${MAX_OFFLINE_QUEUE} (what the simulator queues for an offline device); got ${JSON.stringify(raw)}`,
    );
  return n;
}

export const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

/** When the round's clock started: set by the bench's wrapper of WhatsAppManager.prototype.start. */
export interface StartProbe {
  start: number;
  cpu: NodeJS.CpuUsage;
}

export async function gatewayBacklogRound(
  env: NodeJS.ProcessEnv,
  n: number,
  probe: StartProbe,
): Promise<Round> {
  let seen = 0;
  let first = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const gw = await startGateway({ env, serveUi: false });
  // startGateway returns once the account is connecting: the backlog arrives after the handshake, so no hand-off
  // can come before this listener.
  gw.onEvent((event) => {
    if (event !== 'inbound.accepted') return;
    if (++seen === 1) first = performance.now();
    if (seen >= n) done();
  });
  await finished;
  const round = {
    ms: performance.now() - probe.start,
    cpuMs: cpuMs(process.cpuUsage(probe.cpu)),
    firstMs: first - probe.start,
  };
  await gw.stop();
  return round;
}

/** Bare Baileys on `auth`: connect → the n-th upserted message that `counts`. */
export async function bareBacklogRound(
  url: string,
  auth: Parameters<typeof connect>[1],
  n: number,
  counts: (m: WAMessage) => unknown,
): Promise<Round> {
  let seen = 0;
  let first = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  // Released after the round, as the gateway releases its sockets' (socket-storages.ts): on Node 20 a bare socket's
  // storage would otherwise tax every later round of either side with an async-hook visit per promise.
  const { value: client, storages } = recordStorages(() => connect(url, auth));
  client.sock.ev.on('messages.upsert', ({ messages }) => {
    seen += messages.filter(counts).length;
    if (seen > 0 && !first) first = performance.now();
    if (seen >= n) done();
  });
  await finished;
  const round = {
    ms: performance.now() - start,
    cpuMs: cpuMs(process.cpuUsage(cpu0)),
    firstMs: first - start,
  };
  client.end();
  releaseStorages(storages);
  return round;
}
