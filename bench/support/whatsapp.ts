// Shared by bench/whatsapp.bench.ts and the child it spawns (bench/whatsapp-rss.ts): linking a bare Baileys client
// and a gateway account against the simulator, where the QR is scanned by whoever owns the simulator (the same
// process, or the parent over IPC).
import type { ConnectionState } from '@whiskeysockets/baileys';
import { connect, memoryAuth, type MemoryAuth, type SimClient } from '../../e2e/wa-sim/client';
import type { Gateway, CallerContext } from '../../src/gateway/gateway';
import type { AccountStatus } from '../../src/shared/contract';

/** Hands a client's QR text to a simulated phone; resolves once the phone has scanned it. */
export type Scan = (qr: string) => Promise<void>;

export const CALLER: CallerContext = { transport: 'ipc', subscriptions: new Set() };

/** libsignal narrates every session it opens through console.info/warn; a benchmark has no use for that. */
export function muteConsole(): () => void {
  const { info, warn } = console;
  console.info = () => undefined;
  console.warn = () => undefined;
  return () => {
    console.info = info;
    console.warn = warn;
  };
}

/** Links a fresh in-memory auth state (QR, scan, 515 restart) and returns it, with no socket left open. */
export async function linkBare(url: string, scan: Scan): Promise<MemoryAuth> {
  const auth = memoryAuth();
  const pairing = connect(url, auth);
  try {
    const { qr } = await pairing.waitFor((u) => !!u.qr, 'a QR', 15_000);
    await scan(qr!);
    await pairing.waitFor((u) => u.connection === 'close', 'the 515 restart after the scan', 15_000);
  } finally {
    pairing.end();
  }
  if (!auth.state.creds.me?.id) throw new Error('the bare client did not link');
  return auth;
}

/** Opens a linked auth state and resolves once Baileys reports both 'open' and the offline marker. */
export async function openBare(url: string, auth: MemoryAuth): Promise<SimClient> {
  const client = connect(url, auth);
  await client.waitFor((u: Partial<ConnectionState>) => u.connection === 'open', "connection 'open'", 15_000);
  await client.waitFor((u) => u.receivedPendingNotifications === true, 'the offline marker', 15_000);
  return client;
}

async function call<T>(gw: Gateway, method: string, params?: unknown): Promise<T> {
  const res = await gw.call(method, params, CALLER);
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  return res.value as T;
}

/** Links one gateway account the way the UI and `openclaw channels login` do: login.start → scan → login.wait. */
export async function linkGatewayAccount(gw: Gateway, accountId: string, scan: Scan): Promise<AccountStatus> {
  const started = await call<{ qr: { qr: string } | null }>(gw, 'channels.login.start', { accountId });
  if (!started.qr) throw new Error(`account ${accountId} showed no QR`);
  await scan(started.qr.qr);
  const status = await call<AccountStatus>(gw, 'channels.login.wait', { accountId, timeoutMs: 15_000 });
  if (status.state !== 'open') throw new Error(`account ${accountId} did not open: ${status.sentence}`);
  return status;
}

export async function accountStates(gw: Gateway): Promise<Map<string, AccountStatus['state']>> {
  const { accounts } = await call<{ accounts: AccountStatus[] }>(gw, 'channels.status');
  return new Map(accounts.map((a) => [a.accountId, a.state]));
}
