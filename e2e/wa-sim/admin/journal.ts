// What each simulated person received, with a stable sequence number per person so the admin API can answer
// "everything since N" and the event stream can announce each message once.
//
// The simulator's Recorder keeps at most MAX_RECORDED items and has no push listener, so array indices shift
// once it is full. The journal therefore remembers the last item it saw (by identity) and treats everything
// after it as new; a short poll plus a sync on every read keeps it current without touching server code.
import type { proto } from '@whiskeysockets/baileys';
import { MAX_RECORDED, type ReceivedMessage, type SimUser } from '../server/model';
import type { WaSimServer } from '../server/sim';

export type MessageKind =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'reaction'
  | 'location'
  | 'contact'
  | 'other';

export interface MessageSummary {
  /** Position in this person's journal; pass `next` from the last answer as `since` to get only newer ones. */
  seq: number;
  /** The simulated person who received it (E.164). */
  person: string;
  id: string;
  /** Which of the person's simulated devices decrypted it (a contact with two devices gets two copies). */
  device: number;
  from: string;
  chat: string;
  destination?: string;
  text?: string;
  kind: MessageKind;
  encType: ReceivedMessage['encType'];
  /** Milliseconds: the stanza's `t` when it has one, else when the journal first saw the message. */
  timestamp: number;
}

interface Log {
  next: number;
  last: ReceivedMessage | undefined;
  entries: MessageSummary[];
}

const KIND_OF_KEY: Record<string, MessageKind> = {
  conversation: 'text',
  extendedTextMessage: 'text',
  imageMessage: 'image',
  videoMessage: 'video',
  ptvMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
  reactionMessage: 'reaction',
  locationMessage: 'location',
  liveLocationMessage: 'location',
  contactMessage: 'contact',
  contactsArrayMessage: 'contact',
};

// Containers Baileys and WhatsApp put around the content proper.
const WRAPPERS = [
  'ephemeralMessage',
  'viewOnceMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'documentWithCaptionMessage',
] as const;

function unwrap(message: proto.IMessage): proto.IMessage {
  let m = message;
  for (let depth = 0; depth < 4; depth++) {
    const inner = WRAPPERS.map((w) => m[w]?.message).find((x) => !!x);
    if (!inner) break;
    m = inner;
  }
  return m;
}

export function kindOf(message: proto.IMessage): MessageKind {
  const m = unwrap(message);
  for (const [key, kind] of Object.entries(KIND_OF_KEY))
    if ((m as Record<string, unknown>)[key] != null) return kind;
  return 'other';
}

export function textOf(message: proto.IMessage): string | undefined {
  const m = unwrap(message);
  const text =
    m.conversation ??
    m.extendedTextMessage?.text ??
    m.imageMessage?.caption ??
    m.videoMessage?.caption ??
    m.documentMessage?.caption ??
    m.reactionMessage?.text;
  return text ?? undefined;
}

export function e164Of(user: SimUser): string {
  return `+${user.user}`;
}

export class Journal {
  private readonly logs = new Map<string, Log>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly server: WaSimServer,
    private readonly onMessage: (m: MessageSummary) => void,
    pollMs = 100,
  ) {
    // Messages already received before the admin started are journalled without being announced.
    this.sync(false);
    this.timer = setInterval(() => this.sync(true), pollMs);
    this.timer.unref();
  }

  /** Brings every person's log up to date; announces new messages unless `announce` is false. */
  sync(announce = true): void {
    for (const user of [...this.server.accounts.values(), ...this.server.contacts.values()]) {
      for (const m of this.collect(user)) if (announce) this.onMessage(m);
    }
  }

  /** What `person` received from `since` on (as much of it as is still kept), and the `since` for next time. */
  read(user: SimUser, since = 0): { messages: MessageSummary[]; next: number } {
    this.sync();
    const log = this.logs.get(user.user);
    if (!log) return { messages: [], next: 0 };
    return { messages: log.entries.filter((e) => e.seq >= since), next: log.next };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private collect(user: SimUser): MessageSummary[] {
    const items = user.received.items;
    let log = this.logs.get(user.user);
    if (!log) {
      log = { next: 0, last: undefined, entries: [] };
      this.logs.set(user.user, log);
    }
    // -1 (the last seen item has been dropped by the Recorder's cap) means everything present is newer.
    const start = log.last ? items.lastIndexOf(log.last) + 1 : 0;
    if (start >= items.length) return [];
    const fresh = items.slice(start).map((m) => this.summarise(user, log, m));
    log.last = items[items.length - 1];
    log.entries.push(...fresh);
    if (log.entries.length > MAX_RECORDED) log.entries.splice(0, log.entries.length - MAX_RECORDED);
    return fresh;
  }

  private summarise(user: SimUser, log: Log, m: ReceivedMessage): MessageSummary {
    const t = Number(m.stanza.attrs.t);
    return {
      seq: log.next++,
      person: e164Of(user),
      id: m.id,
      device: m.device,
      from: m.from,
      chat: m.chat,
      destination: m.destination,
      text: textOf(m.message),
      kind: kindOf(m.message),
      encType: m.encType,
      timestamp: Number.isFinite(t) && t > 0 ? t * 1000 : Date.now(),
    };
  }
}
