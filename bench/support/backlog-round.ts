// One timed round of an offline backlog through a whole gateway, as the inbound and group benches take it: from
// the WhatsApp manager's start (the bench records it by wrapping WhatsAppManager.prototype.start) to the n-th
// hand-off, with the connect → first hand-off part and this process's CPU over the same span.
import { startGateway } from '../../src/gateway/gateway';

export interface Round {
  /** Wall clock, connect → N-th message. */
  ms: number;
  /** CPU time of this whole process (every thread) over the same span. */
  cpuMs: number;
  /** Wall clock, connect → first message: the connection's own set-up, paid once per round. */
  firstMs: number;
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
