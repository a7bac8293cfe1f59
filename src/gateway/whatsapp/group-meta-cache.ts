// Group metadata (subject, participants, addressing mode), fetched from WhatsApp at most once per group every 5
// minutes (the reference system's cache time), for the inbound side (the group's name for the agent, a LID
// participant mapped to a number) and for Baileys' sends (cachedGroupMetadata), which otherwise ask WhatsApp for
// the participants before every group message: a round trip before each reply, and traffic a careful client avoids.
// A change to a group (members, subject, settings) drops its entry, so the next send goes to the members as they
// are now; a new member's devices get the sender key with that very message. Bounded like every cache here.
import { jidNormalizedUser, type GroupMetadata, type WASocket } from '@whiskeysockets/baileys';
import type { GroupInfo } from '../inbound/port';

export const GROUP_META_TTL_MS = 5 * 60_000;
/** The socket events that keep the cache true (see watch()); removed with the socket. */
export const GROUP_EVENTS = ['groups.upsert', 'groups.update', 'group-participants.update'] as const;
const MAX_GROUPS = 1000;

interface Entry {
  at: number;
  /** undefined: WhatsApp would not say (cached as such for the same time, so such a group is not asked per message). */
  meta: Promise<GroupMetadata | undefined>;
  info?: Promise<GroupInfo | null>;
}

export class GroupMetaCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly fetch: (jid: string) => Promise<GroupMetadata>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A cache that asks through whichever socket the account has at the time. */
  static over(socket: () => WASocket | null, accountId: string): GroupMetaCache {
    return new GroupMetaCache((jid) => {
      const sock = socket();
      if (!sock) return Promise.reject(new Error(`WhatsApp account "${accountId}" is not connected`));
      return sock.groupMetadata(jid);
    });
  }

  /** The group's metadata, cached or asked for now; undefined when WhatsApp would not say. */
  metadata(jid: string): Promise<GroupMetadata | undefined> {
    return this.entry(jid).meta;
  }

  /** What the inbound side needs of a group; null when WhatsApp would not say. */
  info(jid: string): Promise<GroupInfo | null> {
    const entry = this.entry(jid);
    entry.info ??= entry.meta.then((meta) => (meta ? toInfo(meta) : null));
    return entry.info;
  }

  /** Metadata WhatsApp sent unasked (a group we created or were added to). */
  put(meta: GroupMetadata): void {
    this.set(meta.id, Promise.resolve(meta));
  }

  /** The group changed: asked again on next use. A fetch already under way no longer fills the cache. */
  forget(jid: string): void {
    this.entries.delete(jid);
  }

  /** A new connection: whatever changed while none was open is asked again. */
  clear(): void {
    this.entries.clear();
  }

  /** Keeps the cache true to what `sock` hears: groups it is told about, and changes to them. */
  watch(sock: WASocket): void {
    sock.ev.on('groups.upsert', (groups) => groups.forEach((g) => this.put(g)));
    sock.ev.on('groups.update', (updates) => updates.forEach((u) => u.id && this.forget(u.id)));
    sock.ev.on('group-participants.update', ({ id }) => this.forget(id));
  }

  private entry(jid: string): Entry {
    const hit = this.entries.get(jid);
    if (hit && this.now() - hit.at < GROUP_META_TTL_MS) return hit;
    return this.set(
      jid,
      this.fetch(jid).catch(() => undefined),
    );
  }

  private set(jid: string, meta: Promise<GroupMetadata | undefined>): Entry {
    const entry: Entry = { at: this.now(), meta };
    this.entries.delete(jid);
    this.entries.set(jid, entry);
    if (this.entries.size > MAX_GROUPS) this.entries.delete(this.entries.keys().next().value!);
    return entry;
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
