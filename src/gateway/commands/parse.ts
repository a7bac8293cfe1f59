// Chat commands are whole messages that start with a slash. A command is only ever the entire message, so a
// sentence that mentions "/status" or quotes a command is ordinary text for the model. Pure functions: what a
// message asks for, never whether the sender may ask it (that is the handlers' job).

export type ChatCommandName = 'new' | 'reset' | 'status' | 'help' | 'config' | 'activation';

export interface ChatCommand {
  name: ChatCommandName;
  /** Everything after the command word, trimmed ("" when none). */
  args: string;
}

/** Commands that take no argument: with one ("/status please") the message is text for the model. */
const BARE: ReadonlySet<string> = new Set(['new', 'reset', 'status', 'help']);
const WITH_ARGS: ReadonlySet<string> = new Set(['config', 'activation']);
const HEAD = /^\/([a-z]+)(?:\s+([\s\S]*))?$/i;

/** The command a message is, or null when it is not one. */
export function parseChatCommand(text: string | undefined): ChatCommand | null {
  const m = HEAD.exec(text?.trim() ?? '');
  if (!m) return null;
  const name = m[1]!.toLowerCase();
  const args = (m[2] ?? '').trim();
  if (BARE.has(name)) return args === '' ? { name: name as ChatCommandName, args } : null;
  return WITH_ARGS.has(name) ? { name: name as ChatCommandName, args } : null;
}

export type ConfigCommand =
  | { op: 'show'; path?: string }
  | { op: 'set'; path: string; value: unknown }
  | { op: 'unset'; path: string }
  | { op: 'invalid'; message: string };

export const CONFIG_USAGE =
  'Usage: /config show [path] · /config get <path> · /config set <path>=<value> · /config unset <path>';

/** `/config` arguments: show (the default) and get read, set and unset write. */
export function parseConfigCommand(args: string): ConfigCommand {
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args.trim());
  if (!m) return { op: 'show' };
  const op = m[1]!.toLowerCase();
  const rest = (m[2] ?? '').trim();
  switch (op) {
    case 'show':
      return rest === '' ? { op: 'show' } : { op: 'show', path: rest };
    case 'get':
      return rest === ''
        ? { op: 'invalid', message: 'Usage: /config get <path>, e.g. /config get channels.whatsapp.dmPolicy' }
        : { op: 'show', path: rest };
    case 'set': {
      const eq = rest.indexOf('=');
      const path = eq < 0 ? '' : rest.slice(0, eq).trim();
      if (path === '' || /\s/.test(path)) {
        return {
          op: 'invalid',
          message:
            'Usage: /config set <path>=<value> (the = is required), e.g. /config set messages.responsePrefix="[bot]"',
        };
      }
      const value = parseConfigValue(rest.slice(eq + 1));
      return 'error' in value
        ? { op: 'invalid', message: `${path}: ${value.error}` }
        : { op: 'set', path, value: value.value };
    }
    case 'unset':
      return rest === '' || /\s/.test(rest)
        ? { op: 'invalid', message: 'Usage: /config unset <path>' }
        : { op: 'unset', path: rest };
    default:
      return { op: 'invalid', message: `Unknown /config action "${m[1]}". ${CONFIG_USAGE}` };
  }
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A value as typed in a chat: JSON for objects and lists, then true/false/null, numbers, quoted strings, and
 * anything else as the text itself, so `dmPolicy=allowlist` needs no quotes but `"123"` stays a string.
 */
export function parseConfigValue(input: string): { value: unknown } | { error: string } {
  const raw = input.trim();
  if (raw.startsWith('{') || raw.startsWith('[')) {
    try {
      return { value: JSON.parse(raw) as unknown };
    } catch (err) {
      return { error: `the value is not valid JSON (${(err as Error).message})` };
    }
  }
  if (raw === 'true') return { value: true };
  if (raw === 'false') return { value: false };
  if (raw === 'null') return { value: null };
  if (NUMBER.test(raw)) return { value: Number(raw) };
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      return { value: JSON.parse(raw) as string };
    } catch (err) {
      return { error: `the quoted value is not a valid string (${(err as Error).message})` };
    }
  }
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return { value: raw.slice(1, -1) };
  return { value: raw };
}
