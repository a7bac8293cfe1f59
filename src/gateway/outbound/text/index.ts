// A reply's text as the WhatsApp messages to send: Markdown turned into WhatsApp formatting, the response prefix put
// in front, then cut into chunks. In that order: chunk lengths are measured on what is sent, and the prefix counts
// against the first chunk's limit (it appears once per reply, not per message).
import { resolveAccount } from '../../config/account';
import type { OpenClawConfig } from '../../config/schema';
import { chunkText, type ChunkMode } from './chunk';
import { markdownToWhatsApp } from './markdown';
import { applyPrefix, responsePrefix } from './prefix';

export { chunkText, type ChunkMode } from './chunk';
export { markdownToWhatsApp } from './markdown';
export { applyPrefix, responsePrefix, DEFAULT_RESPONSE_PREFIX } from './prefix';

export interface RenderOptions {
  /** Longest message in characters (`textChunkLimit`, 4000 by default). */
  limit: number;
  mode: ChunkMode;
  /** From responsePrefix(); "" for none. */
  prefix: string;
}

/** The messages for one reply, in order; [] when there is nothing to say. */
export function renderReply(text: string, opts: RenderOptions): string[] {
  const body = markdownToWhatsApp(text);
  if (body.trim() === '') return [];
  return chunkText(applyPrefix(body, opts.prefix), opts.limit, opts.mode);
}

/**
 * renderReply with the account's own settings: its `textChunkLimit`, `chunkMode` and response prefix. `selfChat`
 * is true when the message goes to the account's own number (the owner's "message yourself" chat).
 */
export function renderForAccount(
  text: string,
  cfg: OpenClawConfig,
  accountId: string,
  opts: { selfChat: boolean },
): string[] {
  // Chunking and prefix do not depend on where credentials live, so any state dir gives the same view.
  const acct = resolveAccount(cfg, accountId, '');
  return renderReply(text, {
    limit: acct.textChunkLimit,
    mode: acct.chunkMode,
    prefix: responsePrefix(cfg, accountId, opts),
  });
}
