// Plain-text tables and cleaned text for the terminal, shared by the agent, sessions and models commands.

/**
 * Text a stranger or a model chose, as it may reach a terminal: without control characters (which could move the
 * cursor or clear the screen) and bidirectional overrides (which could make it read as something else).
 * Newlines survive when `multiline`, since a transcript reads better with them.
 */
export function printable(text: string | undefined, multiline = false): string {
  const unsafe = multiline
    ? /(?!\n)[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu
    : /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
  return (text ?? '').replace(unsafe, '').trim();
}

export function printTable(
  header: string[],
  rows: string[][],
  print: (line: string) => void = console.log,
): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) {
    print(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
  }
}

/** "3m ago" style: the age of something in the largest unit that still says something. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

/** Dollars with enough digits that a cheap run does not read as free. */
export function dollars(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

export function tokens(u: { input: number; output: number; cacheRead: number; cacheWrite: number }): string {
  const cache = u.cacheRead || u.cacheWrite ? ` (cache ${u.cacheRead} read, ${u.cacheWrite} written)` : '';
  return `${u.input} in / ${u.output} out${cache}`;
}
