// The gateway of bench/agent.bench.ts's latency figures, in its own process as it is deployed (`openclaw gateway`, or
// Electron's main process): the simulator, the contacts' devices and the model stay in other processes, so their
// CPU and their garbage collection pauses are not counted as the gateway's. Runs bundled, as plain node
// (bench/support/bundle-child.ts).
//
// Over IPC, everything as wall-clock milliseconds (performance.timeOrigin + now):
//   parent → { start, env, modelPort }: start a gateway on the parent's config and fresh state dir and link its account
//            (QR codes sent up as { scan }, answered by { scanned }), then answer { open };
//   parent → { restart }: stop it and start again on the config as the parent rewrote it; answer { open } once the
//            linked account has reconnected;
//   parent → { watch, tag }: the message now being measured, answered by { watching } (so that the message is sent
//            after the child knows it); { collect } answers { sample } for it:
//            upsertAt   Baileys' messages.upsert of the message carrying the tag, on the gateway's socket;
//            acceptedAt the gateway's inbound.accepted event after it;
//            modelWrites every write of the gateway to its connection with model-sim (the request is on the wire
//                       once the last of them before model-sim read it has returned);
//            frames     every frame the gateway wrote to WhatsApp's socket meanwhile (the parent takes the first one
//                       after the model's stream ended: the reply);
//   parent → { stop }: stop the gateway and exit.
import net from 'node:net';
import type { WASocket } from '@whiskeysockets/baileys';
import { startGateway, type Gateway } from '../../src/gateway/gateway';
import { WhatsAppManager } from '../../src/gateway/whatsapp/manager';
import { tagsIn } from './replies';
import { accountStates, linkGatewayAccount, muteConsole, type Scan } from './whatsapp';

export type ToGatewayChild =
  | { type: 'start'; env: Record<string, string | undefined>; modelPort: number }
  | { type: 'restart' }
  | { type: 'scanned'; id: number; error?: string }
  | { type: 'watch'; tag: string }
  | { type: 'collect' }
  | { type: 'stop' };

export interface GatewaySample {
  tag: string;
  upsertAt?: number;
  acceptedAt?: number;
  modelWrites: number[];
  frames: number[];
}

export type FromGatewayChild =
  | { type: 'scan'; id: number; qr: string }
  | { type: 'open' }
  | { type: 'watching' }
  | { type: 'sample'; sample: GatewaySample }
  | { type: 'error'; message: string };

const ACCOUNT = 'default';
const wall = (): number => performance.timeOrigin + performance.now();
const send = (msg: FromGatewayChild): void => void process.send!(msg);

/** The gateway's WhatsApp manager, once it starts: the account's socket is reached through it. */
const latest: { manager?: WhatsAppManager } = {};
const start = WhatsAppManager.prototype.start;
WhatsAppManager.prototype.start = function (this: WhatsAppManager) {
  latest.manager = this;
  return start.call(this);
};

let current: GatewaySample | null = null;

/** The model client's writes: whatever HTTP client the SDKs use ends in a net.Socket write. */
let modelPort = -1;
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
  const done = (write as (...a: unknown[]) => boolean).apply(this, args);
  if (current && this.remotePort === modelPort) current.modelWrites.push(wall());
  return done;
} as typeof write;

let gw: Gateway | null = null;
let env: Record<string, string | undefined> = {};

const scans = new Map<number, { resolve(): void; reject(err: Error): void }>();
let nextScan = 0;
const scan: Scan = (qr) =>
  new Promise<void>((resolve, reject) => {
    const id = ++nextScan;
    scans.set(id, { resolve, reject });
    send({ type: 'scan', id, qr });
  });

/** Baileys' upsert and the frames leaving the socket; the hand-off comes from the gateway's own event. */
function watchSocket(sock: WASocket): void {
  sock.ev.on('messages.upsert', ({ messages }) => {
    const s = current;
    if (!s || s.upsertAt !== undefined) return;
    for (const m of messages) {
      const text = m.message?.conversation ?? m.message?.extendedTextMessage?.text ?? '';
      if (tagsIn(text).includes(s.tag)) s.upsertAt = wall();
    }
  });
  // Baileys hands every encrypted frame to its WebSocketClient's `socket` (the ws library's WebSocket).
  const ws = (sock.ws as unknown as { socket: { send: (...a: unknown[]) => void } }).socket;
  const sendFrame = ws.send.bind(ws);
  ws.send = (...args: unknown[]) => {
    sendFrame(...args);
    current?.frames.push(wall());
  };
}

async function open(link: boolean): Promise<void> {
  gw = await startGateway({ env, serveUi: false });
  gw.onEvent((event) => {
    const s = current;
    if (event === 'inbound.accepted' && s?.upsertAt !== undefined && s.acceptedAt === undefined)
      s.acceptedAt = wall();
  });
  if (link) await linkGatewayAccount(gw, ACCOUNT, scan);
  for (let i = 0; (await accountStates(gw)).get(ACCOUNT) !== 'open'; i++) {
    if (i === 600) throw new Error("the gateway's account did not reconnect within 15 s");
    await new Promise((r) => setTimeout(r, 25));
  }
  const sock = latest.manager?.account(ACCOUNT)?.socket();
  if (!sock) throw new Error("the gateway's account has no open socket");
  watchSocket(sock);
}

async function handle(msg: ToGatewayChild): Promise<void> {
  switch (msg.type) {
    case 'start':
      env = msg.env;
      modelPort = msg.modelPort;
      await open(true);
      return send({ type: 'open' });
    case 'restart':
      await gw?.stop();
      await open(false);
      return send({ type: 'open' });
    case 'scanned': {
      const waiter = scans.get(msg.id);
      scans.delete(msg.id);
      if (msg.error) waiter?.reject(new Error(msg.error));
      else waiter?.resolve();
      return;
    }
    case 'watch':
      current = { tag: msg.tag, modelWrites: [], frames: [] };
      return send({ type: 'watching' });
    case 'collect':
      if (current) send({ type: 'sample', sample: current });
      current = null;
      return;
    case 'stop':
      await gw?.stop();
      process.disconnect();
      // Baileys (rc14) leaves timers behind a closed socket (see bench/whatsapp-rss.ts); ours are all closed.
      process.exit(0);
  }
}

if (!process.send) throw new Error('bench/support/gateway-child.ts runs as a forked child (IPC)');
muteConsole();
process.on('message', (msg: ToGatewayChild) => {
  handle(msg).catch((err: Error) => send({ type: 'error', message: err.stack ?? err.message }));
});
