// `/config` from WhatsApp: the owner reads and edits openclaw.json from the phone. Checks run in the reference's
// order (owner, commands.config, configWrites for edits) and every edit goes through ConfigService, the same
// validated, atomic, comment-keeping path the control API uses; nothing here writes the file.
import type { ResolvedWhatsAppAccount } from '../config/account';
import type { ConfigService } from '../config/service';
import type { OpenClawConfig } from '../config/schema';
import { parseKeyPath } from '../config/key-path';
import { isSecretPath, maskSecretsInLine, SECRET_MASK } from '../config/secrets';
import { parseConfigCommand } from './parse';
import type { CommandAnswer } from './types';

export type ConfigEditor = Pick<ConfigService, 'get' | 'set' | 'unset' | 'raw'>;

/** A WhatsApp message stays readable on a phone: a big section is cut, with a note saying how to see less. */
export const MAX_SHOW_CHARS = 1500;

export const CONFIG_OFF_REPLY =
  '/config is off. Turn it on with `openclaw config set commands.config true` (or commands: { config: true } in openclaw.json).';

export async function configCommand(
  args: string,
  ctx: { cfg: OpenClawConfig; acct: ResolvedWhatsAppAccount; owner: boolean; editor?: ConfigEditor },
): Promise<CommandAnswer> {
  // The spec's rule for owner-only commands: anyone else gets no answer at all.
  if (!ctx.owner) return { reply: null, reason: '/config is for the owner only' };
  if (ctx.cfg.commands.config !== true) return { reply: CONFIG_OFF_REPLY, reason: '/config is off' };
  if (!ctx.editor) return { reply: 'Config edits are not available here.', reason: 'no config editor' };
  const cmd = parseConfigCommand(args);
  if (cmd.op === 'invalid') return { reply: cmd.message, reason: '/config: invalid' };
  if (cmd.op === 'show') return show(ctx.editor, cmd.path);
  if (!ctx.acct.configWrites) {
    const where =
      ctx.acct.accountId === 'default'
        ? 'channels.whatsapp.configWrites'
        : `channels.whatsapp.accounts.${ctx.acct.accountId}.configWrites (or channels.whatsapp.configWrites)`;
    return {
      reply: `Not changed: config writes from WhatsApp are off for this account (${where} is false).`,
      reason: `/config ${cmd.op} refused: configWrites is false`,
    };
  }
  return cmd.op === 'set' ? set(ctx.editor, cmd.path, cmd.value) : unset(ctx.editor, cmd.path);
}

function show(editor: ConfigEditor, path: string | undefined): CommandAnswer {
  let value: unknown;
  try {
    value = editor.get(path);
  } catch (err) {
    return { reply: refusal(err, path), reason: '/config show: bad path' };
  }
  const label = path ?? 'config';
  if (value === undefined) return { reply: `${label} is not set.`, reason: '/config show' };
  const text = JSON.stringify(value, null, 2);
  const cut =
    text.length > MAX_SHOW_CHARS
      ? `${text.slice(0, MAX_SHOW_CHARS)}\n… (cut: ${text.length - MAX_SHOW_CHARS} more characters; ask for a part, e.g. /config show ${path ? `${path}.<key>` : 'channels.whatsapp'})`
      : text;
  return { reply: `${label} = ${cut}`, reason: '/config show' };
}

async function set(editor: ConfigEditor, path: string, value: unknown): Promise<CommandAnswer> {
  const secret = secretPath(path);
  try {
    const before = editor.get(path);
    await editor.set(path, value);
    const after = editor.get(path);
    if (secret) return { reply: `${path}: set (hidden).`, reason: '/config set (secret)' };
    return {
      reply: `${path}: ${brief(before)} → ${brief(after)}`,
      reason: '/config set',
    };
  } catch (err) {
    return { reply: refusal(err, path, secret ? value : undefined), reason: '/config set refused' };
  }
}

async function unset(editor: ConfigEditor, path: string): Promise<CommandAnswer> {
  try {
    const before = editor.get(path);
    if (before === undefined)
      return { reply: `${path} is not set; nothing to remove.`, reason: '/config unset' };
    const text = editor.raw();
    await editor.unset(path);
    const after = editor.get(path);
    if (editor.raw() === text) {
      // Not in the file: what shows is a default (or an inherited value), and there is nothing to remove.
      return {
        reply: `${path} is not set in the file (it has its default: ${brief(after)}).`,
        reason: '/config unset',
      };
    }
    const now = after === undefined ? 'removed' : `removed (the default applies: ${brief(after)})`;
    return {
      reply: secretPath(path) ? `${path}: removed.` : `${path}: ${brief(before)} → ${now}`,
      reason: '/config unset',
    };
  } catch (err) {
    return { reply: refusal(err, path), reason: '/config unset refused' };
  }
}

function secretPath(path: string): boolean {
  try {
    return isSecretPath(parseKeyPath(path));
  } catch {
    return false;
  }
}

/** One line per value: a whole object on one line, long ones shortened. */
function brief(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Why not, with the key path the error names; a secret the owner typed is never repeated back. */
function refusal(err: unknown, path: string | undefined, secret?: unknown): string {
  // Not only GatewayError: a failed write is still an answer the owner should see, not a silent retry.
  let message = maskSecretsInLine(err instanceof Error ? err.message : String(err));
  if (typeof secret === 'string' && secret !== '') message = message.split(secret).join(SECRET_MASK);
  if (typeof secret === 'number') message = message.split(String(secret)).join(SECRET_MASK);
  return `Not changed${path ? ` (${path})` : ''}: ${message}`;
}
