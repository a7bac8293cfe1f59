import { describe, expect, it } from 'vitest';
import { ACCOUNT_STATES, type AccountStatus, type QrEvent } from '../../shared/contract';
import {
  accountChoices,
  accountIdProblem,
  badgeFor,
  canLink,
  canReconnect,
  formatAgo,
  formatCountdown,
  formatDuration,
  linkNeedsConfirm,
  linkNeedsForce,
  linkPhase,
  nextAttemptText,
  sendLimitsText,
  sentenceParts,
  timelineNewestFirst,
  uptimeText,
} from './channels-model';

const statusOf = (state: AccountStatus['state'], extra: Partial<AccountStatus> = {}): AccountStatus => ({
  accountId: 'default',
  linked: false,
  running: true,
  connected: false,
  state,
  sentence: `${state} sentence`,
  reconnectAttempts: 0,
  warnings: [],
  timeline: [],
  ...extra,
});

const qr: QrEvent = {
  accountId: 'default',
  qr: '2@abc',
  dataUrl: 'data:image/png;base64,AAAA',
  expiresAt: '2030-01-01T00:00:00.000Z',
};

describe('account id validation', () => {
  it('accepts what the contract accepts', () => {
    for (const id of ['default', 'work', 'Work_2', '0', 'a-b_c', 'x'.repeat(64)]) {
      expect(accountIdProblem(id), id).toBeNull();
    }
  });

  it('says what is wrong with the rest', () => {
    expect(accountIdProblem('')).toMatch(/Enter an account id/);
    expect(accountIdProblem('-work')).toMatch(/starts with a letter or a digit/);
    expect(accountIdProblem('_x')).toMatch(/starts with a letter or a digit/);
    expect(accountIdProblem('my work')).toMatch(/only letters, digits, "-" and "_"/);
    expect(accountIdProblem('a.b')).toMatch(/only letters/);
    expect(accountIdProblem('é')).toMatch(/starts with a letter or a digit/);
    expect(accountIdProblem('x'.repeat(65))).toMatch(/at most 64 characters \(this one has 65\)/);
  });
});

describe('badges', () => {
  it('gives every state a label and a tone', () => {
    for (const state of ACCOUNT_STATES) expect(badgeFor(state).label).not.toBe('');
    expect(badgeFor('open')).toEqual({ label: 'Connected', tone: 'ok' });
    expect(badgeFor('reconnecting').tone).toBe('warn');
    expect(badgeFor('linking').tone).toBe('busy');
    expect(badgeFor('logged_out')).toEqual({ label: 'Logged out', tone: 'bad' });
    expect(badgeFor('conflict').tone).toBe('bad');
    expect(badgeFor('unlinked')).toEqual({ label: 'Not linked', tone: 'idle' });
  });
});

describe('time formatting', () => {
  it('counts down as m:ss, rounding up and never below zero', () => {
    expect(formatCountdown(59_001)).toBe('1:00');
    expect(formatCountdown(59_000)).toBe('0:59');
    expect(formatCountdown(5_500)).toBe('0:06');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-3000)).toBe('0:00');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
  });

  it('writes durations with two units at most', () => {
    expect(formatDuration(999)).toBe('0 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(192_000)).toBe('3 min 12 s');
    expect(formatDuration(180_000)).toBe('3 min');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(273_600_000)).toBe('3 d 4 h');
  });

  it('says how long ago', () => {
    const now = Date.parse('2030-01-01T00:01:00.000Z');
    expect(formatAgo('2030-01-01T00:00:48.000Z', now)).toBe('12 s ago');
    expect(formatAgo('2030-01-01T00:01:00.500Z', now)).toBe('just now');
    expect(formatAgo('not a date', now)).toBe('not a date');
  });
});

describe('uptimeText', () => {
  const now = Date.parse('2026-01-13T12:00:00Z');
  const since = new Date(now - 5 * 60_000).toISOString();

  it('counts up while the account is connected and the gateway reachable', () => {
    expect(uptimeText(statusOf('open', { connectedSince: since }), now, true)).toMatch(/ · up 5 min$/);
  });

  it('has no uptime after a logout, or in any other state, even when the status still carries a time', () => {
    for (const state of ACCOUNT_STATES.filter((s) => s !== 'open')) {
      expect(uptimeText(statusOf(state, { connectedSince: since }), now, true), state).toBeNull();
    }
  });

  it('has no uptime while the gateway cannot be reached, nor for a missing or broken time', () => {
    expect(uptimeText(statusOf('open', { connectedSince: since }), now, false)).toBeNull();
    expect(uptimeText(statusOf('open'), now, true)).toBeNull();
    expect(uptimeText(statusOf('open', { connectedSince: 'yesterday' }), now, true)).toBeNull();
  });
});

describe('timeline', () => {
  it('lists the newest changes first, at most `limit`', () => {
    const timeline = [
      { at: '2030-01-01T00:00:01.000Z', state: 'unlinked' as const, sentence: 'a' },
      { at: '2030-01-01T00:00:02.000Z', state: 'linking' as const, sentence: 'b' },
      { at: '2030-01-01T00:00:03.000Z', state: 'connecting' as const, sentence: 'c' },
      { at: '2030-01-01T00:00:03.000Z', state: 'open' as const, sentence: 'd' },
    ];
    expect(timelineNewestFirst(timeline).map((t) => t.sentence)).toEqual(['d', 'c', 'b', 'a']);
    expect(timelineNewestFirst(timeline, 2).map((t) => t.state)).toEqual(['open', 'connecting']);
    expect(timelineNewestFirst([])).toEqual([]);
  });
});

describe('account choices and actions', () => {
  it('puts the default account first', () => {
    const accounts = { work: statusOf('open'), alpha: statusOf('open'), default: statusOf('unlinked') };
    expect(accountChoices(accounts, 'default')).toEqual(['default', 'alpha', 'work']);
    expect(accountChoices(accounts, null)).toEqual(['alpha', 'default', 'work']);
    expect(accountChoices({}, 'default')).toEqual(['default']);
  });

  it('forces and confirms a new link only when that drops credentials', () => {
    expect(linkNeedsForce(undefined)).toBe(false);
    expect(linkNeedsForce(statusOf('unlinked'))).toBe(false);
    expect(linkNeedsConfirm(statusOf('open', { linked: true }))).toBe(true);
    expect(linkNeedsConfirm(statusOf('conflict', { linked: true }))).toBe(true);
    // A logged-out device's credentials are dead: replace them without asking.
    expect(linkNeedsForce(statusOf('logged_out', { linked: true }))).toBe(true);
    expect(linkNeedsConfirm(statusOf('logged_out', { linked: true }))).toBe(false);
  });

  it('offers Link for accounts that are not linked or were logged out', () => {
    expect(canLink(statusOf('unlinked'))).toBe(true);
    expect(canLink(statusOf('logged_out', { linked: true }))).toBe(true);
    expect(canLink(statusOf('open', { linked: true }))).toBe(false);
    expect(canLink(statusOf('reconnecting', { linked: true }))).toBe(false);
  });
});

describe('Reconnect on the Accounts screen', () => {
  it('is offered to linked accounts waiting to connect, not to open, linking or unlinked ones', () => {
    for (const state of ['reconnecting', 'degraded', 'conflict'] as const)
      expect(canReconnect(statusOf(state, { linked: true }))).toBe(true);
    for (const state of ['open', 'connecting', 'linking', 'logged_out', 'stopped'] as const)
      expect(canReconnect(statusOf(state, { linked: true }))).toBe(false);
    expect(canReconnect(statusOf('degraded', { linked: false }))).toBe(false);
  });

  it('shows when a degraded account tries again by itself, as for a reconnecting one', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const at = '2026-01-01T00:05:00Z';
    expect(nextAttemptText(statusOf('degraded', { nextAttemptAt: at }), now)).toBe('in 5:00');
    expect(nextAttemptText(statusOf('reconnecting', { nextAttemptAt: at }), now)).toBe('in 5:00');
    expect(nextAttemptText(statusOf('open', { nextAttemptAt: at }), now)).toBeNull();
    expect(nextAttemptText(statusOf('degraded'), now)).toBeNull();
  });
});

describe('linkPhase', () => {
  it('follows an account from ready through the QR to linked', () => {
    expect(linkPhase(undefined, undefined, false)).toEqual({ kind: 'ready' });
    expect(linkPhase(statusOf('unlinked'), undefined, false)).toEqual({ kind: 'ready' });
    expect(linkPhase(statusOf('unlinked'), undefined, true)).toEqual({ kind: 'starting' });
    expect(linkPhase(statusOf('linking'), undefined, false)).toEqual({ kind: 'waiting' });
    expect(linkPhase(statusOf('linking'), qr, true)).toEqual({ kind: 'qr', qr });
    expect(linkPhase(statusOf('linking'), qr, false)).toEqual({ kind: 'qr', qr });
    expect(linkPhase(statusOf('connecting'), undefined, false)).toMatchObject({ kind: 'connecting' });
    expect(linkPhase(statusOf('open', { number: '+15550009999' }), undefined, false)).toEqual({
      kind: 'done',
      number: '+15550009999',
    });
  });

  it('ignores a QR left over from before the account moved on', () => {
    expect(linkPhase(statusOf('open'), qr, false)).toEqual({ kind: 'done', number: null });
    expect(linkPhase(statusOf('open'), qr, true)).toEqual({ kind: 'starting' });
  });

  it('shows the sentence when linking ended otherwise', () => {
    const expired = statusOf('unlinked', {
      lastError: 'the QR code expired',
      sentence: 'Not linked: expired.',
    });
    expect(linkPhase(expired, undefined, false)).toEqual({ kind: 'error', sentence: 'Not linked: expired.' });
    for (const state of ['logged_out', 'conflict', 'degraded', 'stopped'] as const) {
      expect(linkPhase(statusOf(state), undefined, false)).toEqual({
        kind: 'error',
        sentence: `${state} sentence`,
      });
    }
  });
});

describe('sentenceParts', () => {
  it('shows backticked commands as code', () => {
    expect(
      sentenceParts('To link, run `openclaw channels login --account work` (or use the Link screen).'),
    ).toEqual([
      { text: 'To link, run ', code: false },
      { text: 'openclaw channels login --account work', code: true },
      { text: ' (or use the Link screen).', code: false },
    ]);
    expect(sentenceParts('Connected.')).toEqual([{ text: 'Connected.', code: false }]);
    expect(sentenceParts('a ` stray')).toEqual([{ text: 'a ` stray', code: false }]);
    expect(sentenceParts('`doctor`')).toEqual([{ text: 'doctor', code: true }]);
  });
});

describe('sendLimitsText', () => {
  const now = Date.parse('2026-03-03T12:00:00Z');
  it('is null until WhatsApp announces a limit', () => {
    expect(sendLimitsText(statusOf('open'), now)).toBeNull();
  });

  it('shows the cap with its quota, and an active timelock with the time left', () => {
    const lines = sendLimitsText(
      statusOf('open', {
        sendLimits: {
          capping: { status: 'SECOND_WARNING', used: 95, total: 100, at: '2026-03-03T11:00:00Z' },
          reachoutTimelock: {
            active: true,
            endsAt: '2026-03-03T14:30:00Z',
            enforcementType: 'BIZ_QUALITY',
            at: '2026-03-03T11:00:00Z',
          },
        },
      }),
      now,
    )!;
    expect(lines[0]).toBe('New chats: second warning · 95 of 100 used');
    expect(lines[1]).toMatch(
      /^Restricted: no messages to new chats until .+ \(2 h 30 min left\) · BIZ_QUALITY$/,
    );
  });

  it('reads a timelock whose end has passed as lifted', () => {
    const lines = sendLimitsText(
      statusOf('open', {
        sendLimits: {
          reachoutTimelock: { active: true, endsAt: '2026-03-03T11:59:00Z', at: '2026-03-03T11:00:00Z' },
        },
      }),
      now,
    );
    expect(lines).toEqual(['Reach-out restriction: none']);
  });
});
