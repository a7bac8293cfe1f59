// The body text the model sees for one inbound message (the envelope header is added elsewhere). Placeholders
// follow the reference system (`<media:image>`…) so prompts written for it keep working. Pure, no Baileys.
import type { MediaKind, QuotedRef, RawInbound } from './types';

export function mediaPlaceholder(kind: MediaKind): string {
  return `<media:${kind}>`;
}

/** Location and contact fields are shown on one line, so a name cannot smuggle in lines of its own. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Six decimals is ~10 cm: enough to find the place, without float noise like 52.52000000000001. */
function coordinate(value: number): string {
  return String(Number(value.toFixed(6)));
}

function describeLocation(loc: NonNullable<RawInbound['location']>): string {
  const at = `(${coordinate(loc.latitude)}, ${coordinate(loc.longitude)})`;
  if (loc.live) return `📍 Live location ${at}`;
  const label = [loc.name, loc.address]
    .map((p) => (p ? oneLine(p) : ''))
    .filter(Boolean)
    .join(', ');
  return label ? `📍 Location: ${label} ${at}` : `📍 Location ${at}`;
}

function describeContact(card: { name: string; phones: string[] }): string {
  const name = oneLine(card.name) || 'unnamed';
  const phones = card.phones.map(oneLine).filter(Boolean);
  return phones.length ? `👤 Contact: ${name} (${phones.join(', ')})` : `👤 Contact: ${name}`;
}

export function describeInbound(raw: RawInbound, opts: { mediaNote?: string } = {}): string {
  // The sender's own words are kept verbatim (emoji, right-to-left text, whitespace); only what we generate is
  // normalised.
  const text = raw.text && raw.text.trim() ? raw.text : undefined;
  let body: string;
  if (raw.media) {
    let head = mediaPlaceholder(raw.media.kind);
    if (opts.mediaNote) head += ` (${oneLine(opts.mediaNote)})`;
    body = text ? `${head} ${text}` : head;
  } else {
    const lines: string[] = [];
    if (raw.location) lines.push(describeLocation(raw.location));
    if (raw.contacts?.length) lines.push(...raw.contacts.map(describeContact));
    if (raw.unsupported) lines.push(`<unsupported message: ${oneLine(raw.unsupported)}>`);
    if (text) lines.push(text);
    body = lines.join('\n');
  }
  // An empty body would read as "no message" downstream; the model should still know something arrived.
  return body.trim() ? body : '<empty message>';
}

export function describeQuoted(q: QuotedRef): string {
  if (q.text && q.text.trim()) return q.text;
  if (q.media) return mediaPlaceholder(q.media);
  return '<message>';
}
