import { describe, expect, it } from 'vitest';
import { sendLimitWarnings, SendLimitsTracker } from './send-limits';

describe('SendLimitsTracker', () => {
  it('says nothing until WhatsApp does', () => {
    const t = new SendLimitsTracker();
    expect(t.snapshot()).toBeUndefined();
    expect(sendLimitWarnings(t.snapshot())).toEqual([]);
  });

  it('reports a change only when what is shown changes', () => {
    let now = 1_000_000;
    const t = new SendLimitsTracker(() => now);
    expect(t.onCapping({ capping_status: 'FIRST_WARNING', used_quota: 80, total_quota: 100 })).toBe(true);
    now += 5000;
    expect(t.onCapping({ capping_status: 'FIRST_WARNING', used_quota: 80, total_quota: 100 })).toBe(false);
    expect(t.onCapping({ capping_status: 'FIRST_WARNING', used_quota: 81, total_quota: 100 })).toBe(true);
    expect(sendLimitWarnings(t.snapshot())).toEqual([
      'WhatsApp warns that messages to new chats are near their cap: FIRST_WARNING (81 of 100 used).',
    ]);
  });

  it('shows a timelock whose end has passed as lifted, without waiting for WhatsApp to say so', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const t = new SendLimitsTracker(() => now);
    const endsAt = new Date(now + 60_000);
    t.onTimelock({ isActive: true, timeEnforcementEnds: endsAt, enforcementType: 'DEFAULT' });
    expect(t.snapshot()?.reachoutTimelock).toEqual({
      active: true,
      endsAt: endsAt.toISOString(),
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(sendLimitWarnings(t.snapshot())).toHaveLength(1);
    now += 60_000;
    expect(t.snapshot()?.reachoutTimelock).toEqual({ active: false, at: endsAt.toISOString() });
    expect(sendLimitWarnings(t.snapshot())).toEqual([]);
  });

  it('ignores a cycle end that is not a number of seconds', () => {
    const t = new SendLimitsTracker();
    t.onCapping({ capping_status: 'CAPPED', cycle_end_timestamp: 'soon' });
    expect(t.snapshot()?.capping?.cycleEndsAt).toBeUndefined();
    expect(sendLimitWarnings(t.snapshot())).toEqual(['WhatsApp capped messages to new chats.']);
  });
});
