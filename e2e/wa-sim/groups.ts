// Groups in the test API: `const g = await sim.group('Team', { admin: phone, members: [alice, bob] })`, then
// `await g.send(alice, 'hello team')`, `await g.nextMessage(bob)`, `await g.add(carol, { by: alice })`. Members
// are phones (whose linked companions are real clients) and contacts (entirely simulated); every message is
// really sender-key encrypted and decrypted, every change reaches companions as a `w:gp2` notification.
import type { proto } from '@whiskeysockets/baileys';
import type { Contact, Content, Phone } from './index';
import type { GroupFailure } from './server/group-messages';
import {
  groupServerFor,
  type AddressingMode,
  type GroupRecord,
  type GroupServer,
  type Role,
} from './server/groups';
import type { ReceivedMessage } from './server/model';
import type { WaSimServer } from './server/sim';

export type { AddressingMode } from './server/groups';
export type Member = Phone | Contact;

export interface GroupOptions {
  /** The creator: the group's first (super)admin. */
  admin: Member;
  /** Everyone else at creation (the admin may be listed too). */
  members?: Member[];
  /** WhatsApp names group members by LID in newer groups; PN groups are the older form. Default `'pn'`. */
  addressingMode?: AddressingMode;
}

export interface ChangeOptions {
  /**
   * Who makes the change (default: the creator); the author in Baileys' events. Any member may act here: tests
   * script what people do, so admin rights are only enforced on changes a linked client asks the server for.
   */
  by?: Member;
}

const toMessage = (content: Content): proto.IMessage =>
  typeof content === 'string' ? { conversation: content } : content;

const many = (who: Member | Member[]) => (Array.isArray(who) ? who : [who]).map((m) => m.user);

export class SimGroup {
  private constructor(
    private readonly groups: GroupServer,
    readonly record: GroupRecord,
  ) {}

  /** Creates the group; member companions get the create notification (queued if offline). */
  static async create(server: WaSimServer, subject: string, opts: GroupOptions): Promise<SimGroup> {
    const groups = groupServerFor(server);
    const record = groups.create(
      subject,
      opts.admin.user,
      many(opts.members ?? []),
      opts.addressingMode ?? 'pn',
    );
    return new SimGroup(groups, record);
  }

  get jid(): string {
    return this.record.jid;
  }
  get subject(): string {
    return this.record.subject;
  }
  get addressingMode(): AddressingMode {
    return this.record.addressingMode;
  }

  /** How the group names `member` on the wire (its PN or LID JID, per the addressing mode). */
  addressOf(member: Member): string {
    return this.record.addressingMode === 'lid' ? member.lid : member.jid;
  }

  participants(): Array<{ jid: string; admin: Role }> {
    return [...this.record.participants].map(([user, admin]) => ({
      jid: this.record.addressingMode === 'lid' ? user.lid : user.jid,
      admin,
    }));
  }

  /** A member's device sends to the group. Resolves with the message id once every copy is out (or queued). */
  send(from: Member, content: Content, opts: { id?: string; device?: number } = {}): Promise<string> {
    return this.groups.messages.send(this.record, from.user, toMessage(content), opts);
  }

  /** The next message in this group that one of `member`'s simulated devices decrypted. */
  nextMessage(
    member: Member,
    match: (m: ReceivedMessage) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ReceivedMessage> {
    return member.user.received.next(
      (m) => m.chat === this.jid && match(m),
      `a message in ${this.jid} for ${member.e164}`,
      timeoutMs,
    );
  }

  /**
   * `member`'s simulated devices lose every sender key they received in this group (a phone restored from a backup):
   * the senders' next messages fail there, listed in `failures()`, until a sender distributes its key again.
   */
  loseSenderKeys(member: Member): Promise<void> {
    return this.groups.messages.forgetReceivedKeys(this.record, member.user);
  }

  /** How often linked clients asked the server for this group's metadata (subject, participants). */
  metadataQueries(): number {
    return this.record.metadataQueries;
  }

  /** Group messages a simulated device could not decrypt (missing sender key, broken session). */
  failures(): GroupFailure[] {
    return this.groups.messages.failures.filter((f) => f.group === this.jid);
  }

  async add(who: Member | Member[], opts: ChangeOptions = {}): Promise<void> {
    this.groups.change(this.record, 'add', many(who), this.actor(opts));
  }

  async remove(who: Member | Member[], opts: ChangeOptions = {}): Promise<void> {
    this.groups.change(this.record, 'remove', many(who), this.actor(opts));
  }

  async promote(who: Member | Member[], opts: ChangeOptions = {}): Promise<void> {
    this.groups.change(this.record, 'promote', many(who), this.actor(opts));
  }

  async demote(who: Member | Member[], opts: ChangeOptions = {}): Promise<void> {
    this.groups.change(this.record, 'demote', many(who), this.actor(opts));
  }

  async setSubject(subject: string, opts: ChangeOptions = {}): Promise<void> {
    this.groups.setSubject(this.record, subject, this.actor(opts));
  }

  private actor(opts: ChangeOptions) {
    const by = opts.by?.user ?? this.record.creator;
    if (!this.record.participants.has(by)) throw new Error(`${by.user} is not in ${this.jid}`);
    return by;
  }
}
