// What each way a WhatsApp connection can end means for the account, and the sentences people read about it.
// Pure functions: the one switch from Baileys close codes to our health states.
import type { AccountState } from '../../shared/contract';

export type CloseOutcome =
  | { kind: 'restart'; error?: string }
  | { kind: 'stop'; state: AccountState; error: string }
  | { kind: 'retry'; error?: string };

/** Baileys' DisconnectReason values this gateway treats specially. */
const LOGGED_OUT = 401;
const FORBIDDEN = 403;
const VERSION_REJECTED = 405;
const TIMED_OUT = 408;
const REPLACED = 440;
const RESTART_REQUIRED = 515;

export interface CloseContext {
  wasLinking: boolean;
  linked: boolean;
  /** Whether this socket showed a QR code (only then can a timeout mean the code expired). */
  qrShown: boolean;
  /** Set when the connection never got through (see unreachableReason). */
  unreachable?: string;
}

export function closeOutcome(code: number | undefined, ctx: CloseContext): CloseOutcome {
  const linking = ctx.wasLinking && !ctx.linked;
  if (ctx.unreachable) {
    // Nobody can scan a QR that never came: a person linking hears why at once; a linked account keeps trying.
    return linking
      ? { kind: 'stop', state: 'unlinked', error: ctx.unreachable }
      : { kind: 'retry', error: ctx.unreachable };
  }
  switch (code) {
    case RESTART_REQUIRED:
      // WhatsApp asks for this right after pairing (and sometimes later): reconnect with the saved credentials.
      return { kind: 'restart' };
    case LOGGED_OUT:
      return ctx.linked
        ? { kind: 'stop', state: 'logged_out', error: 'WhatsApp logged this device out (401)' }
        : { kind: 'stop', state: 'unlinked', error: 'linking was refused on the phone (401)' };
    case FORBIDDEN:
      return {
        kind: 'stop',
        state: 'logged_out',
        error: 'WhatsApp refused this account (403): it may be banned or restricted',
      };
    case REPLACED:
      return { kind: 'stop', state: 'conflict', error: 'another session took over this login (440)' };
    case VERSION_REJECTED:
      return {
        kind: 'stop',
        state: 'degraded',
        error:
          'WhatsApp rejected this WhatsApp Web client version (405): set web.whatsappVersion to a current version',
      };
    case TIMED_OUT:
      if (linking && ctx.qrShown) {
        return {
          kind: 'stop',
          state: 'unlinked',
          error: 'the QR code expired before a phone scanned it; start linking again',
        };
      }
      if (linking) {
        return {
          kind: 'stop',
          state: 'unlinked',
          error: 'the connection to WhatsApp timed out before it showed a QR code (408)',
        };
      }
      return { kind: 'retry' };
    default:
      return { kind: 'retry' };
  }
}

/**
 * Baileys reports a connection that never got through (DNS, refused, reset, timed out) as 408, the code of an
 * expired QR, with the socket's own error as `data`. Returns what people should read instead — "Cannot reach
 * WhatsApp (web.whatsapp.com:443): connect ECONNREFUSED" — or null when the close was something else.
 */
export function unreachableReason(error: unknown, url: string | URL): string | null {
  const cause = (error as { data?: unknown } | undefined)?.data;
  if (!(cause instanceof Error)) return null;
  const { code, syscall } = cause as NodeJS.ErrnoException;
  const timedOut = /timed out/i.test(cause.message);
  if (!(typeof code === 'string' && code.startsWith('E')) && !timedOut) return null;
  const what = code && syscall ? `${syscall} ${code}` : code ? `${cause.message} (${code})` : cause.message;
  return `Cannot reach WhatsApp (${endpointOf(url)}): ${what}`;
}

/** host:port of a WebSocket URL, the port spelled out even when it is the scheme's default. */
function endpointOf(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'ws:' ? 80 : 443)}`;
  } catch {
    return String(url);
  }
}

interface SentenceInput {
  state: AccountState;
  accountId: string;
  number?: string;
  lastError?: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: number | null;
}

export function sentenceFor(s: SentenceInput): string {
  const relink = `run \`openclaw channels login --account ${s.accountId}\` (or use the Link screen)`;
  switch (s.state) {
    case 'unlinked':
      return s.lastError
        ? `Not linked: ${s.lastError}. To link, ${relink}.`
        : `Not linked. To link a phone, ${relink}.`;
    case 'linking':
      return 'Waiting for a phone to scan the QR code (WhatsApp → Settings → Linked devices → Link a device).';
    case 'connecting':
      return 'Connecting to WhatsApp…';
    case 'open':
      return `Connected${s.number ? ` as ${s.number}` : ''}.`;
    case 'reconnecting': {
      const wait = s.nextAttemptAt
        ? ` in ${Math.max(0, Math.ceil((s.nextAttemptAt - Date.now()) / 1000))} s`
        : '';
      const of = s.maxAttempts > 0 ? ` of ${s.maxAttempts}` : '';
      return `Connection lost${s.lastError ? ` (${s.lastError})` : ''}; reconnecting${wait} (attempt ${s.attempts}${of}).`;
    }
    case 'logged_out':
      return `Logged out: ${s.lastError ?? 'this device was removed from the phone'}. To link again, ${relink}.`;
    case 'conflict':
      return `Another session took over this WhatsApp login, so this gateway stopped instead of fighting it. Close the other client (another gateway or WhatsApp Web tab), then restart the gateway or ${relink}.`;
    case 'degraded': {
      // Degraded is not the end: the account still tries now and then, and says when, and how to try at once.
      const next = s.nextAttemptAt ? `; trying again in ${inWords(s.nextAttemptAt - Date.now())}` : '';
      return `Could not stay connected${s.lastError ? ` (${s.lastError})` : ''} after ${s.attempts} attempt(s)${next}. Check the network, then run \`openclaw channels reconnect --account ${s.accountId}\` (or Reconnect on the Accounts screen) to try now; \`openclaw doctor\` can help.`;
    }
    case 'stopped':
      return 'Stopped.';
  }
}

/** "45 s" under two minutes, else whole minutes: a wait of a few minutes is not read to the second. */
function inWords(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/** An account that could not even start (its credentials folder cannot be read): what is wrong and the way out. */
export function startFailedSentence(reason: string): string {
  return `Not running: ${reason}. Fix the credentials folder (permissions, or a file where a folder belongs), then restart the gateway.`;
}

/** The spec's troubleshooting warnings, as `channels status` shows them. */
export function warningsFor(s: { state: AccountState; linked: boolean }): string[] {
  if (!s.linked) return ['Not linked'];
  if (s.state !== 'open' && s.state !== 'stopped') return ['Linked but disconnected'];
  return [];
}
