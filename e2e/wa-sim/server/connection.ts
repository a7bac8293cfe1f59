// One client socket: raw handshake frames first, then encrypted binary nodes both ways. The simulator decides
// what each node means; this class only speaks the wire format and keeps the socket's resources in one place.
import type { proto } from '@whiskeysockets/baileys';
import { decodeBinaryNode, encodeBinaryNode, type BinaryNode } from '@whiskeysockets/baileys';
import type { WebSocket } from 'ws';
import type { CertChain } from './certs';
import { FrameReader, NoiseResponder, frame, type TransportCipher } from './noise';

export interface ConnectionHooks {
  /** The handshake finished: the client's registration or login payload. */
  onLogin(conn: Connection, payload: proto.ClientPayload): void;
  onNode(conn: Connection, node: BinaryNode): void;
  onClose(conn: Connection): void;
  /** False while the "silent handshakes" fault is on: a client's hello is read and never answered. */
  answersHello(): boolean;
  /** Extra delay before each outgoing node (the "slow responses" fault). */
  delayMs(): number;
  /** A node was just written to the socket (benchmarks time the client from outside by it). */
  onSent?(conn: Connection, node: BinaryNode): void;
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  /** Set after login: which account and device this socket speaks for. */
  user: string | null = null;
  device: number | null = null;
  noiseKey: Buffer | null = null;
  closed = false;
  private readonly reader = new FrameReader();
  private readonly noise: NoiseResponder;
  private transport: TransportCipher | null = null;
  private stage: 'hello' | 'finish' | 'open' = 'hello';
  private sendChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    certs: CertChain,
    private readonly hooks: ConnectionHooks,
  ) {
    this.noise = new NoiseResponder(certs.serverStatic, certs);
    socket.on('message', (data: Buffer) => this.onData(data));
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.markClosed());
  }

  private onData(data: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(data);
    } catch {
      return this.terminate();
    }
    for (const f of frames) void this.onFrame(f);
  }

  private async onFrame(data: Buffer): Promise<void> {
    try {
      if (this.stage === 'hello') {
        if (!this.hooks.answersHello()) return;
        this.noise.authenticate(this.reader.intro!);
        this.socket.send(frame(this.noise.respondToHello(data)));
        this.stage = 'finish';
      } else if (this.stage === 'finish') {
        const { payload, transport } = this.noise.finish(data);
        this.transport = transport;
        this.noiseKey = this.noise.clientStatic;
        this.stage = 'open';
        this.hooks.onLogin(this, payload);
      } else {
        const node = await decodeBinaryNode(this.transport!.decrypt(data));
        this.hooks.onNode(this, node);
      }
    } catch {
      // A frame we cannot read means the stream is broken; real servers hang up too.
      this.terminate();
    }
  }

  /** Sends a node; writes stay in order even when a delay is configured. */
  send(node: BinaryNode): Promise<void> {
    const delay = this.hooks.delayMs();
    this.sendChain = this.sendChain.then(async () => {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      this.sendRaw(encodeBinaryNode(node));
      if (!this.closed) this.hooks.onSent?.(this, node);
    });
    return this.sendChain;
  }

  /** Encrypts and frames bytes that are not necessarily a valid node (the malformed-stanza fault). */
  sendRaw(bytes: Uint8Array): void {
    if (this.closed || !this.transport) return;
    this.socket.send(frame(this.transport.encrypt(bytes)));
  }

  /** A stream error node, then the socket closes (what WhatsApp does for 515, 440 and 401). */
  async streamError(attrs: Record<string, string>, child?: BinaryNode): Promise<void> {
    await this.send({ tag: 'stream:error', attrs, content: child ? [child] : undefined });
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.socket.close();
    this.markClosed();
  }

  /** An abrupt TCP-level drop: no close frame. */
  terminate(): void {
    this.socket.terminate();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.hooks.onClose(this);
  }
}
