// One reply (text and media sources) as the outbox items to send, in the reference order: Markdown → WhatsApp
// style and the prefix, then chunks; with media, the first chunk is the first item's caption and the rest follow
// as text. A media item that cannot be used is an error for a person at the CLI (nothing is stored), but in an
// automatic reply it becomes a warning line, so the reply is never lost.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MediaError, prepareMedia } from './media';
import { renderReply } from './text';
import type { ChunkMode, RenderOptions } from './text';
import type { OutboundPayload } from './types';

export interface ComposeInput {
  text?: string;
  media?: string[];
  gifPlayback?: boolean;
}

export interface ComposeOptions {
  limit: number;
  mode: ChunkMode;
  prefix: string;
  /** Per media item (`agents.defaults.mediaMaxMb`). */
  maxBytes: number;
  /** Where prepared media files are kept (<state>/media/outbound/<account>). */
  dir: string;
  /** true: a media failure throws (CLI, API); false: it becomes a warning line (automatic replies). */
  strictMedia: boolean;
  /** `agents.defaults.mediaAllowPrivateNetwork`: media URLs may reach loopback and private addresses. */
  allowPrivateNetwork?: boolean;
  /** Told when a media item goes other than asked (audio not converted, a GIF sent still); the caller logs it. */
  warn?: (message: string) => void;
  signal?: AbortSignal;
}

/** The message to send instead of a media item that failed; names the item and the reason. */
export function mediaWarning(index: number, total: number, err: Error): string {
  const which = total > 1 ? `Attachment ${index + 1} of ${total}` : 'The attachment';
  return `⚠️ ${which} could not be sent: ${err.message}`;
}

/** The chat is told the file's name, not where it lives on this machine (the owner's log has the whole path). */
function withoutFolders(err: Error, source: string): string {
  if (/^https?:/i.test(source)) return err.message;
  const path = source.startsWith('file:') ? fileURLToPath(source) : source;
  return err.message.split(path).join(basename(path));
}

/** A reply without media: its text items only, with nothing to wait for. */
export function composeText(text: string | undefined, opts: RenderOptions): OutboundPayload[] {
  return text ? renderReply(text, opts).map((t): OutboundPayload => ({ kind: 'text', text: t })) : [];
}

export async function composeReply(input: ComposeInput, opts: ComposeOptions): Promise<OutboundPayload[]> {
  const sources = input.media ?? [];
  if (sources.length === 0) return composeText(input.text, opts);
  const chunks = input.text ? renderReply(input.text, opts) : [];
  const out: OutboundPayload[] = [];
  let caption = chunks.shift();
  for (const [i, source] of sources.entries()) {
    try {
      const media = await prepareMedia(source, {
        maxBytes: opts.maxBytes,
        dir: opts.dir,
        gifPlayback: input.gifPlayback,
        signal: opts.signal,
        allowPrivateNetwork: opts.allowPrivateNetwork,
        warn: opts.warn,
      });
      // Voice notes carry no caption in WhatsApp: the caption then goes as its own text first.
      if (caption !== undefined && media.kind === 'audio') {
        out.push({ kind: 'text', text: caption });
        caption = undefined;
      }
      out.push({ kind: 'media', media, ...(caption !== undefined ? { caption } : {}) });
      caption = undefined;
    } catch (err) {
      if (opts.strictMedia) throw err;
      if (caption !== undefined) out.push({ kind: 'text', text: caption });
      caption = undefined;
      const reason = err instanceof MediaError ? err : new Error('it could not be prepared');
      opts.warn?.(`attachment ${i + 1} of ${sources.length} not sent: ${reason.message}`);
      out.push({
        kind: 'text',
        text: mediaWarning(i, sources.length, new Error(withoutFolders(reason, source))),
      });
    }
  }
  return [...out, ...chunks.map((text): OutboundPayload => ({ kind: 'text', text }))];
}
