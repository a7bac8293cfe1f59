// Whether a group message addresses the assistant. WhatsApp mentions arrive as JIDs in whichever form the sender's
// client used (phone number or LID, sometimes with a device suffix), so JIDs are compared by user part within the
// same address space. Configured name patterns and replies to our own messages count too.
import type { OpenClawConfig } from '../config/schema';

export interface MentionInput {
  /** JIDs mentioned in the message, as sent. */
  mentions: string[];
  text?: string;
  /** The message replies to one of ours. */
  quotedFromMe: boolean;
  /** Our own identity: phone-number JID (or E.164) and LID JID, whichever are known. */
  self: { pn: string | null; lid: string | null };
  /** Regex sources, matched case-insensitively against the text. */
  patterns: readonly string[];
  /** Personal-number mode: mentions of "us" are mentions of the owner's own number, so they mean nothing here. */
  selfChatMode: boolean;
}

export interface MentionResult {
  mentioned: boolean;
  by?: 'jid' | 'pattern' | 'reply';
}

interface JidParts {
  user: string;
  isLid: boolean;
}

/**
 * `15551234567:4@s.whatsapp.net` → user `15551234567` (device and `_agent` parts dropped, as WhatsApp addresses
 * one person by several of those); `+15551234567` (no server) is taken as a phone number.
 */
function splitJid(jid: string): JidParts | null {
  const at = jid.indexOf('@');
  const server = at < 0 ? '' : jid.slice(at + 1).toLowerCase();
  const user = (at < 0 ? jid : jid.slice(0, at)).split(/[:_]/)[0]?.replace(/^\+/, '') ?? '';
  if (!user) return null;
  // "lid" and "hosted.lid" are the LID space; everything else (s.whatsapp.net, c.us, hosted, bare) is phone numbers.
  return { user, isLid: server === 'lid' || server.endsWith('.lid') };
}

function mentionsSelf(mentions: readonly string[], self: MentionInput['self']): boolean {
  const pn = self.pn ? splitJid(self.pn)?.user : undefined;
  const lid = self.lid ? splitJid(self.lid)?.user : undefined;
  return mentions.some((jid) => {
    const m = splitJid(jid);
    if (!m) return false;
    return m.isLid ? m.user === lid : m.user === pn;
  });
}

function matchesPattern(text: string | undefined, patterns: readonly string[]): boolean {
  if (!text) return false;
  return patterns.some((source) => {
    try {
      return new RegExp(source, 'i').test(text);
    } catch {
      // The schema rejects bad patterns at load; one slipping through must not take inbound handling down.
      return false;
    }
  });
}

export function isMentioned(input: MentionInput): MentionResult {
  if (!input.selfChatMode && mentionsSelf(input.mentions, input.self)) return { mentioned: true, by: 'jid' };
  if (matchesPattern(input.text, input.patterns)) return { mentioned: true, by: 'pattern' };
  if (input.quotedFromMe) return { mentioned: true, by: 'reply' };
  return { mentioned: false };
}

/** The agent's own patterns when it sets any (an empty list switches them off), else the shared ones. */
export function mentionPatternsFor(cfg: OpenClawConfig, agentId: string): string[] {
  const wanted = agentId.toLowerCase();
  const agent = cfg.agents.list.find((a) => a.id.toLowerCase() === wanted);
  return [...(agent?.groupChat?.mentionPatterns ?? cfg.messages.groupChat.mentionPatterns ?? [])];
}
