// A secret typed in a chat (`/config set models.providers.x.apiKey=sk-…`) must not outlive the command: the
// config file is where it belongs, while the message that carried it is stored in several places on its way in
// (inbox, hand-off, decrypted plaintext). This finds what to scrub from them; store/queries/redact.ts scrubs.
import { parseKeyPath, type KeySegment } from '../config/key-path';
import { isSecretPath, SECRET_MASK } from '../config/secrets';
import { parseChatCommand, parseConfigValue } from './parse';

const SET = /^set\s+([^=\s]+)\s*=([\s\S]*)$/i;

/**
 * The secret values a `/config set` message carries, as typed and as parsed (longest first, so a quoted value's
 * text goes before the bare string inside it); [] for any other message. Whether the set was allowed or valid
 * does not matter: the value was typed either way.
 */
export function typedSecrets(text: string): string[] {
  const cmd = parseChatCommand(text);
  const m = cmd?.name === 'config' ? SET.exec(cmd.args) : null;
  if (!m) return [];
  let at: KeySegment[];
  try {
    at = parseKeyPath(m[1]!);
  } catch {
    return [];
  }
  const typed = m[2]!.trim();
  const parsed = parseConfigValue(typed);
  const value = 'value' in parsed ? parsed.value : undefined;
  const found = new Set<string>();
  if (isSecretPath(at)) {
    found.add(typed);
    leaves(value, (v) => found.add(v));
  } else {
    secretLeaves(value, at, (v) => found.add(v));
  }
  found.delete('');
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with each of `secrets` replaced by the mask the config API shows for secrets. */
export function maskTypedSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => t.split(s).join(SECRET_MASK), text);
}

/** Every string and number in `value`, as text. */
function leaves(value: unknown, add: (v: string) => void): void {
  if (typeof value === 'string' || typeof value === 'number') add(String(value));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => leaves(v, add));
}

/** The strings and numbers at secret keys inside an object or list value set at a key that is not secret. */
function secretLeaves(value: unknown, at: KeySegment[], add: (v: string) => void): void {
  if (isSecretPath(at)) return leaves(value, add);
  if (Array.isArray(value)) value.forEach((v, i) => secretLeaves(v, [...at, i], add));
  else if (value !== null && typeof value === 'object')
    Object.entries(value).forEach(([k, v]) => secretLeaves(v, [...at, k], add));
}
