// Group subject and participants, fetched from WhatsApp at most once per group every 5 minutes (the reference
// system's cache time): enough to name the group for the agent and to map a LID participant to a number, without a
// query per message. Bounded like every cache here.
import { jidNormalizedUser, type GroupMetadata } from '@whiskeysockets/baileys';
import type { GroupInfo } from '../inbound/port';

export const GROUP_META_TTL_MS = 5 * 60_000;
const MAX_GROUPS = 1000;

export class GroupMetaCache {
  private readonly entries = new Map<string, { at: number; info: Promise<GroupInfo | null> }>();

  constructor(
    private readonly fetch: (jid: string) => Promise<GroupMetadata>,
    private readonly now: () => number = Date.now,
  ) {}

  get(jid: string): Promise<GroupInfo | null> {
    const hit = this.entries.get(jid);
    if (hit && this.now() - hit.at < GROUP_META_TTL_MS) return hit.info;
    // A failed fetch is cached too (as null) for the same time: a group we cannot read is not asked every message.
    const info = this.fetch(jid).then(toInfo, () => null);
    this.entries.delete(jid);
    this.entries.set(jid, { at: this.now(), info });
    if (this.entries.size > MAX_GROUPS) this.entries.delete(this.entries.keys().next().value!);
    return info;
  }
}

function e164Of(jid: string | undefined): string | null {
  if (!jid || !jid.endsWith('@s.whatsapp.net')) return null;
  return `+${jidNormalizedUser(jid).split('@')[0]}`;
}

function toInfo(meta: GroupMetadata): GroupInfo {
  return {
    subject: meta.subject,
    participants: meta.participants.map((p) => ({
      jid: jidNormalizedUser(p.id),
      e164: e164Of(p.phoneNumber) ?? e164Of(p.id),
    })),
  };
}
