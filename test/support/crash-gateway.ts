// A real gateway process that a crash test SIGKILLs and starts again on the same state folder: a control client
// signed in with the state folder's token, the account's open state, and read-only queries of its state.db.
import Database from 'better-sqlite3';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tokenFilePath } from '../../src/gateway/control/token';
import type { AccountStatus } from '../../src/shared/contract';
import { spawnGateway, type GatewayProcess } from './cli';
import { waitFor, type TestEnv } from './env';
import { openRaw, type RawClient } from './ws-client';

export class CrashableGateway {
  private proc: GatewayProcess | null = null;
  private client: RawClient | null = null;

  constructor(
    private readonly t: TestEnv,
    private readonly env: () => NodeJS.ProcessEnv,
  ) {}

  async start(): Promise<void> {
    this.proc = await spawnGateway(this.env());
    this.client = await openRaw(this.t.port);
    const token = (await readFile(tokenFilePath(this.t.stateDir), 'utf8')).trim();
    await this.client.request('connect', { token });
  }

  /** A control call's value; throws with the error when the gateway refused it. */
  async call<T>(method: string, params?: unknown): Promise<T> {
    const res = await this.client!.request(method, params);
    if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
    return res.value as T;
  }

  async waitOpen(): Promise<void> {
    await waitFor(
      async () =>
        (await this.call<{ accounts: AccountStatus[] }>('channels.status')).accounts[0]?.state === 'open',
      'the account to be open',
      20_000,
    );
  }

  /** SIGKILL: no shutdown code of the gateway runs. */
  async kill(): Promise<void> {
    const child = this.proc!.child;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.proc = null;
    this.client?.close();
    this.client = null;
  }

  async stop(): Promise<void> {
    this.client?.close();
    if (this.proc) await this.proc.interrupt();
  }

  query<T>(sql: string): T[] {
    const db = new Database(join(this.t.stateDir, 'state.db'), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
}
