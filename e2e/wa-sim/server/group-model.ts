// What a group is on the simulated server and how it is written on the wire: PN- or LID-addressed member
// names, the `<group>` metadata node, `<participant>` entries. Shared by the registry (./groups) and group
// message routing (./group-messages).
import type { BinaryNode } from '@whiskeysockets/baileys';
import { S_WHATSAPP_NET, type SimUser } from './model';

export type AddressingMode = 'pn' | 'lid';
export type Role = 'superadmin' | 'admin' | null;
export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

export interface GroupRecord {
  jid: string;
  subject: string;
  subjectOwner: SimUser;
  subjectTime: number;
  creator: SimUser;
  creation: number;
  /** How members are named on the wire: by phone number (with LIDs alongside) or by LID (with phone numbers). */
  addressingMode: AddressingMode;
  /** In joining order, which is the order WhatsApp lists them in. */
  participants: Map<SimUser, Role>;
  /** Metadata queries (`w:g2` get) linked clients made, so tests can see what a client's cache saves. */
  metadataQueries: number;
}

/** A user, or one of its devices, as a group in `mode` names it. */
export function addressOf(mode: AddressingMode, user: SimUser, device = 0): string {
  const base = mode === 'lid' ? user.lidUser : user.user;
  const server = mode === 'lid' ? 'lid' : S_WHATSAPP_NET;
  return device ? `${base}:${device}@${server}` : `${base}@${server}`;
}

/**
 * `participant` in the group's addressing plus the other form (`participant_lid` / `participant_pn`): Baileys
 * learns the PN↔LID mapping from the pair, and reads `addressing_mode` to know which is which.
 */
export function actorAttrs(mode: AddressingMode, user: SimUser, device = 0): Record<string, string> {
  const other: AddressingMode = mode === 'lid' ? 'pn' : 'lid';
  return {
    participant: addressOf(mode, user, device),
    [`participant_${other}`]: addressOf(other, user, device),
    addressing_mode: mode,
  };
}

/** `<participant>` as metadata and notifications carry it: PN groups add `lid`, LID groups `phone_number`. */
export function participantNode(group: GroupRecord, user: SimUser, role?: Role): BinaryNode {
  const attrs: Record<string, string> =
    group.addressingMode === 'lid'
      ? { jid: user.lid, phone_number: user.jid }
      : { jid: user.jid, lid: user.lid };
  if (role) attrs.type = role;
  return { tag: 'participant', attrs };
}

/** The `<group>` node Baileys' extractGroupMetadata reads (the id goes without `@g.us`, as WhatsApp sends it). */
export function groupNode(group: GroupRecord): BinaryNode {
  const mode = group.addressingMode;
  return {
    tag: 'group',
    attrs: {
      id: group.jid.split('@')[0]!,
      subject: group.subject,
      s_t: String(group.subjectTime),
      s_o: addressOf(mode, group.subjectOwner),
      creation: String(group.creation),
      creator: addressOf(mode, group.creator),
      ...(mode === 'lid' ? { s_o_pn: group.subjectOwner.jid, creator_pn: group.creator.jid } : {}),
      addressing_mode: mode,
      size: String(group.participants.size),
    },
    content: [...group.participants].map(([user, role]) => participantNode(group, user, role)),
  };
}
