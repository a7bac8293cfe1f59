// What an account reports about itself: the one status object that the UI, `channels status`, the tray and the
// logs all read. Pure, so the account keeps only its facts and this says how they are shown.
import QRCode from 'qrcode';
import type { AccountState, AccountStatus, QrEvent, SendLimits } from '../../shared/contract';
import { sentenceFor, warningsFor } from './lifecycle';
import { sendLimitWarnings } from './send-limits';

export interface AccountFacts {
  accountId: string;
  name?: string;
  state: AccountState;
  linked: boolean;
  number?: string;
  attempts: number;
  maxAttempts: number;
  openedAt: number | null;
  nextAttemptAt: number | null;
  lastInboundAt: number | null;
  lastError?: string;
  /** Why the newest credentials are not on disk (a failed write being retried). */
  credsError?: string;
  decryptFailures: number;
  lastDecryptFailureAt: number | null;
  /** WhatsApp's message cap and reach-out timelock, when it announced them. */
  sendLimits?: SendLimits;
  timeline: AccountStatus['timeline'];
}

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : undefined);

export function accountStatus(f: AccountFacts): AccountStatus {
  const connected = f.state === 'open';
  const base = {
    state: f.state,
    linked: f.linked,
    connected,
    accountId: f.accountId,
    attempts: f.attempts,
    maxAttempts: f.maxAttempts,
  };
  return {
    accountId: f.accountId,
    name: f.name,
    linked: f.linked,
    running: !['stopped', 'logged_out', 'conflict', 'degraded'].includes(f.state),
    connected,
    state: f.state,
    sentence: sentenceFor({
      ...base,
      number: f.number,
      lastError: f.lastError,
      nextAttemptAt: f.nextAttemptAt,
    }),
    number: f.number,
    connectedSince: iso(f.openedAt),
    reconnectAttempts: f.attempts,
    nextAttemptAt: iso(f.nextAttemptAt),
    lastInboundAt: iso(f.lastInboundAt),
    lastError: f.lastError,
    decryptFailures: f.decryptFailures,
    lastDecryptFailureAt: iso(f.lastDecryptFailureAt),
    ...(f.sendLimits ? { sendLimits: f.sendLimits } : {}),
    warnings: [
      ...warningsFor(base),
      ...(f.credsError ? [`Credentials not saved: ${f.credsError}`] : []),
      ...sendLimitWarnings(f.sendLimits),
    ],
    timeline: [...f.timeline],
  };
}

/** The QR event for the `shown`-th code of a login: Baileys shows the first for 60 s and each later one for 20 s. */
export async function qrEvent(accountId: string, qr: string, shown: number): Promise<QrEvent> {
  const ttl = shown === 1 ? 60_000 : 20_000;
  return {
    accountId,
    qr,
    dataUrl: await QRCode.toDataURL(qr, { margin: 1, width: 264 }),
    expiresAt: new Date(Date.now() + ttl).toISOString(),
  };
}
