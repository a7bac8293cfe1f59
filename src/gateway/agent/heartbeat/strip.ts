// HEARTBEAT_OK is the model's "nothing needs attention". It must never reach a chat (OpenClaw's users saw it leak
// through the streaming path, and a stripped ack go out as an empty message), so every final text, heartbeat or
// normal reply, passes through here before it becomes outbox payloads. Only the final text is ever delivered:
// streamed deltas are assembled by the provider first, so a token split across chunks is whole here.

export const HEARTBEAT_TOKEN = 'HEARTBEAT_OK';

const T = HEARTBEAT_TOKEN;
// The token bare, or wrapped once in Markdown emphasis/code or an HTML inline tag, optionally followed by a full stop
// or exclamation mark. Not followed by a word character: HEARTBEAT_OKAY is just a word.
const WRAPPED = [
  `(?<![A-Za-z0-9_])${T}(?![A-Za-z0-9_])`,
  `(\\*\\*|\\*|__|_|\`{1,3})\\s*${T}\\s*\\1`,
  `<(b|strong|em|i|code)>\\s*${T}\\s*</\\2>`,
].join('|');
const AT_START = new RegExp(`^\\s*(?:${WRAPPED})[.!]?`);
const AT_END = new RegExp(`(?:${WRAPPED})[.!]?\\s*$`);

/** The text with the token removed from its start and end (repeatedly), and whether anything was removed. */
export function stripHeartbeatToken(text: string): { text: string; stripped: boolean } {
  let rest = text.trim();
  let stripped = false;
  for (;;) {
    const next = rest.replace(AT_START, '').replace(AT_END, '').trim();
    if (next === rest) break;
    rest = next;
    stripped = true;
  }
  return { text: stripped ? rest : text, stripped };
}

/**
 * A heartbeat reply as the chat should see it: `skip` when there is nothing to deliver — empty, or an
 * acknowledgement whose remark besides the token is at most `ackMaxChars` characters.
 */
export function stripHeartbeatOk(text: string, ackMaxChars: number): { skip: boolean; text: string } {
  const { text: rest, stripped } = stripHeartbeatToken(text);
  const trimmed = rest.trim();
  if (trimmed === '') return { skip: true, text: '' };
  if (stripped && trimmed.length <= ackMaxChars) return { skip: true, text: '' };
  return { skip: false, text: trimmed };
}

/**
 * Whether a HEARTBEAT.md gives the model nothing to check: only blank lines, Markdown headings, empty list items
 * (also empty task boxes) and HTML comments. Then no model call is made at all — a heartbeat with nothing to do
 * must cost nothing.
 */
export function isHeartbeatFileEmpty(content: string): boolean {
  const text = content.replace(/^\uFEFF/, '').replace(/<!--[\s\S]*?-->/g, '');
  return text.split(/\r?\n/).every((raw) => {
    const line = raw.trim();
    return (
      line === '' ||
      /^#{1,6}(\s|$)/.test(line) ||
      /^[-*+](\s+\[[ xX]?\])?$/.test(line) ||
      /^\d+[.)](\s+\[[ xX]?\])?$/.test(line)
    );
  });
}
