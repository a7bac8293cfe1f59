// 1:1 messages, receipts, acks, presence and typing between real companions (Baileys) and simulated devices.
// Everything a simulated device receives is really decrypted with its Signal state; everything it sends is
// really encrypted for each recipient device.
import { randomBytes } from 'node:crypto';
import {
  getBinaryNodeChild,
  getBinaryNodeChildren,
  jidDecode,
  proto,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import { padMessage, unpadMessage } from '../signal/party';
import type { Connection } from './connection';
import type { GroupRecord } from './group-model';
import { answerKeyFetch, answerUsync, deviceBundle } from './keys';
import { Account, S_WHATSAPP_NET, type Companion, type SimUser } from './model';
import type { WaSimServer } from './sim';

export interface SendOptions {
  id?: string;
  /** How the sender is named on the wire: by phone number (with sender_lid) or by LID (with sender_pn). */
  addressing?: 'pn' | 'lid';
  /** Leave out sender_pn / sender_lid: a LID sender whose phone number the recipient cannot learn. */
  omitAlt?: boolean;
  /** Extra stanza attributes (e.g. to pose as status@broadcast). */
  attrs?: Record<string, string>;
  /** Send through this chat JID instead of the sender's own (broadcasts). */
  from?: string;
  /** The "Bad MAC" fault: the ciphertext's MAC is broken after encryption, so the recipient cannot decrypt it. */
  corrupt?: boolean;
  /** A peer message between one's own devices (history sync, app state keys): not wrapped as a sent copy. */
  peer?: boolean;
}

/** The label a simulated device files a companion's session under: its LID device JID, always the same. */
export function companionLabel(account: Account, device: number): string {
  return `${account.lidUser}:${device}@lid`;
}

function deviceJid(user: SimUser, device: number, server: 'pn' | 'lid' = 'pn'): string {
  const base = server === 'lid' ? user.lidUser : user.user;
  const domain = server === 'lid' ? 'lid' : S_WHATSAPP_NET;
  return device === 0 ? `${base}@${domain}` : `${base}:${device}@${domain}`;
}

export function newMessageId(): string {
  return `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** Relayed (message id, device) pairs remembered for resend dedupe. */
const MAX_RELAYED = 200_000;
/** Messages from simulated devices kept for retry receipts; the oldest forgotten first. */
const MAX_SENT_KEPT = 20_000;

interface SentBySimulated {
  sender: SimUser;
  senderDevice: number;
  plaintext: Uint8Array;
  mediatype: string | undefined;
  /** The stanza's attributes; a resend carries the same. */
  attrs: Record<string, string>;
}

export class Messaging {
  /** The "dropped acks" fault: the server stops acknowledging what companions send. */
  dropAcks = false;
  /** Whether simulated devices answer a companion's retry receipt by sending the message again (as phones do). */
  answerRetries = false;
  /** What simulated devices sent to accounts, by "account user\0id", for answering retry receipts. */
  private readonly sentBySimulated = new Map<string, SentBySimulated>();
  /**
   * What WhatsApp does with a resend of a message id it already relayed (a client retrying after a crash or a lost
   * ack): it acks the resend but does not hand the message again to a device that already has it. Kept as
   * "sender\0id\0recipient device jid", the oldest forgotten first past MAX_RELAYED.
   */
  private readonly relayed = new Set<string>();

  constructor(private readonly server: WaSimServer) {
    server.addHandler((conn, node) => this.handle(conn, node));
  }

  /** A simulated device sends `message` to every linked companion of `to` (online now, or queued). */
  async send(
    sender: SimUser,
    senderDevice: number,
    to: Account,
    message: proto.IMessage,
    opts: SendOptions = {},
  ): Promise<string> {
    if (!sender.devices.has(senderDevice))
      throw new Error(`${sender.user} has no simulated device ${senderDevice}`);
    const id = opts.id ?? newMessageId();
    const own = sender === to && !opts.peer;
    const plaintext = proto.Message.encode(
      own && !message.deviceSentMessage
        ? { deviceSentMessage: { destinationJid: to.jid, message } }
        : message,
    ).finish();
    const addressing = opts.addressing ?? 'pn';
    const from = opts.from ?? deviceJid(sender, senderDevice, addressing);
    const alt: Record<string, string> =
      addressing === 'pn'
        ? { sender_lid: deviceJid(sender, senderDevice, 'lid') }
        : { sender_pn: deviceJid(sender, senderDevice, 'pn') };
    const mediatype = mediaTypeOf(message);
    const sent: SentBySimulated = {
      sender,
      senderDevice,
      plaintext,
      mediatype,
      attrs: {
        id,
        from,
        type: mediatype ? 'media' : 'text',
        t: String(Math.floor(Date.now() / 1000)),
        notify: sender.name,
        ...(own
          ? { recipient: message.deviceSentMessage?.destinationJid ?? to.jid }
          : opts.omitAlt
            ? {}
            : alt),
        ...opts.attrs,
      },
    };
    this.rememberSent(to, sent);
    for (const companion of to.linkedCompanions())
      await this.deliverCopy(to, companion.device, sent, opts.corrupt);
    return id;
  }

  /** Encrypts `sent` for one companion of `to` (on the session the device has, else a new one) and delivers it. */
  private async deliverCopy(
    to: Account,
    companion: number,
    sent: SentBySimulated,
    corrupt = false,
  ): Promise<void> {
    const device = sent.sender.devices.get(sent.senderDevice)!;
    const label = companionLabel(to, companion);
    const bundle = (await device.hasSession(label)) ? undefined : (deviceBundle(to, companion) ?? undefined);
    const { type, ciphertext } = await device.encryptFor(
      { address: label, bundle },
      padMessage(sent.plaintext),
    );
    if (corrupt) ciphertext[ciphertext.length - 1]! ^= 0xff;
    this.server.deliver(to, companion, {
      tag: 'message',
      attrs: sent.attrs,
      content: [
        {
          tag: 'enc',
          attrs: { v: '2', type, ...(sent.mediatype ? { mediatype: sent.mediatype } : {}) },
          content: ciphertext,
        },
      ],
    });
  }

  private rememberSent(to: Account, sent: SentBySimulated): void {
    if (this.sentBySimulated.size >= MAX_SENT_KEPT)
      this.sentBySimulated.delete(this.sentBySimulated.keys().next().value!);
    this.sentBySimulated.set(`${to.user}\u0000${sent.attrs.id}`, sent);
  }

  /**
   * A companion could not decrypt a message a simulated device sent it and asks for it again (a retry receipt):
   * like a phone, encrypt it anew for that companion, on a new session when the receipt asks for one (it carries
   * keys, from the second retry on), and send it under the same id.
   */
  private async answerRetry(account: Account, companion: Companion, node: BinaryNode): Promise<void> {
    const sent = this.sentBySimulated.get(`${account.user}\u0000${node.attrs.id ?? ''}`);
    if (!sent) return;
    if (getBinaryNodeChild(node, 'keys')) {
      sent.sender.devices.get(sent.senderDevice)?.forgetSession(companionLabel(account, companion.device));
    }
    this.server.emit('retry-answered', { id: node.attrs.id, companion: companion.device });
    await this.deliverCopy(account, companion.device, sent);
  }

  private handle(conn: Connection, node: BinaryNode): boolean {
    const sender = conn.user ? this.server.accounts.get(conn.user) : undefined;
    if (!sender || conn.device === null) return false;
    const companion = sender.companions.get(conn.device);
    if (!companion) return false;
    // Group-addressed messages and receipts are server/groups.ts's, whose handler is registered after this one.
    if (isGroupStanza(node)) return false;
    switch (node.tag) {
      case 'iq':
        if (node.attrs.xmlns === 'usync') return this.reply(conn, answerUsync(this.server, node));
        if (node.attrs.xmlns === 'encrypt' && node.attrs.type === 'get' && getBinaryNodeChild(node, 'key')) {
          return this.reply(conn, answerKeyFetch(this.server, node));
        }
        return false;
      case 'message':
        void this.onOutgoing(conn, sender, companion, node);
        return true;
      case 'receipt':
        this.onReceipt(conn, sender, companion, node);
        return true;
      case 'presence':
      case 'chatstate':
        this.onPresence(sender, companion, node);
        return true;
      default:
        return false;
    }
  }

  /** Remembers a copy the device got; only then (a copy it could not decrypt may come again as a retry). */
  private remember(key: string): void {
    if (this.relayed.size >= MAX_RELAYED) this.relayed.delete(this.relayed.values().next().value!);
    this.relayed.add(key);
  }

  private reply(conn: Connection, node: BinaryNode): boolean {
    void conn.send(node);
    return true;
  }

  /** A companion sent a message: ack it, then decrypt (or forward) each per-device copy. */
  private async onOutgoing(
    conn: Connection,
    sender: Account,
    companion: Companion,
    node: BinaryNode,
  ): Promise<void> {
    const to = node.attrs.to ?? '';
    const id = node.attrs.id ?? '';
    if (!this.dropAcks) {
      void conn.send({
        tag: 'ack',
        attrs: { class: 'message', id, from: to, t: String(Math.floor(Date.now() / 1000)) },
      });
    }
    const copies: Array<{ jid: string; enc: BinaryNode }> = [];
    for (const target of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
      const enc = getBinaryNodeChild(target, 'enc');
      if (enc) copies.push({ jid: target.attrs.jid!, enc });
    }
    const recipients = new Set<SimUser>();
    for (const { jid, enc } of copies) {
      const found = this.server.resolve(jid);
      if (!found) continue;
      const relayKey = `${sender.user}\u0000${id}\u0000${jid}`;
      if (this.relayed.has(relayKey)) {
        this.server.emit('duplicate-relay', { id, jid });
        continue;
      }
      const simulated = found.user.devices.get(found.device);
      const fromJid = `${sender.user}:${companion.device}@${S_WHATSAPP_NET}`;
      if (simulated) {
        const type = enc.attrs.type as 'pkmsg' | 'msg';
        let plain: Buffer;
        try {
          plain = await simulated.decryptFrom(
            companionLabel(sender, companion.device),
            type,
            enc.content as Uint8Array,
          );
        } catch (err) {
          // One undecryptable copy must not stop the others; tests can watch for this.
          this.server.emit('decrypt-error', { id, jid, error: (err as Error).message });
          continue;
        }
        const decoded = proto.Message.decode(unpadMessage(plain));
        const dsm = decoded.deviceSentMessage;
        found.user.record({
          id,
          device: found.device,
          from: fromJid,
          chat: dsm?.destinationJid ?? to,
          destination: dsm?.destinationJid ?? undefined,
          message: dsm?.message ?? decoded,
          encType: type,
          stanza: node,
        });
        this.remember(relayKey);
        if (found.user !== sender) recipients.add(found.user);
      } else if (found.user instanceof Account && found.user.companions.has(found.device)) {
        // Another real client (the account's other companion, or another account): forward its copy.
        this.server.deliver(found.user, found.device, {
          tag: 'message',
          attrs: {
            id,
            from: fromJid,
            type: node.attrs.type ?? 'text',
            t: String(Math.floor(Date.now() / 1000)),
            ...(found.user === sender ? { recipient: to } : {}),
          },
          content: [enc],
        });
        this.remember(relayKey);
      }
    }
    // Like a phone, each recipient confirms delivery as soon as it has decrypted the message.
    for (const user of recipients) {
      void conn.send({
        tag: 'receipt',
        attrs: { id, from: user.jid, t: String(Math.floor(Date.now() / 1000)) },
      });
    }
  }

  /** A companion sent a receipt (read, played, delivery) for a message from a simulated user. */
  private onReceipt(conn: Connection, sender: Account, companion: Companion, node: BinaryNode): void {
    const target = this.server.resolve(node.attrs.to ?? '');
    const ids = [
      node.attrs.id!,
      ...getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'item').map((i) => i.attrs.id!),
    ];
    // No type, or "inactive" (a client that is not in the foreground): both mean delivered.
    const type =
      node.attrs.type === undefined || node.attrs.type === 'inactive' ? 'delivery' : node.attrs.type;
    target?.user.receipts.push({
      ids,
      type,
      from: `${sender.user}:${companion.device}@${S_WHATSAPP_NET}`,
    });
    if (type === 'retry' && this.answerRetries) void this.answerRetry(sender, companion, node);
    void conn.send({
      tag: 'ack',
      attrs: { class: 'receipt', id: node.attrs.id!, from: node.attrs.to ?? S_WHATSAPP_NET },
    });
  }

  private onPresence(sender: Account, companion: Companion, node: BinaryNode): void {
    const from = `${sender.user}:${companion.device}@${S_WHATSAPP_NET}`;
    const state =
      node.tag === 'presence'
        ? (node.attrs.type ?? 'available')
        : ((Array.isArray(node.content) ? node.content[0]?.tag : undefined) ?? 'unknown');
    const target = node.attrs.to ? this.server.resolve(node.attrs.to) : null;
    (target?.user ?? sender).presence.push({ from, to: node.attrs.to, state });
  }

  /** A simulated user's receipt for a message a companion sent (delivered is automatic; read/played on demand). */
  receipt(from: SimUser, to: Account, ids: string[], type: 'read' | 'played'): void {
    for (const companion of to.linkedCompanions()) {
      const [first, ...rest] = ids;
      this.server.deliver(to, companion.device, {
        tag: 'receipt',
        attrs: { id: first!, from: from.jid, type, t: String(Math.floor(Date.now() / 1000)) },
        content: rest.length
          ? [{ tag: 'list', attrs: {}, content: rest.map((id) => ({ tag: 'item', attrs: { id } })) }]
          : undefined,
      });
    }
  }

  /**
   * What a phone sends when it could not decrypt message `id` from `to`: a retry receipt (count 1, its registration
   * id, no key bundle), asking the sender to encrypt the message again; for a group message, from the group with
   * the member as participant. Delivered to every linked companion of `to`, queued for one that is offline.
   */
  retryReceipt(
    from: SimUser,
    device: number,
    to: Account,
    id: string,
    group?: Pick<GroupRecord, 'jid' | 'addressingMode'>,
  ): void {
    const registrationId = from.devices.get(device)?.registrationId;
    if (registrationId === undefined) throw new Error(`${from.jid} has no simulated device ${device}`);
    const registration = Buffer.alloc(4);
    registration.writeUInt32BE(registrationId);
    const t = String(Math.floor(Date.now() / 1000));
    // A group's receipt comes from the group and names the member's device, in the group's addressing, as participant.
    const addressing: Record<string, string> = group
      ? { from: group.jid, participant: deviceJid(from, device, group.addressingMode) }
      : { from: deviceJid(from, device) };
    for (const companion of to.linkedCompanions()) {
      this.server.deliver(to, companion.device, {
        tag: 'receipt',
        attrs: { id, ...addressing, type: 'retry', t },
        content: [
          { tag: 'retry', attrs: { count: '1', id, t, v: '1' } },
          { tag: 'registration', attrs: {}, content: registration },
        ],
      });
    }
  }

  /** Presence (available/unavailable) or a chat state (composing/paused/recording) from a simulated user. */
  presence(
    from: SimUser,
    to: Account,
    state: 'available' | 'unavailable' | 'composing' | 'paused' | 'recording',
  ): void {
    for (const companion of to.linkedCompanions()) {
      const node: BinaryNode =
        state === 'available' || state === 'unavailable'
          ? { tag: 'presence', attrs: { from: from.jid, type: state } }
          : {
              tag: 'chatstate',
              attrs: { from: from.jid },
              content: [
                state === 'recording'
                  ? { tag: 'composing', attrs: { media: 'audio' } }
                  : { tag: state, attrs: {} },
              ],
            };
      this.server.deliver(to, companion.device, node);
    }
  }
}

const MEDIA_KEYS: Record<string, string> = {
  imageMessage: 'image',
  videoMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
};

function mediaTypeOf(message: proto.IMessage): string | undefined {
  for (const [key, type] of Object.entries(MEDIA_KEYS))
    if ((message as Record<string, unknown>)[key])
      return type === 'audio' && message.audioMessage?.ptt ? 'ptt' : type;
  return undefined;
}

export function isDirectChat(jid: string): boolean {
  const server = jidDecode(jid)?.server;
  return server === S_WHATSAPP_NET || server === 'lid';
}

/** A message or receipt addressed to a group (`…@g.us`): sender-key traffic that 1:1 handling must not claim. */
export function isGroupStanza(node: BinaryNode): boolean {
  return (node.tag === 'message' || node.tag === 'receipt') && !!node.attrs.to?.endsWith('@g.us');
}
