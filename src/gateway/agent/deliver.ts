// A run's final text as outbox payloads: NO_REPLY and empty answers send nothing; otherwise the reply goes through
// the same formatting as every send (Markdown → WhatsApp, the account's response prefix and chunking), and a media
// item that cannot be used becomes a warning line instead of losing the reply.
import path from 'node:path';
import type { Logger } from 'pino';
import { resolveAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import { composeReply } from '../outbound/compose';
import { responsePrefix } from '../outbound/text';
import type { OutboundPayload } from '../outbound/types';
import { stripHeartbeatToken } from './heartbeat/strip';
import { parseReply } from './reply';

export async function replyPayloads(input: {
  cfg: OpenClawConfig;
  stateDir: string;
  accountId: string;
  /** The owner's own chat gets the response prefix by default (like every other send there). */
  selfChat: boolean;
  text: string;
  log: Pick<Logger, 'warn'>;
  signal?: AbortSignal;
}): Promise<OutboundPayload[]> {
  const { cfg, accountId } = input;
  // HEARTBEAT_OK never reaches a chat, whatever run produced the text (field lesson 18).
  const reply = parseReply(stripHeartbeatToken(input.text).text);
  if (reply.silent || (!reply.text && reply.media.length === 0)) return [];
  const acct = resolveAccount(cfg, accountId, input.stateDir);
  return composeReply(
    { text: reply.text, media: reply.media },
    {
      limit: acct.textChunkLimit,
      mode: acct.chunkMode,
      prefix: responsePrefix(cfg, accountId, { selfChat: input.selfChat }),
      maxBytes: cfg.agents.defaults.mediaMaxMb * 1024 * 1024,
      dir: path.join(input.stateDir, 'media', 'outbound', accountId),
      strictMedia: false,
      allowPrivateNetwork: cfg.agents.defaults.mediaAllowPrivateNetwork,
      warn: (message) => input.log.warn({ accountId }, message),
      signal: input.signal,
    },
  );
}
