// The simulator's test API: `const sim = await startSim(); const phone = sim.phone('+15550001111');
// await phone.scan(qr); const alice = sim.contact('+15551234567', { name: 'Alice' }); await alice.send(phone, 'hi');
// const reply = await alice.nextMessage();`. Every wait is explicit (a promise for an event), never a sleep.
import { deflateSync } from 'node:zlib';
import { getBinaryNodeChild, proto, type BinaryNode } from '@whiskeysockets/baileys';
import { encryptMedia, type SimMediaType } from './media/crypto';
import { SimGroup, type GroupOptions } from './groups';
import { startMediaHost, type MediaHost } from './media/host';
import { result } from './server/iq';
import { companionLabel, Messaging, newMessageId, type SendOptions } from './server/messaging';
import type { Account, Companion, ReceiptRecord, ReceivedMessage, SimUser } from './server/model';
import { padMessage, unpadMessage } from './signal/party';
import { WaSimServer, type SimOptions } from './server/sim';

export type { ReceivedMessage, ReceiptRecord } from './server/model';
export type Content = string | proto.IMessage;

/** The text of a message a simulated person received ('' when it has none). */
export const textOf = (m: ReceivedMessage): string =>
  m.message.conversation ?? m.message.extendedTextMessage?.text ?? '';

const toMessage = (content: Content): proto.IMessage =>
  typeof content === 'string' ? { conversation: content } : content;

export interface MediaOptions {
  caption?: string;
  mimetype?: string;
  fileName?: string;
  /** Audio only: send as a voice note. */
  ptt?: boolean;
  seconds?: number;
}

/** Things every simulated person can do: talk to a linked account's companions, and wait for what arrives. */
abstract class Person {
  constructor(
    protected readonly sim: Sim,
    readonly user: SimUser,
  ) {}

  get jid(): string {
    return this.user.jid;
  }
  get lid(): string {
    return this.user.lid;
  }
  get e164(): string {
    return `+${this.user.user}`;
  }
  get name(): string {
    return this.user.name;
  }

  /** The next message one of this person's simulated devices decrypted (from the first one not yet taken). */
  nextMessage(
    match: (m: ReceivedMessage) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ReceivedMessage> {
    return this.user.received.next(match, `a message for ${this.e164}`, timeoutMs);
  }

  messages(): ReceivedMessage[] {
    return [...this.user.received.items];
  }

  /**
   * How many times this person's simulated devices decrypted message `id`: on `device`, or summed over all of
   * them. Exactly-once checks read this (it outlives the bounded `messages()` list).
   */
  deliveryCount(id: string, device?: number): number {
    return this.user.deliveryCount(id, device);
  }

  /** Every message id this person's devices decrypted more than once on one device, with the highest count. */
  duplicates(): Array<{ id: string; device: number; count: number }> {
    const out: Array<{ id: string; device: number; count: number }> = [];
    for (const [id, perDevice] of this.user.deliveries)
      for (const [device, count] of perDevice) if (count > 1) out.push({ id, device, count });
    return out;
  }

  nextReceipt(match: (r: ReceiptRecord) => boolean = () => true, timeoutMs = 10_000): Promise<ReceiptRecord> {
    return this.user.receipts.next(match, `a receipt for ${this.e164}`, timeoutMs);
  }

  /** Encrypts media for the local media host and returns the message that references it. */
  async media(kind: SimMediaType, bytes: Buffer, opts: MediaOptions = {}): Promise<proto.IMessage> {
    const enc = await encryptMedia(bytes, kind);
    const { url, directPath } = this.sim.mediaHost.put(enc.encrypted, kind);
    const common = {
      url,
      directPath,
      mediaKey: enc.mediaKey,
      fileEncSha256: enc.fileEncSha256,
      fileSha256: enc.fileSha256,
      fileLength: enc.fileLength,
      mediaKeyTimestamp: Math.floor(Date.now() / 1000),
    };
    switch (kind) {
      case 'image':
        return {
          imageMessage: { ...common, mimetype: opts.mimetype ?? 'image/jpeg', caption: opts.caption },
        };
      case 'video':
        return {
          videoMessage: {
            ...common,
            mimetype: opts.mimetype ?? 'video/mp4',
            caption: opts.caption,
            seconds: opts.seconds,
          },
        };
      case 'audio':
        return {
          audioMessage: {
            ...common,
            mimetype: opts.mimetype ?? 'audio/ogg; codecs=opus',
            ptt: opts.ptt ?? true,
            seconds: opts.seconds,
          },
        };
      case 'document':
        return {
          documentMessage: {
            ...common,
            mimetype: opts.mimetype ?? 'application/pdf',
            fileName: opts.fileName ?? 'file.pdf',
            caption: opts.caption,
          },
        };
      case 'sticker':
        return { stickerMessage: { ...common, mimetype: opts.mimetype ?? 'image/webp' } };
    }
  }
}

/** An account's own phone: links companions by QR and can write from the phone (self-chat, or to contacts). */
export class Phone extends Person {
  get account(): Account {
    return this.user as Account;
  }

  /** Scans a QR shown by a Baileys client; resolves with the new device id once it has signed back. */
  async scan(qr: string): Promise<number> {
    return (await this.sim.server.scan(this.account, qr)).device;
  }

  reject(qr: string): Promise<void> {
    return this.sim.server.reject(qr);
  }

  devices(): number[] {
    return [...this.account.companions.keys()];
  }

  /** Writes from the phone: to itself (self-chat) or to a contact; linked companions get the sent copy. */
  async send(to: Person, content: Content, opts: SendOptions = {}): Promise<string> {
    const message = toMessage(content);
    if (to === this) return this.sim.messaging.send(this.account, 0, this.account, message, opts);
    const id = await this.sim.deliverBetweenSimulated(this.user, to.user, message);
    await this.sim.messaging.send(
      this.account,
      0,
      this.account,
      { deviceSentMessage: { destinationJid: to.jid, message } },
      { ...opts, id },
    );
    return id;
  }
}

/** Another WhatsApp user, entirely simulated: sends to an account, receives what its companions send. */
export class Contact extends Person {
  send(to: Phone, content: Content, opts: SendOptions & { device?: number } = {}): Promise<string> {
    return this.sim.messaging.send(this.user, opts.device ?? 0, to.account, toMessage(content), opts);
  }

  /** Reacts to a message in the 1:1 chat with `to` (an empty emoji removes the reaction). */
  react(to: Phone, target: { id: string; fromMe: boolean }, emoji: string): Promise<string> {
    const remoteJid = target.fromMe ? this.jid : to.jid;
    return this.send(to, {
      reactionMessage: {
        key: { remoteJid, fromMe: target.fromMe, id: target.id },
        text: emoji,
        senderTimestampMs: Date.now(),
      },
    });
  }

  /**
   * Forgets this contact's Signal sessions with `to`'s linked devices, as a reinstall or a "reset session" does:
   * its next message is a new pkmsg, so each companion closes its session with the contact and opens another.
   */
  resetSession(to: Phone): void {
    for (const device of this.user.devices.values()) {
      for (const companion of to.account.linkedCompanions())
        device.forgetSession(companionLabel(to.account, companion.device));
    }
  }

  /**
   * Asks `to`'s linked devices to send message `id` again, as a phone does for a message it could not decrypt (a
   * retry receipt); the resent copy is recorded like any other once this contact's device decrypts it. With
   * `group`, the message was one `to` sent to that group (the receipt comes from the group, naming this member).
   */
  requestRetry(to: Phone, id: string, device = 0, opts: { group?: SimGroup } = {}): void {
    this.sim.messaging.retryReceipt(this.user, device, to.account, id, opts.group?.record);
  }

  /** A message whose MAC does not verify (the "Bad MAC" fault); the session must already exist to show it. */
  sendUndecryptable(to: Phone, content: Content = 'unreadable'): Promise<string> {
    return this.send(to, content, { corrupt: true });
  }

  read(to: Phone, ids: string[]): void {
    this.sim.messaging.receipt(this.user, to.account, ids, 'read');
  }

  played(to: Phone, ids: string[]): void {
    this.sim.messaging.receipt(this.user, to.account, ids, 'played');
  }

  presence(to: Phone, state: 'available' | 'unavailable' | 'composing' | 'paused' | 'recording'): void {
    this.sim.messaging.presence(this.user, to.account, state);
  }

  nextPresence(
    match: (p: { from: string; to?: string; state: string }) => boolean = () => true,
    timeoutMs = 10_000,
  ) {
    return this.user.presence.next(match, `presence for ${this.e164}`, timeoutMs);
  }
}

export class Sim {
  readonly messaging: Messaging;
  private readonly people = new Map<string, Person>();

  constructor(
    readonly server: WaSimServer,
    readonly mediaHost: MediaHost,
  ) {
    this.messaging = new Messaging(server);
    // Like a phone, send a newly linked device its initial history (empty here) right after its first login;
    // Baileys holds back events until that arrives (or for 20 s), so leaving it out would stall every test.
    const synced = new WeakSet<Companion>();
    server.on('login', (account: Account, companion: Companion) => {
      if (synced.has(companion)) return;
      synced.add(companion);
      void this.messaging.send(account, 0, account, initialHistorySync(), {
        peer: true,
        attrs: { category: 'peer' },
      });
    });
    server.addHandler((conn, node) => {
      if (node.tag !== 'iq' || !getBinaryNodeChild(node, 'media_conn')) return false;
      void conn.send(result(node, [mediaHost.mediaConnNode()]));
      return true;
    });
  }

  get url(): string {
    return this.server.url;
  }

  get rootPublicKey(): Uint8Array {
    return this.server.certs.rootPublic;
  }

  get fault() {
    return this.server.fault;
  }

  /** The "dropped acks" fault: the server stops acknowledging what linked clients send (until turned off). */
  dropAcks(on: boolean): void {
    this.messaging.dropAcks = on;
  }

  /** Simulated devices answer a linked client's retry receipt by sending the message again (off by default). */
  answerRetries(on: boolean): void {
    this.messaging.answerRetries = on;
  }

  phone(e164: string, opts: { name?: string } = {}): Phone {
    const account = this.server.account(e164, opts.name ?? '');
    return this.person(account.user, () => new Phone(this, account)) as Phone;
  }

  contact(e164: string, opts: { name?: string; devices?: number } = {}): Contact {
    const contact = this.server.contact(e164, opts.name ?? '', opts.devices ?? 1);
    return this.person(contact.user, () => new Contact(this, contact)) as Contact;
  }

  /** A group chat among simulated people and linked accounts; see ./groups. */
  group(subject: string, opts: GroupOptions): Promise<SimGroup> {
    return SimGroup.create(this.server, subject, opts);
  }

  private person(user: string, make: () => Person): Person {
    let p = this.people.get(user);
    if (!p) {
      p = make();
      this.people.set(user, p);
    }
    return p;
  }

  /** Phone-to-contact traffic never touches a real client, but it is still really encrypted and decrypted. */
  async deliverBetweenSimulated(from: SimUser, to: SimUser, message: proto.IMessage): Promise<string> {
    const id = newMessageId();
    const sender = from.devices.get(0)!;
    for (const [deviceId, device] of to.devices) {
      const bundle = (await sender.hasSession(device.jid)) ? undefined : device.bundle();
      const { type, ciphertext } = await sender.encryptFor(
        { address: device.jid, bundle },
        padMessage(proto.Message.encode(message).finish()),
      );
      const plain = proto.Message.decode(
        unpadMessage(await device.decryptFrom(sender.jid, type, ciphertext)),
      );
      const stanza: BinaryNode = { tag: 'message', attrs: { id, from: from.jid, to: to.jid } };
      to.record({
        id,
        device: deviceId,
        from: from.jid,
        chat: from.jid,
        message: plain,
        encType: type,
        stanza,
      });
    }
    return id;
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.mediaHost.close();
  }
}

/** An INITIAL_BOOTSTRAP history sync with no conversations, inline (the companion registers as supporting that). */
function initialHistorySync(): proto.IMessage {
  const history = proto.HistorySync.encode({
    syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
    conversations: [],
    progress: 100,
  }).finish();
  return {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
      historySyncNotification: {
        syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP as number,
        initialHistBootstrapInlinePayload: deflateSync(history),
        chunkOrder: 0,
        progress: 100,
      },
    },
  };
}

export async function startSim(opts: SimOptions = {}): Promise<Sim> {
  const server = new WaSimServer(opts);
  await server.start();
  const mediaHost = await startMediaHost();
  server.extraTrust = { mediaCa: mediaHost.ca, mediaCaFile: mediaHost.caFile };
  return new Sim(server, mediaHost);
}
