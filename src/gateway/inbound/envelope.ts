// What the model sees for one inbound message: a one-line header, the body, and a quoted reply appended — the
// reference system's format, so prompts and habits carry over. Pure functions, no Baileys types.

export interface EnvelopeInput {
  /** E.164 for direct chats, the group JID for groups. */
  from: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  body: string;
  /** Groups: who wrote it, appended after the body as the spec's sender tag ` [from: Name (+E164)]`. */
  sender?: { name?: string; e164?: string };
  quoted?: { id: string; body: string; sender?: { name?: string; e164?: string } };
  /** `utc` prints `2026-01-13T07:45Z`; otherwise the gateway's local time zone (or the one given). */
  time?: { utc?: boolean; timeZone?: string };
  /** Inbound prefix (channels.whatsapp.messagePrefix), put before the body. */
  prefix?: string;
}

const CHANNEL = 'WhatsApp';

/** Header parts must not break the header: newlines collapse to spaces and brackets become parentheses. */
export function sanitizeHeaderPart(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\[/g, '(')
    .replace(/\]/g, ')')
    .trim();
}

/** Building an Intl.DateTimeFormat costs far more than using one; one per time zone, and there are few. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 32;

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/** The last local stamp made: the messages of a burst share their minute, and formatToParts is slow. */
let lastStamp = { minute: NaN, zone: '', text: '' };

export function formatTimestamp(ms: number, time: EnvelopeInput['time'] = {}): string {
  const d = new Date(ms);
  if (time.utc) return `${d.toISOString().slice(0, 16)}Z`;
  const minute = Math.floor(ms / 60_000);
  const zone = time.timeZone ?? '';
  if (lastStamp.minute === minute && lastStamp.zone === zone) return lastStamp.text;
  const parts = Object.fromEntries(
    formatterFor(time.timeZone)
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const text = `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
  lastStamp = { minute, zone, text };
  return text;
}

/** `Alice (+15551234567)`, `+15551234567` or `Alice`, whichever is known. */
export function describeSender(sender: { name?: string; e164?: string } | undefined): string {
  const name = sender?.name ? sanitizeHeaderPart(sender.name) : '';
  if (name && sender?.e164) return `${name} (${sender.e164})`;
  return name || sender?.e164 || 'unknown sender';
}

/**
 * ` [from: Name (+E164)]`, ` [from: +E164]` or ` [from: Name]`; nothing when neither is known. The one place a group
 * line names its author: the spec's form, so the model never sees the sender twice.
 */
export function senderSuffix(sender: { name?: string; e164?: string } | undefined): string {
  if (!sender?.name?.trim() && !sender?.e164) return '';
  return ` [from: ${describeSender(sender)}]`;
}

export function formatEnvelope(input: EnvelopeInput): string {
  const header = `[${CHANNEL} ${sanitizeHeaderPart(input.from)} ${formatTimestamp(input.timestamp, input.time)}]`;
  const prefix = input.prefix ? `${input.prefix} ` : '';
  let text = `${header} ${prefix}${input.body}${senderSuffix(input.sender)}`;
  if (input.quoted) {
    const q = input.quoted;
    text += `\n\n[Replying to ${describeSender(q.sender)} id:${sanitizeHeaderPart(q.id)}]\n${q.body}\n[/Replying]`;
  }
  return text;
}
