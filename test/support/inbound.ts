// A real gateway (in this process) whose default account is linked to a simulated phone, with everything it hands
// on to the agent stage and every pairing event recorded, for tests of the inbound path.
import Database from 'better-sqlite3';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import type { AccountStatus, AcceptedMessage, PairingRequest } from '../../src/shared/contract';
import { startGateway, type Gateway } from '../../src/gateway/gateway';
import { tokenFilePath } from '../../src/gateway/control/token';
import { startSim, type Contact, type Phone, type Sim } from '../../e2e/wa-sim/index';
import { Recorder } from '../../e2e/wa-sim/server/model';
import { makeTestEnv, todaysLog, waitFor, type TestEnv } from './env';
import { openRaw, type RawClient } from './ws-client';

export interface InboxRow {
  state: string;
  reason: string | null;
  raw: string;
}

export interface InboundGateway {
  t: TestEnv;
  gw: Gateway;
  client: RawClient;
  phone: Phone;
  accepted: AcceptedMessage[];
  requested: PairingRequest[];
  call<T>(method: string, params?: unknown): Promise<T>;
  /** Reads state.db the way any other reader would (read-only, beside the running gateway). */
  query<T>(sql: string, ...params: unknown[]): T[];
  /** The inbox row of a message once processing has settled it (left `pending`). */
  settled(id: string): Promise<InboxRow>;
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
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(join(t.stateDir, 'state.db'), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
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
    query,
    settled: (id) =>
      waitFor(() => {
        const [row] = query<InboxRow>('SELECT state, reason, raw FROM inbox WHERE message_id = ?', id);
        return row && row.state !== 'pending' ? row : null;
      }, `inbox row ${id} to settle`),
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

export interface InboundSuite {
  /** The file's simulator (set once its beforeAll has run). */
  readonly sim: Sim;
  /** A linked gateway on its own number, stopped after the test. */
  gateway(number: string, config?: string): Promise<InboundGateway>;
}

/**
 * The hooks every inbound test file shares: one simulator for the file, console noise muted (libsignal narrates
 * every session it opens, and every Bad MAC), and each test's gateways stopped after it.
 */
export function inboundSuite(seed: string): InboundSuite {
  let sim: Sim | undefined;
  const running: InboundGateway[] = [];
  beforeAll(async () => {
    for (const level of ['info', 'warn', 'error'] as const)
      vi.spyOn(console, level).mockImplementation(() => undefined);
    sim = await startSim({ seed });
  });
  afterEach(async () => {
    for (const g of running.splice(0)) await g.stop();
  });
  afterAll(() => sim?.close());
  return {
    get sim() {
      if (!sim) throw new Error('the simulator starts in beforeAll');
      return sim;
    },
    async gateway(number, config = '') {
      const g = await startInboundGateway(this.sim, { number, config });
      running.push(g);
      return g;
    },
  };
}

export { textOf } from '../../e2e/wa-sim/index';

/** The read receipts (blue ticks) a contact got for message `id`. */
export const readsOf = (c: Contact, id: string) =>
  c.user.receipts.items.filter((r) => r.type === 'read' && r.ids.includes(id));

/**
 * The debug log's "echo of a message we sent" lines for `ids`: each a message the gateway sent that came back to
 * its own inbound path. Call with logging at debug. `contact` (one the gateway takes messages from) first sends a
 * message and a duplicate of it, which the same code logs as ignored: the lines are read after everything the
 * sends set off, and the log is shown to hold what it would have said.
 */
export async function ownEchoes(
  g: InboundGateway,
  contact: Contact,
  ids: readonly string[],
): Promise<string[]> {
  const id = await contact.send(g.phone, 'after the sends');
  await g.settled(id);
  await contact.send(g.phone, 'after the sends', { id });
  await g.settled(await contact.send(g.phone, 'and after the duplicate'));
  const log = await readFile(todaysLog(g.t.logFile), 'utf8');
  expect(log).toContain('ignored: duplicate of a message already received');
  return log
    .split('\n')
    .filter((l) => l.includes('echo of a message we sent') && ids.some((sent) => l.includes(sent)));
}
