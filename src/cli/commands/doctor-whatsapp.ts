// `openclaw doctor`, WhatsApp part: credentials on disk per account (judged as the gateway judges them), and
// — when a gateway runs — each account's live state with the fix its warning calls for.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccountStatus } from '../../shared/contract';
import { listAccountIds, resolveAccount } from '../../gateway/config/account';
import type { OpenClawConfig } from '../../gateway/config/schema';
import { withGateway } from '../client';
import type { GatewayLocation } from '../locate';

export type Outcome = { ok: true; text: string } | { ok: 'warn' | false; text: string; fix: string };

export async function checkWhatsApp(
  where: GatewayLocation,
  cfg: OpenClawConfig,
  env: NodeJS.ProcessEnv,
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  if (env.OPENCLAW_WA_SIMULATOR) {
    out.push({
      ok: 'warn',
      text: `OPENCLAW_WA_SIMULATOR is set: accounts talk to the loopback simulator at ${env.OPENCLAW_WA_SIMULATOR}, not to WhatsApp`,
      fix: 'unset OPENCLAW_WA_SIMULATOR to use WhatsApp',
    });
  }
  if (!cfg.web.enabled) {
    return [
      ...out,
      {
        ok: 'warn',
        text: 'WhatsApp is disabled (web.enabled is false)',
        fix: 'openclaw config set web.enabled true',
      },
    ];
  }
  for (const id of listAccountIds(cfg))
    out.push(...(await checkCredentials(id, resolveAccount(cfg, id, where.stateDir).authDir)));
  out.push(...(await checkLive(where)));
  return out;
}

async function checkCredentials(id: string, authDir: string): Promise<Outcome[]> {
  // The gateway's own reading of the files, so doctor and the account agree on what counts as damaged (a
  // creds.json without the account identity included). Loaded here: only this check needs Baileys' JSON codec.
  const { readCredsFile } = await import('../../gateway/whatsapp/auth/creds-file');
  const file = join(authDir, 'creds.json');
  const login = `openclaw channels login --account ${id}`;
  const [main, backup] = await Promise.all([readCredsFile(file), readCredsFile(`${file}.bak`)]);
  const missing = (r: typeof main) => !r.ok && r.reason === 'missing';
  if (missing(main) && missing(backup)) {
    return [
      { ok: 'warn', text: `WhatsApp account "${id}": not linked (no credentials in ${authDir})`, fix: login },
    ];
  }
  const out: Outcome[] = [];
  if (!main.ok) {
    out.push(
      backup.ok
        ? {
            ok: 'warn',
            text: `WhatsApp account "${id}": creds.json ${main.detail}; the backup is good and is restored on the next start`,
            fix: 'restart the gateway',
          }
        : {
            ok: false,
            text: `WhatsApp account "${id}": creds.json ${main.detail}, and the backup ${backup.detail}`,
            fix: `${login} --force`,
          },
    );
  } else {
    out.push({ ok: true, text: `WhatsApp account "${id}": credentials present (${authDir})` });
  }
  for (const f of [file, `${file}.bak`]) {
    const info = await stat(f).catch(() => null);
    if (info && (info.mode & 0o077) !== 0)
      out.push({ ok: false, text: `${f} is readable by other users`, fix: `chmod 600 ${f}` });
  }
  return out;
}

/** The running gateway's view; absent when none runs (the rest of doctor already says so). */
async function checkLive(where: GatewayLocation): Promise<Outcome[]> {
  let accounts: AccountStatus[];
  try {
    accounts = (await withGateway(where, (c) => c.call('channels.status'))).accounts;
  } catch {
    return [];
  }
  return accounts.map((a): Outcome => {
    if (a.warnings.length === 0)
      return { ok: true, text: `WhatsApp account "${a.accountId}": ${a.sentence}` };
    // Linking again cannot help while the network is what stands in the way.
    const unreachable = a.lastError?.startsWith('Cannot reach WhatsApp');
    const fix = unreachable
      ? `check that this machine can reach WhatsApp (network, firewall, proxy), then run openclaw channels login --account ${a.accountId}`
      : a.state === 'unlinked' || a.state === 'logged_out'
        ? `openclaw channels login --account ${a.accountId}`
        : a.state === 'conflict'
          ? `stop the other session using this login, then run openclaw channels reconnect --account ${a.accountId}`
          : `openclaw channels reconnect --account ${a.accountId}; if it persists, re-link with openclaw channels login and watch openclaw logs --follow`;
    return {
      ok: a.state === 'unlinked' ? 'warn' : false,
      text: `WhatsApp account "${a.accountId}": ${a.warnings.join(', ')} — ${a.sentence}`,
      fix,
    };
  });
}
