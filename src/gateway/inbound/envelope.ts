// What the model sees for one inbound message: a one-line header, the body, and a quoted reply appended — the
// reference system's format, so prompts and habits carry over. Pure functions, no Baileys types.

export interface EnvelopeInput {
  /** E.164 for direct chats, the group JID for groups. */
  from: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  body: string;
  /** Groups: who wrote it, shown before the body as `Name (+E164): `. */
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

export function formatTimestamp(ms: number, time: EnvelopeInput['time'] = {}): string {
  const d = new Date(ms);
  if (time.utc) return `${d.toISOString().slice(0, 16)}Z`;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: time.timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/** `Alice (+15551234567)`, `+15551234567` or `Alice`, whichever is known. */
export function describeSender(sender: { name?: string; e164?: string } | undefined): string {
  const name = sender?.name ? sanitizeHeaderPart(sender.name) : '';
  if (name && sender?.e164) return `${name} (${sender.e164})`;
  return name || sender?.e164 || 'unknown sender';
}

export function formatEnvelope(input: EnvelopeInput): string {
  const header = `[${CHANNEL} ${sanitizeHeaderPart(input.from)} ${formatTimestamp(input.timestamp, input.time)}]`;
  const who = input.sender ? `${describeSender(input.sender)}: ` : '';
  const prefix = input.prefix ? `${input.prefix} ` : '';
  let text = `${header} ${prefix}${who}${input.body}`;
  if (input.quoted) {
    const q = input.quoted;
    text += `\n\n[Replying to ${describeSender(q.sender)} id:${sanitizeHeaderPart(q.id)}]\n${q.body}\n[/Replying]`;
  }
  return text;
}
