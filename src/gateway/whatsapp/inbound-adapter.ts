// The only place Baileys' message shapes are read. Everything after it works on RawInbound (inbound/types.ts),
// so policy and formatting stay pure and the durable inbox never stores a Baileys object. Every field here is
// sender-controlled: nothing is trusted to be present, well-formed or of the declared type.
import {
  isJidBroadcast,
  isJidNewsletter,
  isJidStatusBroadcast,
  jidDecode,
  jidNormalizedUser,
  proto,
  type WAMessage,
} from '@whiskeysockets/baileys';
import type { MediaKind, MediaRef, QuotedRef, RawInbound, SenderRef } from '../inbound/types';

export interface AdapterContext {
  accountId: string;
  upsertType: 'notify' | 'append';
  /** Our own JIDs without device, e.g. 15550001111@s.whatsapp.net and 1234@lid. */
  self: { pn: string | null; lid: string | null };
  /** Wraps sock.signalRepository.lidMapping.getPNForLID. */
  resolvePn(lid: string): Promise<string | null>;
}

export type AdapterResult = { ok: true; raw: RawInbound } | { ok: false; skip: string };

/** What WhatsApp means when a media message comes without a MIME type (the reference system's defaults). */
export const DEFAULT_MIMETYPES: Record<MediaKind, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

type Content = proto.IMessage;
type ContextInfo = proto.IContextInfo;

/** Wrappers around the real content; `message` inside each is what was sent. */
const WRAPPERS = [
  'ephemeralMessage',
  'viewOnceMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'documentWithCaptionMessage',
  'editedMessage',
] as const;

/** Keys that ride along with content (key material, device metadata) but are not content themselves. */
const NOT_CONTENT = new Set([
  'messageContextInfo',
  'senderKeyDistributionMessage',
  'fastRatchetKeySenderKeyDistributionMessage',
]);

const MEDIA_FIELDS: Array<[keyof Content, MediaKind]> = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  // Round video notes: a video with another name (same keys, same decryption).
  ['ptvMessage', 'video'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
];

/** The fields the media message types carry between them (each has a subset). */
type MediaFields = proto.Message.IImageMessage & proto.Message.IAudioMessage & proto.Message.IDocumentMessage;

/** Wrappers nest (an ephemeral view-once image), so peel until none is left; the bound stops hostile nesting. */
function unwrap(content: Content | null | undefined): Content | undefined {
  let c = content ?? undefined;
  for (let depth = 0; c && depth < 8; depth++) {
    const wrapper = WRAPPERS.find((k) => c?.[k]);
    if (!wrapper) break;
    c = c[wrapper]?.message ?? undefined;
  }
  return c;
}

function contentKeys(c: Content): string[] {
  return Object.keys(c).filter((k) => c[k as keyof Content] != null && !NOT_CONTENT.has(k));
}

/** Timestamps and sizes arrive as number, Long, or (after a JSON round trip) a plain {low, high}. */
function toNumber(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint' || typeof v === 'string') n = Number(v);
  else if (v && typeof v === 'object') {
    const o = v as { toNumber?: () => number; low?: unknown; high?: unknown; unsigned?: boolean };
    if (typeof o.toNumber === 'function') n = o.toNumber();
    else if (typeof o.low === 'number' && typeof o.high === 'number')
      n = (o.unsigned ? o.high >>> 0 : o.high) * 2 ** 32 + (o.low >>> 0);
  }
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

function base64(v: Uint8Array | string | null | undefined): string | undefined {
  if (typeof v === 'string') return v || undefined;
  if (!v || v.byteLength === 0) return undefined;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** `+<digits>` only from a phone-number JID; a LID's digits are not a phone number and must never pass as one. */
function e164Of(jid: string | null | undefined): string | null {
  const d = jid ? jidDecode(jid) : undefined;
  if (!d || (d.server !== 's.whatsapp.net' && d.server !== 'hosted')) return null;
  return /^\d{5,15}$/.test(d.user) ? `+${d.user}` : null;
}

const isPn = (jid: string | undefined): jid is string => !!jid && e164Of(jid) !== null;
const isLid = (jid: string | undefined): jid is string => !!jid && /@(hosted\.)?lid$/.test(jid);
const normalize = (jid: string | null | undefined): string | undefined =>
  jid ? jidNormalizedUser(jid) : undefined;

function isSelfJid(jid: string | undefined, ctx: AdapterContext): boolean {
  return !!jid && (jid === normalize(ctx.self.pn) || jid === normalize(ctx.self.lid));
}

async function lookupPn(lid: string, ctx: AdapterContext): Promise<string | null> {
  try {
    return e164Of(await ctx.resolvePn(lid));
  } catch {
    // A failed lookup is the same as no mapping: the sender stays LID-only rather than failing the message.
    return null;
  }
}

/** Who a JID is: PN form gives the number directly; LID form needs the alternate address or Baileys' mapping. */
async function resolveUser(jid: string, alt: string | undefined, ctx: AdapterContext): Promise<SenderRef> {
  const norm = jidNormalizedUser(jid);
  const altNorm = normalize(alt);
  if (isSelfJid(norm, ctx)) {
    const lid = normalize(ctx.self.lid);
    const e164 = e164Of(ctx.self.pn) ?? (lid ? await lookupPn(lid, ctx) : null);
    return { jid: norm, e164, ...(lid ? { lid } : {}) };
  }
  if (isPn(norm)) return { jid: norm, e164: e164Of(norm), ...(isLid(altNorm) ? { lid: altNorm } : {}) };
  if (isLid(norm)) {
    const e164 = isPn(altNorm) ? e164Of(altNorm) : await lookupPn(norm, ctx);
    return { jid: norm, e164, lid: norm };
  }
  return { jid: norm, e164: null };
}

/** A vCard's name and numbers. `waid` is WhatsApp's own E.164 digits; otherwise a number is kept as written
 * (a local number without a country code cannot be made E.164 without guessing). */
function parseVcard(card: proto.Message.IContactMessage): { name: string; phones: string[] } {
  const lines = (card.vcard ?? '').replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const field = (line: string, name: string) =>
    new RegExp(`^(?:[\\w-]+\\.)?${name}[;:]`, 'i').test(line) ? line.slice(line.indexOf(':') + 1) : undefined;
  const phones: string[] = [];
  let fn: string | undefined;
  for (const line of lines) {
    fn ??= field(line, 'FN')
      ?.replace(/\\([,;\\])/g, '$1')
      .trim();
    const tel = field(line, 'TEL');
    if (tel === undefined) continue;
    const waid = /;waid=(\d+)/i.exec(line.slice(0, line.indexOf(':')))?.[1];
    const compact = tel.replace(/[\s().-]/g, '');
    const phone = waid ? `+${waid}` : /^\+\d+$/.test(compact) ? compact : tel.trim();
    if (phone && !phones.includes(phone)) phones.push(phone);
  }
  return { name: str(card.displayName) ?? fn ?? '', phones };
}

interface Body {
  text?: string;
  media?: MediaRef;
  location?: RawInbound['location'];
  contacts?: RawInbound['contacts'];
  unsupported?: string;
  contextInfo?: ContextInfo | null;
}

/** Undefined fields are left out, so the stored JSON stays small and round-trips to an equal object. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function readMedia(kind: MediaKind, m: MediaFields): MediaRef {
  const fileLength = toNumber(m.fileLength);
  return compact<MediaRef>({
    kind,
    mimetype: str(m.mimetype) ?? DEFAULT_MIMETYPES[kind],
    fileName: str(m.fileName),
    fileLength: fileLength !== undefined && fileLength >= 0 ? fileLength : undefined,
    seconds: typeof m.seconds === 'number' ? m.seconds : undefined,
    ptt: typeof m.ptt === 'boolean' ? m.ptt : undefined,
    url: str(m.url),
    directPath: str(m.directPath),
    mediaKey: base64(m.mediaKey),
  });
}

function readBody(c: Content, key: string): Body {
  if (typeof c.conversation === 'string') return { text: c.conversation };
  if (c.extendedTextMessage) {
    return { text: c.extendedTextMessage.text ?? '', contextInfo: c.extendedTextMessage.contextInfo };
  }
  for (const [field, kind] of MEDIA_FIELDS) {
    const m = c[field] as MediaFields | null | undefined;
    if (m) return { media: readMedia(kind, m), text: str(m.caption), contextInfo: m.contextInfo };
  }
  if (c.locationMessage || c.liveLocationMessage) {
    const live = !c.locationMessage;
    const l = (c.locationMessage ?? c.liveLocationMessage)!;
    const place = c.locationMessage;
    return {
      location: compact({
        latitude: toNumber(l.degreesLatitude) ?? 0,
        longitude: toNumber(l.degreesLongitude) ?? 0,
        name: str(place?.name),
        address: str(place?.address),
        live: live || undefined,
      }),
      text: str(place ? place.comment : c.liveLocationMessage?.caption),
      contextInfo: l.contextInfo,
    };
  }
  if (c.contactMessage)
    return { contacts: [parseVcard(c.contactMessage)], contextInfo: c.contactMessage.contextInfo };
  if (c.contactsArrayMessage) {
    const a = c.contactsArrayMessage;
    return { contacts: (a.contacts ?? []).map(parseVcard), contextInfo: a.contextInfo };
  }
  const other = c[key as keyof Content] as { contextInfo?: ContextInfo | null } | undefined;
  return { unsupported: key, contextInfo: typeof other === 'object' ? other?.contextInfo : undefined };
}

async function readQuoted(ci: ContextInfo, ctx: AdapterContext): Promise<QuotedRef | undefined> {
  const id = str(ci.stanzaId);
  if (!id) return undefined;
  const quoted: QuotedRef = { id, fromMe: false };
  const participant = str(ci.participant);
  if (participant) {
    quoted.sender = await resolveUser(participant, undefined, ctx);
    quoted.fromMe = isSelfJid(quoted.sender.jid, ctx);
  }
  const qc = unwrap(ci.quotedMessage);
  const key = qc ? contentKeys(qc)[0] : undefined;
  if (qc && key) {
    const body = readBody(qc, key);
    if (body.text) quoted.text = body.text;
    if (body.media) quoted.media = body.media.kind;
  }
  return quoted;
}

function skip(reason: string): AdapterResult {
  return { ok: false, skip: reason };
}

function protocolReason(p: proto.Message.IProtocolMessage): string {
  const name = typeof p.type === 'number' ? proto.Message.ProtocolMessage.Type[p.type] : undefined;
  return name ? `protocol: ${name.toLowerCase().replace(/_/g, ' ')}` : 'protocol';
}

export async function toRawInbound(msg: WAMessage, ctx: AdapterContext): Promise<AdapterResult> {
  const remote = str(msg.key?.remoteJid);
  const id = str(msg.key?.id);
  if (!remote) return skip('no chat');
  if (isJidStatusBroadcast(remote)) return skip('status');
  if (isJidBroadcast(remote)) return skip('broadcast');
  if (isJidNewsletter(remote)) return skip('newsletter');
  if (!id) return skip('no id');
  if (!msg.message) return skip(msg.messageStubType ? 'stub' : 'no content');

  const content = unwrap(msg.message);
  const keys = content ? contentKeys(content) : [];
  if (!content || keys.length === 0) {
    const keyOnly =
      content?.senderKeyDistributionMessage || content?.fastRatchetKeySenderKeyDistributionMessage;
    return skip(keyOnly ? 'sender key distribution' : 'no content');
  }
  if (content.protocolMessage) return skip(protocolReason(content.protocolMessage));
  if (content.reactionMessage || content.encReactionMessage) return skip('reaction');

  const chatJid = jidNormalizedUser(remote);
  const isGroup = chatJid.endsWith('@g.us');
  const fromMe = msg.key.fromMe === true;
  let sender: SenderRef;
  if (isGroup) {
    const participant =
      str(msg.key.participant) ?? (fromMe ? (ctx.self.pn ?? ctx.self.lid ?? undefined) : undefined);
    if (!participant) return skip('no participant');
    sender = await resolveUser(participant, str(msg.key.participantAlt), ctx);
  } else if (fromMe) {
    const own = ctx.self.pn ?? ctx.self.lid;
    if (!own) return skip('own number unknown');
    sender = await resolveUser(own, undefined, ctx);
  } else {
    sender = await resolveUser(remote, str(msg.key.remoteJidAlt), ctx);
  }
  const name = str(msg.pushName);
  if (name) sender.name = name;

  const body = readBody(content, keys[0]!);
  const ci = body.contextInfo ?? undefined;
  const mentions = (ci?.mentionedJid ?? []).filter((j): j is string => typeof j === 'string' && j !== '');
  const quoted = ci ? await readQuoted(ci, ctx) : undefined;
  const seconds = toNumber(msg.messageTimestamp);

  const raw = compact<RawInbound>({
    accountId: ctx.accountId,
    id,
    chatJid,
    isGroup,
    fromMe,
    selfChat: !isGroup && isSelfJid(chatJid, ctx),
    sender,
    // A message without a stamp is one that just arrived; the envelope needs some time to show.
    timestamp: seconds !== undefined && seconds > 0 ? seconds * 1000 : Date.now(),
    upsertType: ctx.upsertType,
    text: body.text,
    mentions,
    quoted,
    media: body.media,
    location: body.location,
    contacts: body.contacts,
    unsupported: body.unsupported,
  });
  return { ok: true, raw };
}
