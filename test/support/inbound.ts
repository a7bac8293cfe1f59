// A real gateway (in this process) whose default account is linked to a simulated phone, with everything it hands
// on to the agent stage and every pairing event recorded, for tests of the inbound path.
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import type { AccountStatus, AcceptedMessage, PairingRequest } from '../../src/shared/contract';
import { startGateway, type Gateway } from '../../src/gateway/gateway';
import { tokenFilePath } from '../../src/gateway/control/token';
import type { Phone, Sim } from '../../e2e/wa-sim/index';
import { Recorder } from '../../e2e/wa-sim/server/model';
import { makeTestEnv, waitFor, type TestEnv } from './env';
import { openRaw, type RawClient } from './ws-client';

export interface InboundGateway {
  t: TestEnv;
  gw: Gateway;
  client: RawClient;
  phone: Phone;
  accepted: AcceptedMessage[];
  requested: PairingRequest[];
  call<T>(method: string, params?: unknown): Promise<T>;
  /** The first hand-off (past or future) that matches. */
  nextAccepted(match: (m: AcceptedMessage) => boolean, timeoutMs?: number): Promise<AcceptedMessage>;
  nextRequest(match: (r: PairingRequest) => boolean, timeoutMs?: number): Promise<PairingRequest>;
  /** Sets a config key through the control API and waits until the gateway runs on it. */
  set(path: string, value: unknown): Promise<void>;
  restart(): Promise<void>;
  /** Stops the gateway (same state dir kept) and waits until the simulator sees the companion offline, so
   * whatever is sent now is queued for its next login; `up()` starts it again and waits until it is open. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startInboundGateway(
  sim: Sim,
  opts: { number: string; config?: string; name?: string },
): Promise<InboundGateway> {
  const t = await makeTestEnv(opts.config ?? '');
  const accepted = new Recorder<AcceptedMessage>();
  const requested = new Recorder<PairingRequest>();
  let gw!: Gateway;
  let client!: RawClient;
  const open = async () => {
    gw = await startGateway({ env: { ...t.env, OPENCLAW_WA_SIMULATOR: sim.url }, serveUi: false });
    gw.onEvent((event, payload) => {
      if (event === 'inbound.accepted') accepted.push(payload as AcceptedMessage);
      if (event === 'pairing.requested') requested.push(payload as PairingRequest);
    });
    client = await openRaw(t.port);
    const token = (await readFile(tokenFilePath(t.stateDir), 'utf8')).trim();
    await client.request('connect', { token });
    await client.request('events.subscribe', { events: ['channels.state', 'config.changed'] });
  };
  const call = async <T>(method: string, params?: unknown): Promise<T> => {
    const res = await client.request(method, params);
    if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
    return res.value as T;
  };
  const waitOpen = async () => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { accounts } = await call<{ accounts: AccountStatus[] }>('channels.status');
      if (accounts[0]?.state === 'open') return;
      if (Date.now() > deadline) throw new Error(`account not open: ${JSON.stringify(accounts[0])}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  await open();
  const phone = sim.phone(opts.number, { name: opts.name ?? 'Owner' });
  const started = await call<{ qr: { qr: string } | null }>('channels.login.start', {});
  await phone.scan(started.qr!.qr);
  const status = await call<AccountStatus>('channels.login.wait', { timeoutMs: 15_000 });
  expect(status.state).toBe('open');

  let isDown = false;
  const stop = async () => {
    if (isDown) return;
    isDown = true;
    client.close();
    await gw.stop();
  };
  const down = async () => {
    await stop();
    await waitFor(
      () => [...phone.account.companions.values()].every((c) => !c.conn || c.conn.closed),
      'the simulator to see the companion offline',
    );
  };
  const up = async () => {
    isDown = false;
    await open();
    await waitOpen();
  };
  return {
    t,
    get gw() {
      return gw;
    },
    get client() {
      return client;
    },
    phone,
    accepted: accepted.items,
    requested: requested.items,
    call,
    nextAccepted: (match, timeoutMs = 10_000) => accepted.next(match, 'an accepted message', timeoutMs),
    nextRequest: (match, timeoutMs = 10_000) => requested.next(match, 'a pairing request', timeoutMs),
    async set(path, value) {
      await call('config.set', { path, value });
    },
    async restart() {
      await stop();
      await up();
    },
    down,
    up,
    async stop() {
      await stop();
      await t.cleanup();
    },
  };
}
