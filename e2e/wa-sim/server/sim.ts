// The loopback WhatsApp Web server: accounts, their phones and linked companions, the login and linking flows,
// and faults on demand. Message routing between contacts and companions lives in ../messaging (built on this).
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import { WebSocketServer } from 'ws';
import { makeCertChain, type CertChain } from './certs';
import { Connection } from './connection';
import { Faults } from './faults';
import { ownIq } from './iq';
import { Account, MAX_OFFLINE_QUEUE, S_WHATSAPP_NET, SimUser, lidFor, userOf, type Companion } from './model';
import { getBinaryNodeChild, getBinaryNodeChildren, jidDecode } from '@whiskeysockets/baileys';
import {
  companionFrom,
  pairDeviceIq,
  pairSuccess,
  parseQr,
  pendingFromPayload,
  verifyPairSign,
  type PendingLink,
} from './pairing';

interface ReplyWaiter {
  conn: Connection;
  timer: NodeJS.Timeout;
  resolve(node: BinaryNode): void;
  reject(err: Error): void;
}

/** Stanzas a client acknowledges with `<ack class=<tag> id=…>`. */
const ACKED_TAGS = new Set(['message', 'receipt', 'notification']);

export interface SimOptions {
  port?: number;
  /** Seeds every simulated device's keys, so runs are reproducible. */
  seed?: string;
  /** How many QR refs a new client gets before Baileys gives up (WhatsApp sends 6). */
  qrRefs?: number;
}

type NodeHandler = (conn: Connection, node: BinaryNode) => boolean;

export class WaSimServer extends EventEmitter {
  readonly certs: CertChain = makeCertChain();
  readonly accounts = new Map<string, Account>();
  readonly contacts = new Map<string, SimUser>();
  readonly connections = new Set<Connection>();
  /** Connection attempts per account user, so tests can assert there is no reconnect loop. */
  readonly loginAttempts = new Map<string, number>();
  private readonly pending = new Map<string, PendingLink>();
  private readonly replyWaiters = new Map<string, ReplyWaiter>();
  private readonly handlers: NodeHandler[] = [];
  private http!: Server;
  private wss!: WebSocketServer;
  private refusingUntil = 0;
  private silentUntil = 0;
  /** The "outdated client" fault: logins from versions this rejects get `<failure reason=405>`. */
  rejectVersion: ((version: string) => boolean) | null = null;
  private slowMs = 0;
  port = 0;
  /** More trust material published at /trust (the media host's CA). */
  extraTrust: Record<string, string> = {};
  readonly fault = new Faults(this);

  constructor(private readonly opts: SimOptions = {}) {
    super();
    this.setMaxListeners(100);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws/chat`;
  }

  async start(): Promise<void> {
    // GET /trust tells a process that explicitly selected this simulator which certificate root to accept
    // (see ../client.ts); real WhatsApp has no such endpoint.
    this.http = createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/trust') return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          rootPublicKey: Buffer.from(this.certs.rootPublic).toString('hex'),
          ...this.extraTrust,
        }),
      );
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on('upgrade', (req, socket, head) => {
      if (Date.now() < this.refusingUntil) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const conn = new Connection(ws, this.certs, {
          onLogin: (c, p) => this.onLogin(c, p),
          onNode: (c, n) => this.onNode(c, n),
          onClose: (c) => this.onClose(c),
          answersHello: () => Date.now() >= this.silentUntil,
          delayMs: () => this.slowMs,
          onSent: (c, n) => this.emit('sent', c, n),
        });
        this.connections.add(conn);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port ?? 0, '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.port = (this.http.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.terminate();
    this.failWaiters(() => true, 'the simulator closed');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  account(e164: string, name = ''): Account {
    const user = userOf(e164);
    let account = this.accounts.get(user);
    if (!account) {
      account = new Account(user, lidFor(user), name, this.opts.seed);
      this.accounts.set(user, account);
    }
    return account;
  }

  contact(e164: string, name = '', deviceCount = 1): SimUser {
    const user = userOf(e164);
    if (this.accounts.has(user))
      throw new Error(`${e164} is already an account (a phone that links devices)`);
    let contact = this.contacts.get(user);
    if (!contact) {
      const ids = Array.from({ length: Math.max(1, deviceCount) }, (_, i) => i);
      contact = new SimUser(user, lidFor(user), name, ids, this.opts.seed);
      this.contacts.set(user, contact);
    }
    return contact;
  }

  /** The user behind a PN or LID JID (with or without a device), and the device it names. */
  resolve(jid: string): { user: SimUser; device: number } | null {
    const decoded = jidDecode(jid);
    if (!decoded?.user) return null;
    const byPn = decoded.server === S_WHATSAPP_NET || decoded.server === 'c.us';
    for (const user of [...this.accounts.values(), ...this.contacts.values()]) {
      if (
        (byPn && user.user === decoded.user) ||
        (decoded.server === 'lid' && user.lidUser === decoded.user)
      ) {
        return { user, device: decoded.device ?? 0 };
      }
    }
    return null;
  }

  /** Later layers (messaging, groups) claim the nodes they understand. */
  addHandler(handler: NodeHandler): void {
    this.handlers.push(handler);
  }

  /** A handler that sees each node before every other layer (faults that refuse what a layer would serve). */
  prependHandler(handler: NodeHandler): void {
    this.handlers.unshift(handler);
  }

  /** Sends to a device now, or queues it for the device's next login (the offline queue). */
  deliver(account: Account, device: number, node: BinaryNode): void {
    const companion = account.companions.get(device);
    if (!companion) return;
    if (companion.conn && !companion.conn.closed) {
      this.hold(companion, node);
      void companion.conn.send(node);
    } else {
      this.enqueue(companion, node);
    }
  }

  /**
   * Like WhatsApp, hold what the client must acknowledge until it does, so a socket that dies in between gets it
   * again on its next login instead of losing it (the offline backlog delivered at login included).
   */
  private hold(companion: Companion, node: BinaryNode): void {
    if (ACKED_TAGS.has(node.tag) && node.attrs.id && companion.unacked.size < MAX_OFFLINE_QUEUE) {
      companion.unacked.set(`${node.tag}:${node.attrs.id}`, node);
    }
  }

  private enqueue(companion: Companion, node: BinaryNode): void {
    if (companion.queue.length >= MAX_OFFLINE_QUEUE) {
      this.emit('queue-full', companion, node);
      return;
    }
    companion.queue.push({ ...node, attrs: { ...node.attrs, offline: '1' } });
  }

  /** Sends an IQ to a connection and resolves with the client's reply. */
  request(conn: Connection, iq: BinaryNode, timeoutMs = 10_000): Promise<BinaryNode> {
    return new Promise((resolve, reject) => {
      const id = iq.attrs.id!;
      const timer = setTimeout(() => {
        this.replyWaiters.delete(id);
        reject(new Error(`no reply to ${iq.tag} ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replyWaiters.set(id, { conn, timer, resolve, reject });
      void conn.send(iq);
    });
  }

  private failWaiters(match: (w: ReplyWaiter) => boolean, why: string): void {
    for (const [id, waiter] of this.replyWaiters) {
      if (!match(waiter)) continue;
      clearTimeout(waiter.timer);
      this.replyWaiters.delete(id);
      waiter.reject(new Error(why));
    }
  }

  // ---- linking ---------------------------------------------------------------------------------------------

  /** The phone of `account` scans `qr`: links a new companion device; resolves once it has signed back. */
  async scan(account: Account, qr: string): Promise<Companion> {
    const parsed = parseQr(qr);
    const pending = this.pending.get(parsed.ref);
    if (!pending || pending.conn.closed)
      throw new Error('this QR is not being shown by any connected client (expired?)');
    if (!pending.identityKey.equals(parsed.identityKey) || !pending.conn.noiseKey?.equals(parsed.noiseKey)) {
      throw new Error('the QR does not match the keys of the client showing it');
    }
    const device = account.allocateDevice();
    const { iq, deviceDetails } = pairSuccess(account, device, parsed);
    const reply = await this.request(pending.conn, iq);
    verifyPairSign(reply, account, pending, deviceDetails);
    for (const ref of pending.refs) this.pending.delete(ref);
    const companion = companionFrom(pending, device, parsed.platform);
    account.companions.set(device, companion);
    this.emit('linked', account, companion);
    // WhatsApp asks a freshly paired client to reconnect with its new credentials.
    await pending.conn.streamError({ code: '515' });
    return companion;
  }

  /** The phone declines the link: the client is told it is not authorised. */
  async reject(qr: string): Promise<void> {
    const pending = this.pending.get(parseQr(qr).ref);
    if (!pending) throw new Error('this QR is not being shown by any connected client');
    for (const ref of pending.refs) this.pending.delete(ref);
    await pending.conn.send({ tag: 'failure', attrs: { reason: '401', location: 'sim' } });
    pending.conn.close();
  }

  // ---- faults ----------------------------------------------------------------------------------------------

  companionConn(account: Account, device?: number): Connection {
    const companion =
      device === undefined
        ? [...account.companions.values()].find((c) => c.conn && !c.conn.closed)
        : account.companions.get(device);
    if (!companion?.conn || companion.conn.closed) throw new Error(`no connected device for ${account.user}`);
    return companion.conn;
  }

  refuseConnectionsFor(ms: number): void {
    this.refusingUntil = Date.now() + ms;
  }

  silenceHandshakesFor(ms: number): void {
    this.silentUntil = Date.now() + ms;
  }

  setSlowResponses(ms: number): void {
    this.slowMs = ms;
  }

  // ---- wire events -----------------------------------------------------------------------------------------

  private onLogin(conn: Connection, payload: proto.ClientPayload): void {
    const v = payload.userAgent?.appVersion;
    const version = `${v?.primary ?? 0}.${v?.secondary ?? 0}.${v?.tertiary ?? 0}`;
    if (this.rejectVersion?.(version)) {
      void conn.send({ tag: 'failure', attrs: { reason: '405', location: 'sim' } }).then(() => conn.close());
      return;
    }
    if (payload.devicePairingData) {
      const pending = pendingFromPayload(conn, payload, this.opts.qrRefs ?? 6);
      for (const ref of pending.refs) this.pending.set(ref, pending);
      void conn.send(pairDeviceIq(pending));
      this.emit('qr-client', conn);
      return;
    }
    const user = String(payload.username ?? '');
    const device = payload.device ?? 0;
    this.loginAttempts.set(user, (this.loginAttempts.get(user) ?? 0) + 1);
    const account = this.accounts.get(user);
    const companion = account?.companions.get(device);
    if (!account || !companion) {
      void conn.send({ tag: 'failure', attrs: { reason: '401', location: 'sim' } }).then(() => conn.close());
      return;
    }
    // One session per device: a newer login replaces the older one, which is told so (440 on its side).
    const previous = companion.conn;
    if (previous && !previous.closed)
      void previous.streamError({}, { tag: 'conflict', attrs: { type: 'replaced' } });
    conn.user = user;
    conn.device = device;
    companion.conn = conn;
    void conn.send({
      tag: 'success',
      attrs: {
        t: String(Math.floor(Date.now() / 1000)),
        lid: `${account.lidUser}:${device}@lid`,
        props: '1',
        abprops: '1',
        location: 'sim',
      },
    });
    const queued = companion.queue.splice(0);
    for (const node of queued) {
      this.hold(companion, node);
      void conn.send(node);
    }
    void conn.send({
      tag: 'ib',
      attrs: { from: S_WHATSAPP_NET },
      content: [{ tag: 'offline', attrs: { count: String(queued.length) } }],
    });
    this.emit('login', account, companion, conn);
  }

  private onNode(conn: Connection, node: BinaryNode): void {
    // Every stanza a client sends, before anything handles it ('node' comes only for those nothing else took).
    this.emit('stanza', conn, node);
    if (node.tag === 'iq' && (node.attrs.type === 'result' || node.attrs.type === 'error')) {
      const waiter = this.replyWaiters.get(node.attrs.id ?? '');
      if (waiter) {
        this.replyWaiters.delete(node.attrs.id!);
        clearTimeout(waiter.timer);
        waiter.resolve(node);
        return;
      }
    }
    const companion = this.companionOf(conn);
    if (node.tag === 'ack' && companion) {
      companion.unacked.delete(`${node.attrs.class}:${node.attrs.id}`);
      return;
    }
    // A client confirms a message with a receipt (delivered, sender, retry…), not with an ack.
    if (node.tag === 'receipt' && companion) {
      const items = getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'item');
      for (const id of [node.attrs.id, ...items.map((i) => i.attrs.id)])
        companion.unacked.delete(`message:${id}`);
    }
    if (this.handlers.some((h) => h(conn, node))) return;
    if (node.tag === 'iq' && node.attrs.type !== 'result' && node.attrs.type !== 'error') {
      const reply = companion ? ownIq(node, companion) : null;
      void conn.send(
        reply ?? { tag: 'iq', attrs: { id: node.attrs.id!, type: 'result', from: S_WHATSAPP_NET } },
      );
    }
    this.emit('node', conn, node);
  }

  private companionOf(conn: Connection): Companion | undefined {
    return conn.user ? this.accounts.get(conn.user)?.companions.get(conn.device!) : undefined;
  }

  private onClose(conn: Connection): void {
    this.connections.delete(conn);
    this.failWaiters((w) => w.conn === conn, 'the client disconnected before it answered');
    const companion = this.companionOf(conn);
    if (companion?.conn === conn) {
      for (const node of companion.unacked.values()) this.enqueue(companion, node);
      companion.unacked.clear();
    }
    for (const [ref, pending] of this.pending) if (pending.conn === conn) this.pending.delete(ref);
    this.emit('close', conn);
  }
}
