// Groups on the simulated server: the registry, the `w:g2` IQs a companion sends (metadata, the groups it is in,
// admin changes), the `w:gp2` notifications that tell member companions about every change, and routing of
// group-addressed stanzas from companions. Sender-key crypto for group messages lives in ./group-messages.
import { randomInt } from 'node:crypto';
import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from '@whiskeysockets/baileys';
import type { Connection } from './connection';
import { GroupMessages } from './group-messages';
import {
  actorAttrs,
  addressOf,
  groupNode,
  participantNode,
  type AddressingMode,
  type GroupRecord,
  type ParticipantAction,
  type Role,
} from './group-model';
import { isGroupStanza } from './messaging';
import { Account, S_WHATSAPP_NET, type Companion, type SimUser } from './model';
import type { WaSimServer } from './sim';

export type { AddressingMode, GroupRecord, ParticipantAction, Role } from './group-model';

const now = () => Math.floor(Date.now() / 1000);

function iqReply(iq: BinaryNode, from: string, content?: BinaryNode[]): BinaryNode {
  return { tag: 'iq', attrs: { id: iq.attrs.id!, type: 'result', from }, content };
}

function iqError(iq: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { id: iq.attrs.id!, type: 'error', from: iq.attrs.to ?? S_WHATSAPP_NET },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}

const ACTIONS: readonly string[] = ['add', 'remove', 'promote', 'demote'];

export class GroupServer {
  readonly groups = new Map<string, GroupRecord>();
  readonly messages: GroupMessages;

  constructor(readonly server: WaSimServer) {
    this.messages = new GroupMessages(server);
    server.addHandler((conn, node) => this.handle(conn, node));
  }

  create(subject: string, creator: SimUser, members: SimUser[], addressingMode: AddressingMode): GroupRecord {
    let jid: string;
    do jid = `120363${String(randomInt(0, 1e12)).padStart(12, '0')}@g.us`;
    while (this.groups.has(jid));
    const t = now();
    const participants = new Map<SimUser, Role>([[creator, 'superadmin']]);
    for (const m of members) if (!participants.has(m)) participants.set(m, null);
    const group: GroupRecord = {
      jid,
      subject,
      subjectOwner: creator,
      subjectTime: t,
      creator,
      creation: t,
      addressingMode,
      participants,
      metadataQueries: 0,
    };
    this.groups.set(jid, group);
    // Members' companions learn of a new group the way WhatsApp tells them: a create notification with the
    // full metadata (Baileys emits groups.upsert and a GROUP_CREATE stub message).
    this.notify(group, creator, {
      tag: 'create',
      attrs: { reason: 'new', method: 'sim' },
      content: [groupNode(group)],
    });
    return group;
  }

  /** Applies a participant change by `by` and tells every member (and whoever was removed) about it. */
  change(group: GroupRecord, action: ParticipantAction, users: SimUser[], by: SimUser): void {
    // Only those the change really applies to are named, as WhatsApp does (no-ops send nothing).
    const affected = users.filter((user) => {
      const role = group.participants.get(user);
      if (action === 'add') return role === undefined;
      if (action === 'remove') return group.participants.has(user);
      return role !== undefined && role !== 'superadmin' && (action === 'promote') !== (role === 'admin');
    });
    if (!affected.length) return;
    for (const user of affected) {
      if (action === 'remove') group.participants.delete(user);
      else group.participants.set(user, action === 'promote' ? 'admin' : null);
    }
    const child: BinaryNode = {
      tag: action,
      attrs: {},
      content: affected.map((u) => participantNode(group, u)),
    };
    this.notify(group, by, child, action === 'remove' ? affected : []);
  }

  setSubject(group: GroupRecord, subject: string, by: SimUser): void {
    group.subject = subject;
    group.subjectOwner = by;
    group.subjectTime = now();
    const attrs: Record<string, string> = {
      subject,
      s_t: String(group.subjectTime),
      s_o: addressOf(group.addressingMode, by),
    };
    if (group.addressingMode === 'lid') attrs.s_o_pn = by.jid;
    this.notify(group, by, { tag: 'subject', attrs });
  }

  /** `<notification type=w:gp2>` from the group, acted by `actor`, to every member account's companions. */
  notify(group: GroupRecord, actor: SimUser, child: BinaryNode, alsoTo: SimUser[] = []): void {
    const node: BinaryNode = {
      tag: 'notification',
      attrs: {
        from: group.jid,
        type: 'w:gp2',
        id: String(randomInt(1, 2 ** 47)),
        t: String(now()),
        notify: actor.name,
        ...actorAttrs(group.addressingMode, actor),
      },
      content: [child],
    };
    for (const user of new Set([...group.participants.keys(), ...alsoTo])) {
      if (user instanceof Account)
        for (const c of user.linkedCompanions()) this.server.deliver(user, c.device, node);
    }
  }

  private handle(conn: Connection, node: BinaryNode): boolean {
    const account = conn.user ? this.server.accounts.get(conn.user) : undefined;
    const companion = conn.device === null ? undefined : account?.companions.get(conn.device);
    if (!account || !companion) return false;
    if (node.tag === 'iq' && node.attrs.xmlns === 'w:g2') {
      void conn.send(this.answerIq(account, node));
      return true;
    }
    if (!isGroupStanza(node)) return false;
    if (node.tag === 'receipt') {
      this.onReceipt(conn, account, companion, node);
      return true;
    }
    void conn.send({
      tag: 'ack',
      attrs: { class: 'message', id: node.attrs.id ?? '', from: node.attrs.to!, t: String(now()) },
    });
    const group = this.groups.get(node.attrs.to!);
    if (group) this.messages.relay(conn, account, companion, node, group);
    return true;
  }

  /** A companion's receipt for a group message: recorded on the member who sent it, then acked. */
  private onReceipt(conn: Connection, account: Account, companion: Companion, node: BinaryNode): void {
    const ids = [
      node.attrs.id!,
      ...getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'item').map((i) => i.attrs.id!),
    ];
    this.server.resolve(node.attrs.participant ?? '')?.user.receipts.push({
      ids,
      // No type, or "inactive" (a client not in the foreground): both mean delivered.
      type: !node.attrs.type || node.attrs.type === 'inactive' ? 'delivery' : node.attrs.type,
      from: `${account.user}:${companion.device}@${S_WHATSAPP_NET}`,
    });
    void conn.send({
      tag: 'ack',
      attrs: {
        class: 'receipt',
        id: node.attrs.id!,
        from: node.attrs.to!,
        participant: node.attrs.participant ?? '',
      },
    });
  }

  private answerIq(account: Account, iq: BinaryNode): BinaryNode {
    const to = iq.attrs.to ?? '';
    const child = Array.isArray(iq.content) ? iq.content[0] : undefined;
    if (to === '@g.us' && child?.tag === 'participating') {
      const mine = [...this.groups.values()].filter((g) => g.participants.has(account));
      return iqReply(iq, to, [{ tag: 'groups', attrs: {}, content: mine.map(groupNode) }]);
    }
    const group = this.groups.get(to);
    if (!group) return iqError(iq, 404, 'item-not-found');
    if (!group.participants.has(account)) return iqError(iq, 403, 'forbidden');
    if (iq.attrs.type === 'get' && child?.tag === 'query') {
      group.metadataQueries++;
      return iqReply(iq, to, [groupNode(group)]);
    }
    if (iq.attrs.type !== 'set' || !child) return iqError(iq, 501, 'feature-not-implemented');
    // Changes made from the linked client itself: only admins may make them, as in WhatsApp.
    if (!group.participants.get(account)) return iqError(iq, 403, 'not-authorized');
    if (child.tag === 'subject') {
      const subject = child.content instanceof Uint8Array ? Buffer.from(child.content).toString('utf8') : '';
      this.setSubject(group, subject, account);
      return iqReply(iq, to);
    }
    if (ACTIONS.includes(child.tag)) {
      const jids = getBinaryNodeChildren(child, 'participant').map((p) => p.attrs.jid ?? '');
      const found = jids.map((jid) => this.server.resolve(jid)?.user);
      const known = found.filter((u): u is SimUser => !!u);
      if (known.length) this.change(group, child.tag as ParticipantAction, known, account);
      return iqReply(iq, to, [
        {
          tag: child.tag,
          attrs: {},
          content: jids.map((jid, i): BinaryNode => ({
            tag: 'participant',
            attrs: found[i] ? { jid } : { jid, error: '404' },
          })),
        },
      ]);
    }
    return iqError(iq, 501, 'feature-not-implemented');
  }
}

const servers = new WeakMap<WaSimServer, GroupServer>();

/** One group registry per simulator, created with the first group so servers without groups stay untouched. */
export function groupServerFor(server: WaSimServer): GroupServer {
  let groups = servers.get(server);
  if (!groups) {
    groups = new GroupServer(server);
    servers.set(server, groups);
  }
  return groups;
}
