// What a model's final text means for the chat: nothing at all (the silent token), and/or text plus media to attach.
// Models decorate tokens (bold, backticks) and put them on a line of their own before or after a remark, so the
// token is recognised in those shapes too; a token anywhere else is just text and is left alone.

export const SILENT_TOKEN = 'NO_REPLY';

export interface ParsedReply {
  /** Nothing should be sent: the reply was the silent token, or nothing remained once it was removed. */
  silent: boolean;
  text: string;
  /** Paths or URLs from `MEDIA:` lines, in the order they appeared. */
  media: string[];
}

// The token alone, optionally wrapped once in **bold**, *bold*, _italic_ or `code`.
const TOKEN_LINE = /^(\*\*|\*|__|_|`{1,3})?\s*NO_REPLY\s*\1$/;
const MEDIA_LINE = /^\s*MEDIA:\s*(.*?)\s*$/i;
const FENCE = /^\s*(```|~~~)/;

/** A value as the model wrote it, minus one layer of quotes, backticks or angle brackets. */
function unwrap(value: string): string {
  const v = value.trim();
  const pairs: Array<[string, string]> = [
    ['"', '"'],
    ["'", "'"],
    ['`', '`'],
    ['<', '>'],
  ];
  for (const [open, close] of pairs) {
    if (v.length >= 2 && v.startsWith(open) && v.endsWith(close)) return v.slice(1, -1).trim();
  }
  return v;
}

const isTokenLine = (line: string): boolean => TOKEN_LINE.test(line.trim());

export function parseReply(raw: string): ParsedReply {
  const media: string[] = [];
  const kept: string[] = [];
  let inFence = false;
  for (const line of raw.replace(/\r\n?/g, '\n').split('\n')) {
    // A MEDIA: line inside a code block is an example the model is showing, not an attachment.
    if (FENCE.test(line)) inFence = !inFence;
    const m = inFence ? null : MEDIA_LINE.exec(line);
    if (m) {
      const value = unwrap(m[1] ?? '');
      if (value) media.push(value);
      continue;
    }
    kept.push(line);
  }

  let lines = kept;
  const firstNonBlank = lines.findIndex((l) => l.trim() !== '');
  if (firstNonBlank >= 0 && isTokenLine(lines[firstNonBlank]!)) lines = lines.slice(firstNonBlank + 1);
  const lastNonBlank = lines.findLastIndex((l) => l.trim() !== '');
  if (lastNonBlank >= 0 && isTokenLine(lines[lastNonBlank]!)) lines = lines.slice(0, lastNonBlank);

  const text = lines
    .join('\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { silent: text === '' && media.length === 0, text, media };
}
