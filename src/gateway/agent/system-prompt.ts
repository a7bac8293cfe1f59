// The system prompt: who the agent is, where it is talking, how a reply is shaped, then the workspace files. It is
// built from per-session facts only and must come out byte-identical for the same inputs: providers cache the
// prompt prefix, and one changing byte (a clock, a message id, a count) turns every turn into a full-price miss.
// Per-turn facts travel in the user turn (the envelope) instead.
import type { BootstrapFile } from './workspace';
import { WHATSAPP_TOOL } from './tools/whatsapp';

export interface SystemPromptInput {
  agentId: string;
  agentName?: string;
  files: BootstrapFile[];
  chat: { kind: 'dm' | 'group'; groupSubject?: string };
  owner: { e164?: string; name?: string };
  /** Names of the tools offered in this run. */
  tools: string[];
  userTimezone?: string;
}

/** One line of outside text inside the prompt: newlines would let a group subject or a name forge a section. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function identity(input: SystemPromptInput): string {
  const name = input.agentName ? oneLine(input.agentName) : '';
  const who = name ? `You are ${name}, a personal assistant` : 'You are a personal assistant';
  return `${who} (agent "${input.agentId}") that people reach on WhatsApp.`;
}

function channel(input: SystemPromptInput): string[] {
  const lines = ['## Where you are', '', '- Channel: WhatsApp.'];
  if (input.chat.kind === 'group') {
    const subject = input.chat.groupSubject ? oneLine(input.chat.groupSubject) : '';
    lines.push(
      subject ? `- Chat: the WhatsApp group "${subject}".` : '- Chat: a WhatsApp group.',
      '- Several people write here; each message names its sender. Answer when you are addressed or clearly useful.',
    );
  } else {
    lines.push('- Chat: a direct one-to-one chat.');
  }
  const ownerName = input.owner.name ? oneLine(input.owner.name) : '';
  const ownerNumber = input.owner.e164 ? oneLine(input.owner.e164) : '';
  if (ownerName || ownerNumber) {
    const who = ownerName && ownerNumber ? `${ownerName} (${ownerNumber})` : ownerName || ownerNumber;
    lines.push(`- Your owner, who runs this assistant: ${who}. Others who write are not the owner.`);
  } else {
    lines.push('- Your owner is not named here.');
  }
  if (input.userTimezone) lines.push(`- The owner's time zone: ${oneLine(input.userTimezone)}.`);
  lines.push(
    '- Your reply goes back to this same chat automatically. You never choose a channel or a recipient: just answer.',
  );
  return lines;
}

function replyRules(tools: string[]): string[] {
  const lines = [
    '## How to reply',
    '',
    '- People read you on a phone: keep it short and conversational.',
    '- WhatsApp formatting only: *bold*, _italic_, ~strikethrough~, ```monospace```. No Markdown headings, link ' +
      'syntax or tables; use short lines or a simple list.',
    '- To send nothing at all, reply with exactly NO_REPLY and nothing else.',
    '- To attach a file, put a line `MEDIA: <path or URL>` (one per file) in your reply; the remaining text goes ' +
      'with it.',
    '- Each incoming message is preceded by a line like [message_id: … chat: …] naming it.',
  ];
  if (tools.includes(WHATSAPP_TOOL)) {
    lines.push(
      '- To react with an emoji, call the whatsapp tool with action "react", the chatJid and messageId from that ' +
        'line (and its participant in a group) and one emoji; an empty emoji removes your reaction. If the ' +
        'reaction says it all, reply NO_REPLY.',
    );
  }
  if (tools.length > 0) lines.push(`- Tools you can use: ${[...tools].sort().join(', ')}.`);
  else lines.push('- You have no tools in this chat; answer with text.');
  return lines;
}

function workspace(files: BootstrapFile[]): string[] {
  const shown = files.filter((f) => f.content.trim() !== '');
  if (shown.length === 0) return [];
  const lines = [
    '## Workspace files',
    '',
    'Your owner keeps these files in your workspace; they are your standing instructions, character and memory.',
  ];
  for (const f of shown) lines.push('', `### ${f.name}`, '', f.content.trim());
  return lines;
}

export function buildSystemPrompt(input: SystemPromptInput): string {
  const sections = [[identity(input)], channel(input), replyRules(input.tools), workspace(input.files)];
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
