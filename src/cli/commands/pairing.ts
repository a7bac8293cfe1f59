// `openclaw pairing list|approve|deny|revoke`: the owner's side of the DM gate. Arguments are checked here first, so
// a typo gets a sentence naming the argument (and works without a gateway); the gateway checks them again.
import type { ApprovedSender, PairingRequest } from '../../shared/contract';
import { E164_RE, ID_RE } from '../../gateway/config/schema';
import { withGateway } from '../client';
import { CliError } from '../errors';
import { locateGateway } from '../locate';

interface AccountOpt {
  account?: string;
  json?: boolean;
}

export async function pairingList(channel: string | undefined, opts: AccountOpt): Promise<number> {
  if (channel !== undefined) checkChannel(channel);
  const accountId = checkAccount(opts.account);
  const snapshot = await withGateway(await locateGateway(), (client) =>
    client.call('pairing.list', { channel: 'whatsapp', accountId }),
  );
  if (opts.json) {
    console.log(JSON.stringify(snapshot, null, 2));
    return 0;
  }
  const now = Date.now();
  const where = accountId ? ` on account "${accountId}"` : '';
  if (snapshot.pending.length === 0) {
    console.log(`No pending pairing requests${where}.`);
  } else {
    console.log(`Pending pairing requests${where}:`);
    printTable(
      ['NUMBER', 'NAME', 'CODE', 'AGE', 'EXPIRES IN', 'ACCOUNT', 'FIRST LINE'],
      snapshot.pending.map((r: PairingRequest) => [
        r.sender,
        printable(r.name) || '-',
        r.code,
        shortDuration(now - Date.parse(r.createdAt)),
        shortDuration(Date.parse(r.expiresAt) - now),
        r.accountId,
        // Last, so a long line does not push the other columns apart.
        printable(r.firstLine) || '-',
      ]),
    );
    console.log('Approve one with: openclaw pairing approve whatsapp <code>');
  }
  console.log('');
  if (snapshot.approved.length === 0) {
    console.log(`No approved senders${where}.`);
  } else {
    console.log(`Approved senders${where}:`);
    printTable(
      ['NUMBER', 'NAME', 'APPROVED', 'VIA', 'ACCOUNT'],
      snapshot.approved.map((a: ApprovedSender) => [
        a.sender,
        printable(a.name) || '-',
        `${shortDuration(now - Date.parse(a.approvedAt))} ago`,
        a.via,
        a.accountId,
      ]),
    );
  }
  return 0;
}

export async function pairingApprove(channel: string, code: string, opts: AccountOpt): Promise<number> {
  checkChannel(channel);
  const params = {
    channel: 'whatsapp' as const,
    code: checkCode(code),
    accountId: checkAccount(opts.account),
  };
  const result = await withGateway(await locateGateway(), (client) => client.call('pairing.approve', params));
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  const { approved } = result;
  console.log(`Approved ${who(approved)} on account "${approved.accountId}".`);
  console.log(
    result.confirmationSent
      ? 'They were sent a confirmation.'
      : 'No confirmation was sent (the account is not connected, or channels.whatsapp.pairingConfirmation is "").',
  );
  return 0;
}

export async function pairingDeny(channel: string, code: string, opts: AccountOpt): Promise<number> {
  checkChannel(channel);
  const params = {
    channel: 'whatsapp' as const,
    code: checkCode(code),
    accountId: checkAccount(opts.account),
  };
  const result = await withGateway(await locateGateway(), (client) => client.call('pairing.deny', params));
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  const { denied } = result;
  console.log(
    `Denied the pairing request from ${who(denied)} (code ${denied.code}) on account "${denied.accountId}".`,
  );
  return 0;
}

export async function pairingRevoke(channel: string, number: string, opts: AccountOpt): Promise<number> {
  checkChannel(channel);
  const params = {
    channel: 'whatsapp' as const,
    sender: checkNumber(number),
    accountId: checkAccount(opts.account),
  };
  const result = await withGateway(await locateGateway(), (client) => client.call('pairing.revoke', params));
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return result.removed ? 0 : 1;
  }
  if (!result.removed) {
    // Non-zero: a revoke that matched nobody is most often a mistyped number or the wrong account.
    console.error(
      `${result.sender} is not an approved sender on account "${result.accountId}"; nothing changed.`,
    );
    return 1;
  }
  console.log(
    `Revoked ${result.sender} on account "${result.accountId}": their next message is treated as from an unknown sender.`,
  );
  return 0;
}

function checkChannel(channel: string): void {
  if (channel !== 'whatsapp') {
    throw new CliError(`Unknown channel ${JSON.stringify(channel)}: the only pairing channel is "whatsapp".`);
  }
}

function checkAccount(account: string | undefined): string | undefined {
  if (account !== undefined && !ID_RE.test(account)) {
    throw new CliError(
      `--account must be an account id of 1-64 letters, digits, "-" or "_" (got ${JSON.stringify(account)}).`,
    );
  }
  return account;
}

function checkCode(code: string): string {
  const normalized = code.trim().toUpperCase();
  if (!/^[A-Z0-9]{1,32}$/.test(normalized)) {
    throw new CliError(
      `<code> must be the pairing code the sender received, like ABCD2345 (got ${JSON.stringify(code)}).`,
    );
  }
  return normalized;
}

/** Spaces, dashes, dots and parentheses are how numbers get pasted; they never change which number it is. */
function checkNumber(number: string): string {
  const compact = number.trim().replace(/[\s\-().]/g, '');
  if (!E164_RE.test(compact)) {
    throw new CliError(
      `<e164> must be a phone number in E.164 form: "+", country code and number, like +15551234567 (got ${JSON.stringify(number)}).`,
    );
  }
  return compact;
}

function who(p: { sender: string; name?: string }): string {
  const name = printable(p.name);
  return name ? `${p.sender} (${name})` : p.sender;
}

/**
 * Text a stranger chose (their WhatsApp name, what they wrote) as it may reach a terminal: without control
 * characters, which could move the cursor, recolour or clear the screen, and without bidirectional overrides,
 * which could make it read as something else. The gateway stores it cleaned already; this does not rely on that.
 */
function printable(text: string | undefined): string {
  return (text ?? '').replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '').trim();
}

/** Minutes are the useful unit for an hour-long code; seconds only matter in its last minute. */
function shortDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) {
    console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
  }
}
