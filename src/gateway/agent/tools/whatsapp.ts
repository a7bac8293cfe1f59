// The `whatsapp` tool the model may call: for now its one action is `react` (an emoji on a message). The model
// only describes the reaction; the run hands the payload to the outbox, the one sender.
import { z } from 'zod';
import type { OpenClawConfig } from '../../config/schema';
import type { OutboundPayload } from '../../outbound/types';
import type { ToolSpec } from '../providers/types';

export const WHATSAPP_TOOL = 'whatsapp';

/** Reactions are a channel-wide switch (channels.whatsapp.actions.reactions, on by default); accounts do not override it. */
export function reactionsEnabled(cfg: OpenClawConfig, _accountId: string): boolean {
  return cfg.channels.whatsapp.actions.reactions;
}

export function whatsappToolSpec(): ToolSpec {
  return {
    name: WHATSAPP_TOOL,
    description:
      'Act on WhatsApp messages in this chat. action "react" puts an emoji reaction on a message (use the ' +
      'message_id, chat and participant from the line above that message); an empty emoji or remove: true ' +
      'takes your reaction away. Your text reply is still sent; answer NO_REPLY if the reaction says it all.',
    parameters: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: ['react'], description: 'What to do.' },
        chatJid: { type: 'string', description: 'The chat of the message (defaults to this chat).' },
        messageId: { type: 'string', description: 'The message_id of the message to react to.' },
        emoji: { type: 'string', description: 'One emoji, like "👍"; "" removes your reaction.' },
        remove: { type: 'boolean', description: 'true removes your reaction instead of setting one.' },
        participant: {
          type: 'string',
          description:
            'In a group: the participant (sender) from the message line. Not needed in a direct chat.',
        },
        fromMe: { type: 'boolean', description: 'true when the message was sent by this account (you).' },
        accountId: { type: 'string', description: 'The WhatsApp account (defaults to the current one).' },
      },
      required: ['action', 'messageId'],
      additionalProperties: false,
    },
  };
}

export type WhatsAppCall =
  { ok: true; accountId: string; chat: string; payload: OutboundPayload } | { ok: false; error: string };

const required = (name: string) => ({
  error: (iss: { input: unknown }) =>
    iss.input === undefined
      ? `${name} is required`
      : `${name} must be a string (got ${JSON.stringify(iss.input)})`,
});

// Lenient about extra keys (models add them); strict about the ones that decide where the reaction lands.
const ReactArgs = z.object({
  action: z.literal('react', {
    error: (iss) =>
      iss.input === undefined
        ? 'action is required ("react")'
        : `action ${JSON.stringify(iss.input)} is not supported; the only action is "react"`,
  }),
  chatJid: z.string(required('chatJid')).trim().optional(),
  messageId: z.string(required('messageId')).trim().min(1, { error: 'messageId is required' }),
  emoji: z.string(required('emoji')).trim().optional(),
  remove: z.boolean({ error: 'remove must be true or false' }).optional(),
  participant: z.string(required('participant')).trim().optional(),
  fromMe: z.boolean({ error: 'fromMe must be true or false' }).optional(),
  accountId: z.string(required('accountId')).trim().optional(),
});

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
// Pictographs, flags (regional indicators) and keycaps (digit + U+20E3) are what WhatsApp shows as reactions.
const EMOJI_RE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

function emojiProblem(emoji: string): string | undefined {
  const count = [...graphemes.segment(emoji)].length;
  if (count !== 1 || !EMOJI_RE.test(emoji)) {
    return `emoji must be a single emoji like "👍" (got ${JSON.stringify(emoji)}); use "" to remove a reaction`;
  }
  return undefined;
}

/** Validates the model's arguments for the current chat and builds the reaction; errors are written for the model. */
export function parseWhatsAppCall(
  argsJson: string,
  ctx: { accountId: string; chatJid: string },
): WhatsAppCall {
  let raw: unknown;
  try {
    raw = argsJson.trim() === '' ? {} : JSON.parse(argsJson);
  } catch (err) {
    return { ok: false, error: `the arguments are not valid JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'the arguments must be a JSON object like {"action":"react", …}' };
  }
  const parsed = ReactArgs.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') };
  }
  const args = parsed.data;

  // Replies are routed deterministically to the chat that wrote; the tool follows the same rule. A message in
  // one chat (possibly text someone forwarded to manipulate the model) must never make the assistant act in
  // another chat or through another account.
  const chat = args.chatJid || ctx.chatJid;
  if (chat.toLowerCase() !== ctx.chatJid.toLowerCase()) {
    return {
      ok: false,
      error: `you can only react in the chat you are answering (${ctx.chatJid}), not in ${chat}`,
    };
  }
  const accountId = args.accountId || ctx.accountId;
  if (accountId.toLowerCase() !== ctx.accountId.toLowerCase()) {
    return {
      ok: false,
      error: `you can only react through the account you are answering from (${ctx.accountId}), not ${accountId}`,
    };
  }

  const removing = args.remove === true || args.emoji === '';
  if (!removing) {
    if (args.emoji === undefined) {
      return { ok: false, error: 'emoji is required (or remove: true to take a reaction away)' };
    }
    const problem = emojiProblem(args.emoji);
    if (problem) return { ok: false, error: problem };
  }

  const isGroup = ctx.chatJid.endsWith('@g.us');
  const fromMe = args.fromMe === true;
  // WhatsApp identifies a group message by its sender too; without it the reaction would attach to nothing.
  if (isGroup && !fromMe && !args.participant) {
    return {
      ok: false,
      error:
        'participant is required in a group: use the participant from the message line you are reacting to',
    };
  }
  const key: Extract<OutboundPayload, { kind: 'react' }>['key'] = { chat: ctx.chatJid, id: args.messageId };
  if (isGroup && args.participant && !fromMe) key.participant = args.participant;
  if (fromMe) key.fromMe = true;
  return {
    ok: true,
    accountId: ctx.accountId,
    chat: ctx.chatJid,
    payload: { kind: 'react', key, emoji: removing ? '' : (args.emoji ?? '') },
  };
}
