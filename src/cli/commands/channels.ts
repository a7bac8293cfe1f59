// `openclaw channels login|logout|reconnect|status`: everything goes through the running gateway, which owns the sockets;
// this process never loads Baileys.
import QRCode from 'qrcode';
import type { AccountStatus, QrEvent } from '../../shared/contract';
import { RemoteError, withGateway, type ControlClient } from '../client';
import { CliError } from '../errors';
import { locateGateway } from '../locate';

export async function channelsLogin(opts: {
  account?: string;
  force?: boolean;
  timeout?: string;
}): Promise<number> {
  const timeoutMs = opts.timeout === undefined ? 180_000 : Number(opts.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1000 || timeoutMs > 600_000) {
    throw new CliError(
      `--timeout must be a number of seconds from 1 to 600 (got ${JSON.stringify(opts.timeout)})`,
    );
  }
  return withGateway(await locateGateway(), (client) =>
    loginWithQr(client, { account: opts.account, force: opts.force, timeoutMs }),
  );
}

/**
 * Starts linking, prints each QR in the terminal as it comes, and waits for the scan; `openclaw onboard` links
 * through this too. Answers the exit code after printing the outcome.
 */
export async function loginWithQr(
  client: ControlClient,
  opts: { account?: string; force?: boolean; timeoutMs: number },
): Promise<number> {
  const { timeoutMs } = opts;
  let shown = '';
  const show = async (qr: QrEvent) => {
    if (qr.qr === shown) return;
    const refreshed = shown !== '';
    shown = qr.qr;
    const seconds = Math.max(0, Math.round((Date.parse(qr.expiresAt) - Date.now()) / 1000));
    console.log(await QRCode.toString(qr.qr, { type: 'terminal', small: true }));
    console.log(
      `${refreshed ? 'New QR code' : 'Scan this QR code'} with WhatsApp on the phone: Settings → Linked devices → Link a device (valid for ${seconds} s).`,
    );
  };
  await client.on('channels.qr', (qr) => void (qr.accountId === target && show(qr)));
  let target = opts.account ?? '';
  let started;
  try {
    started = await client.call('channels.login.start', { accountId: opts.account, force: opts.force });
  } catch (err) {
    if (err instanceof RemoteError && err.error.code === 'whatsapp.already_linked')
      throw new CliError(err.error.message);
    throw err;
  }
  target = started.accountId;
  if (started.qr) await show(started.qr);
  // Only a linked account skips the QR and goes straight to connecting; an unlinked one that shows no QR has
  // failed, and the wait below says why.
  else if (started.state === 'connecting') console.log(`Account "${target}" is linked; connecting…`);
  const result = await client.call('channels.login.wait', { accountId: target, timeoutMs });
  return report(result, timeoutMs);
}

function report(status: AccountStatus, timeoutMs: number): number {
  if (status.state === 'open') {
    console.log(`Linked: account "${status.accountId}" is connected as ${status.number ?? 'a device'}.`);
    return 0;
  }
  if (status.state === 'linking') {
    console.error(
      `No phone scanned the QR code within ${Math.round(timeoutMs / 1000)} s. Run the command again for a new code.`,
    );
  } else {
    // The sentence already says what state the account is in ("Not linked: …", "Logged out: …").
    console.error(status.sentence);
  }
  return 1;
}

export async function channelsLogout(opts: { account?: string }): Promise<number> {
  const result = await withGateway(await locateGateway(), (client) =>
    client.call('channels.logout', { accountId: opts.account }),
  );
  console.log(
    result.removed
      ? `Logged out account "${result.accountId}": its WhatsApp credentials were removed (shared oauth.json kept).`
      : `Account "${result.accountId}" was not linked; nothing to remove.`,
  );
  return 0;
}

export async function channelsStatus(opts: { json?: boolean }): Promise<number> {
  const status = await withGateway(await locateGateway(), (client) => client.call('channels.status'));
  if (opts.json) {
    console.log(JSON.stringify(status, null, 2));
  } else {
    if (status.simulator)
      console.log(`Simulator: every account talks to ${status.simulator}, not to WhatsApp.`);
    if (status.accounts.length === 0) console.log('No WhatsApp accounts.');
    for (const a of status.accounts) {
      const flags = [
        a.linked ? 'linked' : 'not linked',
        a.running ? 'running' : 'not running',
        a.connected ? 'connected' : 'disconnected',
      ];
      console.log(
        `${a.accountId}${a.accountId === status.defaultAccount ? ' (default)' : ''}: ${a.state} — ${flags.join(', ')}${a.number ? ` — ${a.number}` : ''}`,
      );
      console.log(`  ${a.sentence}`);
      if (a.lastError && a.state !== 'open') console.log(`  last error: ${a.lastError}`);
      const cap = a.sendLimits?.capping;
      // A cap or timelock in force is already a warning; a quota that is not yet near its cap is worth a line.
      if (cap?.status === 'NONE' && cap.used !== undefined && cap.total !== undefined)
        console.log(`  new chats: ${cap.used} of ${cap.total} messages used this cycle`);
      for (const w of a.warnings) console.log(`  warning: ${w}`);
    }
  }
  return status.accounts.every((a) => a.warnings.length === 0) ? 0 : 1;
}

/**
 * `channels reconnect`: an account that is reconnecting, degraded or stopped by a conflict tries again now with a
 * fresh set of attempts; then waits (up to `--timeout`) to say whether it came back.
 */
export async function channelsReconnect(opts: { account?: string; timeout?: string }): Promise<number> {
  const timeoutMs = opts.timeout === undefined ? 30_000 : Number(opts.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1000 || timeoutMs > 600_000) {
    throw new CliError(
      `--timeout must be a number of seconds from 1 to 600 (got ${JSON.stringify(opts.timeout)})`,
    );
  }
  return withGateway(await locateGateway(), async (client) => {
    let started;
    try {
      started = await client.call('channels.reconnect', { accountId: opts.account });
    } catch (err) {
      if (err instanceof RemoteError && err.error.code.startsWith('whatsapp.'))
        throw new CliError(err.error.message);
      throw err;
    }
    const target = started.accounts[0]?.accountId;
    if (!target) {
      // Nothing was waiting: say what the account is doing instead (connected, connecting, linking…).
      const { accounts, defaultAccount } = await client.call('channels.status');
      const a = accounts.find((s) => s.accountId === (opts.account ?? defaultAccount));
      console.log(`Nothing to reconnect: ${a?.sentence ?? 'the account is not waiting to reconnect.'}`);
      return a?.state === 'open' || a?.state === 'connecting' ? 0 : 1;
    }
    console.log(`Account "${target}" is reconnecting now…`);
    const result = await client.call('channels.login.wait', { accountId: target, timeoutMs });
    if (result.state === 'open') {
      console.log(`Reconnected: account "${target}" is connected as ${result.number ?? 'a device'}.`);
      return 0;
    }
    console.error(result.sentence);
    return 1;
  });
}
