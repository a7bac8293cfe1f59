// The user turn: every message waiting for this session (one, or several folded in while a run was busy) as ONE
// turn, in order. Each message is its inbound envelope preceded by a small id line, because the model can only
// react to a message whose id it was told. Images go to image-input models as real image parts after their text;
// everyone else reads the envelope's placeholder. Nothing here throws for a file's sake: a lost image is a note.
import fsp from 'node:fs/promises';
import type { ChatMessage, ContentPart } from './providers/types';

export interface TurnMessage {
  /** accepted.body as inbound built it: sender, time, quoted reply, group history already in it. */
  envelope: string;
  messageId: string;
  chatJid: string;
  /** The sender's JID (the participant a group reaction needs). */
  senderJid?: string;
  fromMe?: boolean;
  /** Where inbound saved the message's media, if it did. */
  mediaPath?: string;
  mediaType?: string;
}

export interface UserTurnOptions {
  /** The model's `input` includes "image". */
  images: boolean;
  /** Reads a saved media file (tests and other stores); the file system by default. */
  readFile?: (path: string) => Promise<Buffer>;
  /** Largest image sent to the model, in bytes (default 5 MB): providers refuse bigger ones and they cost a lot. */
  maxImageBytes?: number;
}

export const DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024;
// What the image APIs of both wire formats accept; anything else would fail the whole request.
const MODEL_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** Ids come from WhatsApp and JIDs from the network: keep them from breaking out of their bracketed line. */
function idPart(s: string): string {
  return s.replace(/[\s[\]]+/g, '_');
}

/** The line that tells the model how to address this message with the whatsapp tool. */
export function messageIdLine(m: TurnMessage): string {
  const parts = [`message_id: ${idPart(m.messageId)}`, `chat: ${idPart(m.chatJid)}`];
  if (m.chatJid.endsWith('@g.us') && m.senderJid && !m.fromMe) {
    parts.push(`participant: ${idPart(m.senderJid)}`);
  }
  if (m.fromMe) parts.push('from_me: true');
  return `[${parts.join(' ')}]`;
}

function size(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}

type Loaded = { ok: true; part: ContentPart } | { ok: false; note: string };

async function loadImage(m: TurnMessage & { mediaPath: string }, opts: UserTurnOptions): Promise<Loaded> {
  const cap = opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const mimeType = (m.mediaType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!MODEL_IMAGE_TYPES.has(mimeType)) {
    return { ok: false, note: `[image not shown to you: ${mimeType} is not a format the model reads]` };
  }
  try {
    // Without a custom reader, look at the size first so an oversized file is never read into memory.
    if (!opts.readFile) {
      const st = await fsp.stat(m.mediaPath);
      if (st.size > cap) return { ok: false, note: tooLarge(st.size, cap) };
    }
    const data = await (opts.readFile ?? ((p: string) => fsp.readFile(p)))(m.mediaPath);
    if (data.length > cap) return { ok: false, note: tooLarge(data.length, cap) };
    return { ok: true, part: { type: 'image', mimeType, dataBase64: data.toString('base64') } };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'the saved file is gone' : `the saved file could not be read (${code ?? 'error'})`;
    return { ok: false, note: `[image not shown to you: ${why}]` };
  }
}

function tooLarge(bytes: number, cap: number): string {
  return `[image not shown to you: ${size(bytes)} is over the ${size(cap)} limit for images]`;
}

const isImage = (m: TurnMessage): m is TurnMessage & { mediaPath: string } =>
  !!m.mediaPath && (m.mediaType ?? '').toLowerCase().startsWith('image/');

export async function userTurn(messages: TurnMessage[], opts: UserTurnOptions): Promise<ChatMessage> {
  if (messages.length === 0) throw new Error('userTurn needs at least one message');
  const parts: ContentPart[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push({ type: 'text', text });
    text = '';
  };
  for (const m of messages) {
    if (text) text += '\n\n';
    text += `${messageIdLine(m)}\n${m.envelope}`;
    if (!opts.images || !isImage(m)) continue;
    const loaded = await loadImage(m, opts);
    if (loaded.ok) {
      flush();
      parts.push(loaded.part);
    } else {
      text += `\n${loaded.note}`;
    }
  }
  flush();
  // Plain text when there is no image: the simplest shape every provider and transcript handles.
  if (parts.every((p) => p.type === 'text')) {
    return { role: 'user', content: parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n\n') };
  }
  return { role: 'user', content: parts };
}
