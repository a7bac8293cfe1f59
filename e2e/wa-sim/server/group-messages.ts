// Group messages with real sender-key crypto, both ways. A simulated member sends one skmsg for everyone, plus
// (once per recipient device) a Signal-encrypted SenderKeyDistributionMessage; a companion's group message is
// taken apart the same way: each simulated member device decrypts its pkmsg, processes the distribution with
// its own sender-key state, then decrypts the shared skmsg. Other real companions get their copies forwarded.
import { getBinaryNodeChild, getBinaryNodeChildren, proto, type BinaryNode } from '@whiskeysockets/baileys';
import { SenderKeyParty } from '../signal/group';
import { padMessage, unpadMessage, type SignalDevice } from '../signal/party';
import type { Connection } from './connection';
import { actorAttrs, addressOf, type GroupRecord } from './group-model';
import { deviceBundle } from './keys';
import { companionLabel, newMessageId } from './messaging';
import { Account, MAX_RECORDED, S_WHATSAPP_NET, type Companion, type SimUser } from './model';
import type { WaSimServer } from './sim';

export interface GroupFailure {
  group: string;
  device: string;
  error: string;
}

const now = () => String(Math.floor(Date.now() / 1000));
const encode = (message: proto.IMessage) => padMessage(proto.Message.encode(message).finish());
const decode = (padded: Uint8Array) => proto.Message.decode(unpadMessage(padded));

const MEDIA = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage'];
const stanzaType = (m: proto.IMessage) =>
  MEDIA.some((k) => (m as Record<string, unknown>)[k]) ? 'media' : 'text';

/** A member's real companions (none for contacts), each with its account for delivery. */
function companionsOf(user: SimUser): Array<{ account: Account; companion: Companion }> {
  return user instanceof Account
    ? user.linkedCompanions().map((companion) => ({ account: user, companion }))
    : [];
}

export class GroupMessages {
  /** Decryptions that failed on a simulated device; a test asserts there are none instead of timing out blind. */
  readonly failures: GroupFailure[] = [];
  private readonly parties = new WeakMap<SignalDevice, SenderKeyParty>();
  /** Real companions that already hold a simulated device's sender key: `group sender` → `user:device`. */
  private readonly distributed = new Map<string, Set<string>>();
  /**
   * One group operation at a time: a simulated device's Signal sessions and sender keys are read and written
   * around awaits, and two interleaved operations on the same device would lose one of the updates.
   */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly server: WaSimServer) {}

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private partyOf(device: SignalDevice): SenderKeyParty {
    let party = this.parties.get(device);
    if (!party) {
      party = new SenderKeyParty({ jid: device.jid });
      this.parties.set(device, party);
    }
    return party;
  }

  private fail(group: GroupRecord, device: { jid: string }, err: unknown): void {
    this.failures.push({ group: group.jid, device: device.jid, error: String(err) });
    if (this.failures.length > MAX_RECORDED) this.failures.shift();
  }

  /** `member`'s devices forget the sender keys they received in the group: its next skmsgs fail until resent. */
  forgetReceivedKeys(group: GroupRecord, member: SimUser): Promise<void> {
    return this.serial(async () => {
      for (const device of member.devices.values()) this.partyOf(device).forgetReceivedKeys(group.jid);
    });
  }

  /** A simulated member's device sends `message` to the group. Resolves once every copy is delivered or queued. */
  async send(
    group: GroupRecord,
    sender: SimUser,
    message: proto.IMessage,
    opts: { device?: number; id?: string } = {},
  ): Promise<string> {
    const deviceId = opts.device ?? 0;
    const device = sender.devices.get(deviceId);
    if (!device) throw new Error(`${sender.user} has no simulated device ${deviceId}`);
    if (!group.participants.has(sender)) throw new Error(`${sender.user} is not a member of ${group.jid}`);
    const id = opts.id ?? newMessageId();
    return this.serial(() => this.sendNow(group, sender, deviceId, device, message, id));
  }

  private async sendNow(
    group: GroupRecord,
    sender: SimUser,
    deviceId: number,
    device: SignalDevice,
    message: proto.IMessage,
    id: string,
  ): Promise<string> {
    const party = this.partyOf(device);
    const senderName = addressOf(group.addressingMode, sender, deviceId);
    // Taken before encrypting: a distribution carries the chain's current iteration, so it must predate the
    // message it is meant to unlock.
    const distribution = await party.createDistribution(group.jid);
    const skmsg: BinaryNode = {
      tag: 'enc',
      attrs: { v: '2', type: 'skmsg' },
      content: await party.encrypt(group.jid, encode(message)),
    };
    const attrs = {
      id,
      from: group.jid,
      type: stanzaType(message),
      t: now(),
      notify: sender.name,
      ...actorAttrs(group.addressingMode, sender, deviceId),
    };
    const stanza: BinaryNode = { tag: 'message', attrs, content: [skmsg] };
    const key = `${group.jid} ${senderName}`;
    const holders = this.distributed.get(key) ?? new Set<string>();
    this.distributed.set(key, holders);
    for (const member of group.participants.keys()) {
      for (const { account, companion } of companionsOf(member)) {
        const content = [skmsg];
        const holder = `${account.user}:${companion.device}`;
        if (!holders.has(holder)) {
          // Like any WhatsApp client: the sender key goes out once per device, inside a pairwise Signal message.
          content.unshift(await this.carrier(device, account, companion.device, group, distribution));
          holders.add(holder);
        }
        this.server.deliver(account, companion.device, { tag: 'message', attrs, content });
      }
      // Simulated members are in-process: the distribution reaches them directly, the skmsg is still decrypted.
      for (const [otherId, other] of member.devices) {
        if (other === device) continue;
        const theirs = this.partyOf(other);
        if (!theirs.hasSenderKey(group.jid, senderName))
          await theirs.processDistribution(group.jid, senderName, distribution);
        await this.decryptInto(
          group,
          member,
          other,
          senderName,
          skmsg,
          { id, from: device.jid, stanza },
          otherId,
        );
      }
    }
    return id;
  }

  /** `<enc type=pkmsg|msg>` for one companion, carrying `distribution` (a session is started if need be). */
  private async carrier(
    device: SignalDevice,
    account: Account,
    companion: number,
    group: GroupRecord,
    distribution: Buffer,
  ): Promise<BinaryNode> {
    const label = companionLabel(account, companion);
    const bundle = (await device.hasSession(label))
      ? undefined
      : (deviceBundle(account, companion) ?? undefined);
    const { type, ciphertext } = await device.encryptFor(
      { address: label, bundle },
      encode({
        senderKeyDistributionMessage: {
          groupId: group.jid,
          axolotlSenderKeyDistributionMessage: distribution,
        },
      }),
    );
    return { tag: 'enc', attrs: { v: '2', type }, content: ciphertext };
  }

  /** A companion sent a group message (already acked): decrypt it for simulated members, forward the rest. */
  relay(conn: Connection, sender: Account, companion: Companion, node: BinaryNode, group: GroupRecord): void {
    void this.serial(() => this.relayNow(conn, sender, companion, node, group));
  }

  private async relayNow(
    conn: Connection,
    sender: Account,
    companion: Companion,
    node: BinaryNode,
    group: GroupRecord,
  ): Promise<void> {
    const id = node.attrs.id ?? '';
    // The sender key is filed under the identity Baileys encrypted with: its LID device in LID groups, its PN
    // device otherwise (relayMessage's groupSenderIdentity).
    const senderName = addressOf(group.addressingMode, sender, companion.device);
    const label = companionLabel(sender, companion.device);
    const skmsg = getBinaryNodeChildren(node, 'enc').find((e) => e.attrs.type === 'skmsg');
    const copies = new Map<string, BinaryNode>();
    for (const target of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
      const enc = getBinaryNodeChild(target, 'enc');
      const found = this.server.resolve(target.attrs.jid ?? '');
      if (!enc || !found || !(enc.content instanceof Uint8Array)) continue;
      const simulated = found.user.devices.get(found.device);
      if (!simulated) {
        copies.set(`${found.user.user}:${found.device}`, enc);
        continue;
      }
      try {
        await this.openPairwise(simulated, group, { label, senderName }, enc, enc.content);
      } catch (err) {
        this.fail(group, simulated, err);
      }
    }
    const meta = { id, from: `${sender.user}:${companion.device}@${S_WHATSAPP_NET}`, stanza: node };
    if (node.attrs.participant) return this.resendTo(conn, group, node, { label, senderName }, meta);
    const delivered = new Set<SimUser>();
    for (const member of group.participants.keys()) {
      for (const [deviceId, device] of member.devices) {
        const read =
          !!skmsg && (await this.decryptInto(group, member, device, senderName, skmsg, meta, deviceId));
        if (read && member !== sender) delivered.add(member);
      }
      for (const { account, companion: other } of companionsOf(member)) {
        // Baileys may list its own device among the recipients (LID groups); the sender never gets a copy.
        if (member === sender && other.device === companion.device) continue;
        const own = copies.get(`${member.user}:${other.device}`);
        this.server.deliver(account, other.device, {
          tag: 'message',
          attrs: {
            id,
            from: group.jid,
            type: node.attrs.type ?? 'text',
            t: now(),
            notify: sender.name,
            ...actorAttrs(group.addressingMode, sender, companion.device),
          },
          content: [...(own ? [own] : []), ...(skmsg ? [skmsg] : [])],
        });
      }
    }
    // Each member that could read it confirms delivery, as a phone does once it has decrypted the message.
    for (const user of delivered) {
      void conn.send({
        tag: 'receipt',
        attrs: { id, from: group.jid, participant: addressOf(group.addressingMode, user), t: now() },
      });
    }
  }

  /**
   * A resend to one member's device (Baileys' answer to a retry receipt): the message, with the sender key folded
   * in, is encrypted for that device alone, and the server hands it to that device only.
   */
  private async resendTo(
    conn: Connection,
    group: GroupRecord,
    node: BinaryNode,
    { label, senderName }: { label: string; senderName: string },
    meta: { id: string; from: string; stanza: BinaryNode },
  ): Promise<void> {
    const target = node.attrs.participant!;
    const found = this.server.resolve(target);
    const simulated = found?.user.devices.get(found.device);
    const enc = getBinaryNodeChildren(node, 'enc').find((e) => e.attrs.type !== 'skmsg');
    if (!found || !simulated || !(enc?.content instanceof Uint8Array)) {
      // Said, not dropped without a word: resends to real clients' devices are not modelled.
      const why = simulated ? 'a resend without a readable enc' : 'a resend to a device not simulated here';
      this.fail(group, { jid: target }, why);
      return;
    }
    try {
      const message = await this.openPairwise(simulated, group, { label, senderName }, enc, enc.content);
      const encType = enc.attrs.type as 'pkmsg' | 'msg';
      found.user.record({ ...meta, device: found.device, chat: group.jid, message, encType });
      void conn.send({
        tag: 'receipt',
        attrs: { id: meta.id, from: group.jid, participant: target, t: now() },
      });
    } catch (err) {
      this.fail(group, simulated, err);
    }
  }

  /** A member device opens its pairwise copy; a sender key folded into it is taken in. */
  private async openPairwise(
    device: SignalDevice,
    group: GroupRecord,
    { label, senderName }: { label: string; senderName: string },
    enc: BinaryNode,
    content: Uint8Array,
  ): Promise<proto.IMessage> {
    const message = decode(await device.decryptFrom(label, enc.attrs.type as 'pkmsg' | 'msg', content));
    const skdm = message.senderKeyDistributionMessage?.axolotlSenderKeyDistributionMessage;
    if (skdm) await this.partyOf(device).processDistribution(group.jid, senderName, skdm);
    return message;
  }

  private async decryptInto(
    group: GroupRecord,
    member: SimUser,
    device: SignalDevice,
    senderName: string,
    skmsg: BinaryNode,
    meta: { id: string; from: string; stanza: BinaryNode },
    deviceId: number,
  ): Promise<boolean> {
    const party = this.partyOf(device);
    if (!party.hasSenderKey(group.jid, senderName)) {
      this.fail(group, device, `no sender key from ${senderName}`);
      return false;
    }
    try {
      const plain = await party.decrypt(group.jid, senderName, skmsg.content as Uint8Array);
      member.record({
        ...meta,
        device: deviceId,
        chat: group.jid,
        message: decode(plain),
        encType: 'skmsg',
      });
      return true;
    } catch (err) {
      this.fail(group, device, err);
      return false;
    }
  }
}
