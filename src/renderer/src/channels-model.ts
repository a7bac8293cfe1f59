// Pure helpers behind the Link and Accounts screens: account id validation, state badges, time formatting, the
// timeline, and what the Link screen shows for an account. Kept apart from React so they are tested under Node.
import type { AccountState, AccountStatus, QrEvent } from '../../shared/contract';

/** The contract's rule for account ids (restated so the UI bundle does not pull in zod). */
export const ACCOUNT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Null when `id` is a valid account id; otherwise what is wrong with it, in a sentence. */
export function accountIdProblem(id: string): string | null {
  if (id === '') return 'Enter an account id, such as "work".';
  if (id.length > 64) return `An account id is at most 64 characters (this one has ${id.length}).`;
  if (!/^[a-z0-9]/i.test(id)) return 'An account id starts with a letter or a digit.';
  if (!ACCOUNT_ID_PATTERN.test(id)) {
    return 'An account id may contain only letters, digits, "-" and "_" (no spaces or dots).';
  }
  return null;
}

export type BadgeTone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

const BADGES: Record<AccountState, { label: string; tone: BadgeTone }> = {
  open: { label: 'Connected', tone: 'ok' },
  linking: { label: 'Linking', tone: 'busy' },
  connecting: { label: 'Connecting', tone: 'busy' },
  reconnecting: { label: 'Reconnecting', tone: 'warn' },
  unlinked: { label: 'Not linked', tone: 'idle' },
  logged_out: { label: 'Logged out', tone: 'bad' },
  conflict: { label: 'Conflict', tone: 'bad' },
  degraded: { label: 'Retrying slowly', tone: 'bad' },
  stopped: { label: 'Stopped', tone: 'idle' },
};

export function badgeFor(state: AccountState): { label: string; tone: BadgeTone } {
  return BADGES[state] ?? { label: state, tone: 'idle' };
}

/** A countdown as m:ss (h:mm:ss from an hour); never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A duration in words, two units at most: "45 s", "3 min 12 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** "12 s ago"; "just now" under a second (and for times a skewed clock puts in the future). */
export function formatAgo(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const ms = now - at;
  return ms < 1000 ? 'just now' : `${formatDuration(ms)} ago`;
}

/** Local date and time, short: "14:03:12" today, "3 Mar 14:03" on other days. */
export function formatClock(iso: string, now: number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (d.toDateString() === new Date(now).toDateString()) return time;
  return `${d.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`;
}

/**
 * "14:03:12 · up 5 min" while the account is connected and the gateway reachable; otherwise null. The status
 * can still carry the time of a connection that has ended (after a logout, say), and a counter that keeps
 * running for it, or for a gateway that is gone, tells the person something false.
 */
export function uptimeText(
  status: Pick<AccountStatus, 'state' | 'connectedSince'>,
  now: number,
  gatewayReachable: boolean,
): string | null {
  if (!gatewayReachable || status.state !== 'open' || !status.connectedSince) return null;
  const since = Date.parse(status.connectedSince);
  if (Number.isNaN(since)) return null;
  return `${formatClock(status.connectedSince, now)} · up ${formatDuration(now - since)}`;
}

/** The newest `limit` timeline entries, newest first (entries with equal times keep their reverse order). */
export function timelineNewestFirst(
  timeline: AccountStatus['timeline'],
  limit = 6,
): AccountStatus['timeline'] {
  return timeline
    .map((entry, index) => ({ entry, index, at: Date.parse(entry.at) || 0 }))
    .sort((a, b) => b.at - a.at || b.index - a.index)
    .slice(0, limit)
    .map((x) => x.entry);
}

/** Account ids for a picker: the default first, then the others in order. */
export function accountChoices(
  accounts: Record<string, AccountStatus>,
  defaultAccount: string | null,
): string[] {
  const ids = Object.keys(accounts).sort();
  if (defaultAccount === null) return ids;
  return [defaultAccount, ...ids.filter((id) => id !== defaultAccount)];
}

/** Does linking this account need `force` (it has credentials, dead or alive, that a new link replaces)? */
export function linkNeedsForce(status: AccountStatus | undefined): boolean {
  return status?.linked ?? false;
}

/** Would linking drop a link that may still work? Then the person confirms first. */
export function linkNeedsConfirm(status: AccountStatus | undefined): boolean {
  return linkNeedsForce(status) && status?.state !== 'logged_out';
}

/** Show a Link action for the account (Accounts screen)? */
export function canLink(status: AccountStatus): boolean {
  return !status.linked || status.state === 'logged_out' || status.state === 'unlinked';
}

/** Offer Reconnect where the account is waiting to connect (what channels.reconnect acts on); never to link. */
export function canReconnect(status: AccountStatus): boolean {
  return status.linked && ['reconnecting', 'degraded', 'conflict'].includes(status.state);
}

/** When the account tries again by itself (reconnecting, and degraded at its slow rate), if it does. */
export function nextAttemptText(status: AccountStatus, now: number): string | null {
  const next = status.nextAttemptAt ? Date.parse(status.nextAttemptAt) : NaN;
  if (Number.isNaN(next) || !['reconnecting', 'degraded'].includes(status.state)) return null;
  return next > now ? `in ${formatCountdown(next - now)}` : 'now';
}

export type LinkPhase =
  | { kind: 'ready' }
  | { kind: 'starting' }
  | { kind: 'waiting' }
  | { kind: 'qr'; qr: QrEvent }
  | { kind: 'connecting'; sentence: string }
  | { kind: 'done'; number: string | null }
  | { kind: 'error'; sentence: string };

/**
 * What the Link screen shows for an account: its status (undefined for an account the gateway does not have
 * yet), its latest QR, and whether a login.start request is in flight.
 */
export function linkPhase(
  status: AccountStatus | undefined,
  qr: QrEvent | undefined,
  starting: boolean,
): LinkPhase {
  const liveQr = qr && (!status || status.state === 'linking') ? qr : undefined;
  if (starting) return liveQr ? { kind: 'qr', qr: liveQr } : { kind: 'starting' };
  if (!status) return { kind: 'ready' };
  switch (status.state) {
    case 'open':
      return { kind: 'done', number: status.number ?? null };
    case 'linking':
      return liveQr ? { kind: 'qr', qr: liveQr } : { kind: 'waiting' };
    case 'connecting':
    case 'reconnecting':
      return { kind: 'connecting', sentence: status.sentence };
    case 'unlinked':
      return status.lastError ? { kind: 'error', sentence: status.sentence } : { kind: 'ready' };
    case 'logged_out':
    case 'conflict':
    case 'degraded':
    case 'stopped':
      return { kind: 'error', sentence: status.sentence };
  }
}

/** A sentence split at its backticks: the `quoted` parts (commands) are code. Unpaired backticks stay text. */
export function sentenceParts(text: string): Array<{ text: string; code: boolean }> {
  const parts = text.split('`');
  if (parts.length < 3 || parts.length % 2 === 0) return [{ text, code: false }];
  return parts.map((part, i) => ({ text: part, code: i % 2 === 1 })).filter((p) => p.text !== '' || p.code);
}

/**
 * WhatsApp's sending limits for the Accounts card, one line each (null when WhatsApp has announced none): the
 * new-chat message cap with its quota, and a reach-out timelock with the time left. A timelock whose end has
 * passed reads as lifted, as the gateway reports it once it refreshes.
 */
export function sendLimitsText(status: Pick<AccountStatus, 'sendLimits'>, now: number): string[] | null {
  const limits = status.sendLimits;
  if (!limits) return null;
  const lines: string[] = [];
  const cap = limits.capping;
  if (cap) {
    const label = CAPPING_LABELS[cap.status] ?? cap.status;
    const quota = cap.used !== undefined && cap.total !== undefined ? `${cap.used} of ${cap.total} used` : '';
    const renews = cap.cycleEndsAt ? `renews ${formatClock(cap.cycleEndsAt, now)}` : '';
    lines.push(`New chats: ${[label, quota, renews].filter(Boolean).join(' · ')}`);
  }
  const lock = limits.reachoutTimelock;
  if (lock) {
    const ends = lock.endsAt ? Date.parse(lock.endsAt) : Number.NaN;
    if (lock.active && !(ends <= now)) {
      const until = Number.isNaN(ends)
        ? ''
        : ` until ${formatClock(lock.endsAt!, now)} (${formatDuration(ends - now)} left)`;
      lines.push(
        `Restricted: no messages to new chats${until}${lock.enforcementType ? ` · ${lock.enforcementType}` : ''}`,
      );
    } else {
      lines.push('Reach-out restriction: none');
    }
  }
  return lines;
}

const CAPPING_LABELS: Record<string, string> = {
  NONE: 'under the cap',
  FIRST_WARNING: 'first warning',
  SECOND_WARNING: 'second warning',
  CAPPED: 'capped',
};
