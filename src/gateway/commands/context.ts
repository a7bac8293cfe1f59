// What a chat command may know about its message and the gateway, gathered from the agent service's parts. The
// owner test is the one /activation uses (allowFrom, else the linked number); the linked phone itself (self-chat)
// is always the owner.
import type Database from 'better-sqlite3';
import { isOwner } from '../access/activation-command';
import { resolveAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import { applyPrefix, chunkText, responsePrefix } from '../outbound/text';
import type { OutboundPayload } from '../outbound/types';
import type { AcceptedRow } from '../store/queries/inbox';
import { sessionSize } from '../store/queries/session-size';
import { countUnconsumed } from '../store/queries/sessions';
import { answerChatCommand, type CommandContext } from './answer';
import type { ConfigEditor } from './config-command';
import type { ChatCommand } from './parse';
import { typedSecrets } from './typed-secrets';

/** What the gateway lends the commands (wired in agent/wire.ts). */
export interface CommandPorts {
  editor: ConfigEditor;
  /** The account's health: one state and its sentence. */
  health(accountId: string): { state: string; sentence: string } | undefined;
}

export interface CommandSources {
  db: Database.Database;
  cfg: OpenClawConfig;
  stateDir: string;
  self: { e164?: string; pn?: string };
  models: {
    resolveChain(agentId: string): { refs: string[] } | { error: string };
    simulated(): boolean;
  };
  ports?: CommandPorts;
}

export function commandContext(row: AcceptedRow, src: CommandSources): CommandContext {
  const acct = resolveAccount(src.cfg, row.account, src.stateDir);
  const sender = row.meta.sender as { e164?: string } | undefined;
  const owner =
    row.meta.fromMe === true ||
    isOwner({ e164: sender?.e164 ?? null }, acct.allowFrom, src.self.e164 ?? null);
  return {
    cfg: src.cfg,
    acct,
    owner,
    editor: src.ports?.editor,
    status: () => {
      const chain = src.models.resolveChain(row.agentId);
      return {
        model: 'refs' in chain ? { refs: chain.refs, simulated: src.models.simulated() } : chain,
        session: sessionSize(src.db, row.sessionKey),
        health: src.ports?.health(row.account),
        // The command itself is still unconsumed while it is being answered.
        waiting: Math.max(0, countUnconsumed(src.db) - 1),
      };
    },
  };
}

/** An answer as the account sends text: its response prefix, cut to its chunk limit (no Markdown rewriting, so
 * a config value shows exactly as stored). */
export function answerPayloads(
  text: string,
  cfg: OpenClawConfig,
  accountId: string,
  selfChat: boolean,
): OutboundPayload[] {
  const acct = resolveAccount(cfg, accountId, '');
  const prefixed = applyPrefix(text, responsePrefix(cfg, accountId, { selfChat }));
  return chunkText(prefixed, acct.textChunkLimit, acct.chunkMode).map((t) => ({ kind: 'text', text: t }));
}

/** The command's answer as the parts of the agent's commit: the reply staged and the message settled together. */
export async function answerCommand(row: AcceptedRow, cmd: ChatCommand, src: CommandSources) {
  const answer = await answerChatCommand(cmd, commandContext(row, src));
  // The reply goes back to the chat as WhatsApp addressed it (a LID chat stays a LID chat).
  const chat = typeof row.meta.chatJid === 'string' ? row.meta.chatJid : row.chat;
  const payloads = answer.reply
    ? answerPayloads(answer.reply, src.cfg, row.account, src.self.pn === chat)
    : [];
  return {
    reset: answer.reset,
    turns: [],
    sends: [{ accountId: row.account, chat, payloads }],
    settle: [
      {
        seq: row.seq,
        state: payloads.length > 0 ? ('answered' as const) : ('silent' as const),
        reason: answer.reason,
        redact: typedSecrets(typeof row.meta.text === 'string' ? row.meta.text : ''),
      },
    ],
  };
}
