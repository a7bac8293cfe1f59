// Child process of bench/whatsapp.bench.ts: links K WhatsApp accounts against the parent's simulator, either as K
// bare Baileys sockets or as K accounts of one in-process gateway, and reports this process's memory after a forced
// GC once the first account is open and again once all K are. The simulator stays in the parent, so only the client
// side is counted here. QR codes go to the parent over IPC, which scans each with a fresh simulated phone.
//
// The parent runs it bundled (bench/support/bundle-child.ts):
//   node --expose-gc whatsapp-rss.mjs --mode bare|gateway --accounts K --sim ws://127.0.0.1:P/ws/chat
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { trustSimulator, type SimClient } from '../e2e/wa-sim/client';
import { startGateway, type Gateway } from '../src/gateway/gateway';
import { makeTestEnv, type TestEnv } from '../test/support/env';
import {
  accountStates,
  linkBare,
  linkGatewayAccount,
  muteConsole,
  openBare,
  type Scan,
} from './support/whatsapp';

export type ToParent =
  { type: 'scan'; id: number; qr: string } | { type: 'memory'; accounts: number; memory: NodeJS.MemoryUsage };
export type ToChild = { type: 'scanned'; id: number; error?: string };

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    accounts: { type: 'string' },
    sim: { type: 'string' },
  },
});
const mode = values.mode;
const count = Number(values.accounts);
const simUrl = values.sim ?? '';
if ((mode !== 'bare' && mode !== 'gateway') || !Number.isInteger(count) || count < 1 || !simUrl) {
  throw new Error('usage: whatsapp-rss --mode bare|gateway --accounts K --sim <ws url>');
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('run me from bench/whatsapp.bench.ts (needs --expose-gc and IPC)');

const send = (msg: ToParent) => process.send!(msg);
const pending = new Map<number, { resolve(): void; reject(err: Error): void }>();
let nextId = 0;
process.on('message', (msg: ToChild) => {
  const waiter = pending.get(msg.id);
  if (!waiter) return;
  pending.delete(msg.id);
  if (msg.error) waiter.reject(new Error(msg.error));
  else waiter.resolve();
});
const scan: Scan = (qr) =>
  new Promise<void>((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    send({ type: 'scan', id, qr });
  });

/** The same quiet point every time: post-login chatter done, garbage collected. */
async function report(accounts: number): Promise<void> {
  // The post-login work (pre-key digest, own LID session, unified session) finishes within this.
  await sleep(500);
  for (let i = 0; i < 4; i++) {
    gc!();
    await sleep(50);
  }
  await sleep(250);
  gc!();
  send({ type: 'memory', accounts, memory: process.memoryUsage() });
}

const restoreConsole = muteConsole();
const clients: SimClient[] = [];
let gw: Gateway | null = null;
let env: TestEnv | null = null;
try {
  if (mode === 'bare') {
    // What a gateway gets from OPENCLAW_WA_SIMULATOR: the simulator's certificate root, from its socket port.
    const trustUrl = `http://${new URL(simUrl).host}/trust`;
    const trust = (await (await fetch(trustUrl)).json()) as { rootPublicKey: string };
    trustSimulator(Buffer.from(trust.rootPublicKey, 'hex'));
    for (let n = 1; n <= count; n++) {
      clients.push(await openBare(simUrl, await linkBare(simUrl, scan)));
      if (n === 1 || n === count) await report(n);
    }
  } else {
    const ids = Array.from({ length: count }, (_, i) => `a${i + 1}`);
    env = await makeTestEnv(
      `channels: { whatsapp: { accounts: { ${ids.map((id) => `${id}: {}`).join(', ')} } } },`,
    );
    gw = await startGateway({ env: { ...env.env, OPENCLAW_WA_SIMULATOR: simUrl }, serveUi: false });
    for (let n = 1; n <= count; n++) {
      await linkGatewayAccount(gw, ids[n - 1]!, scan);
      if (n === 1 || n === count) {
        const states = await accountStates(gw);
        const notOpen = ids.slice(0, n).filter((id) => states.get(id) !== 'open');
        if (notOpen.length) throw new Error(`accounts not open: ${notOpen.join(', ')}`);
        await report(n);
      }
    }
  }
} finally {
  for (const c of clients) c.end();
  await gw?.stop();
  await env?.cleanup();
  restoreConsole();
}
// Not a natural exit: Baileys (rc14) leaves timers behind a closed socket (the 30 s race timer of every pre-key
// upload, which linking does, and the 60 s timeout of every query still unanswered when the socket ended), and
// waiting them out would multiply the bench's run time. Everything of ours is closed by now.
process.exit(0);
