// Which emoji, if any, to react with the moment a message is accepted, so the sender sees it arrived before the
// reply is ready. Pure: the caller sends it fire-and-forget.

export interface AckReactionConfig {
  /** Empty or missing switches the feature off. */
  emoji?: string;
  /** React in direct chats (default true). */
  direct?: boolean;
  /** Groups: every message, only when addressed (default), or never. */
  group?: 'always' | 'mentions' | 'never';
}

export interface AckReactionContext {
  isGroup: boolean;
  mentioned: boolean;
  activation: 'mention' | 'always';
}

export function ackReactionFor(cfg: AckReactionConfig, ctx: AckReactionContext): string | null {
  const emoji = cfg.emoji?.trim();
  if (!emoji) return null;
  if (!ctx.isGroup) return cfg.direct === false ? null : emoji;
  switch (cfg.group ?? 'mentions') {
    case 'always':
      return emoji;
    case 'never':
      return null;
    case 'mentions':
      // In an "always" group every message is addressed to the assistant, so every one gets the ack.
      return ctx.mentioned || ctx.activation === 'always' ? emoji : null;
  }
}
