import { describe, expect, it } from 'vitest';
import type { HeartbeatAgent } from '../../shared/contract-heartbeat';
import { heartbeatLine, lastRunText, nextRunText } from './heartbeat-model';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const agent: HeartbeatAgent = {
  agentId: 'main',
  every: '30m',
  enabled: true,
  nextRunAt: new Date(NOW + 25 * 60_000).toISOString(),
  target: 'last',
};

describe('heartbeat card', () => {
  it('says when the next run is', () => {
    expect(nextRunText(agent, NOW)).toBe('in 25 min');
    expect(nextRunText({ enabled: true, nextRunAt: new Date(NOW + 9_000).toISOString() }, NOW)).toBe(
      'in 9 s',
    );
    expect(nextRunText({ enabled: true, nextRunAt: new Date(NOW - 1_000).toISOString() }, NOW)).toBe(
      'due now',
    );
    expect(nextRunText({ enabled: false, nextRunAt: null }, NOW)).toBe('off');
  });

  it('puts the last result in words, with why it was skipped or failed', () => {
    const at = new Date(NOW).toISOString();
    expect(lastRunText(undefined)).toEqual({ text: 'has not run yet', tone: 'muted' });
    expect(lastRunText({ at, result: 'ok', tokens: 10, costUsd: 0 }).text).toBe(
      'ok: nothing needed attention',
    );
    expect(
      lastRunText({ at, result: 'alert', target: '15550000001@s.whatsapp.net', tokens: 10, costUsd: 0 }),
    ).toEqual({ text: 'alert delivered to 15550000001@s.whatsapp.net', tone: 'alert' });
    expect(
      lastRunText({
        at,
        result: 'skipped',
        reason: 'outside active hours (08:00-22:00)',
        tokens: 0,
        costUsd: 0,
      }),
    ).toEqual({ text: 'skipped — outside active hours (08:00-22:00)', tone: 'muted' });
    expect(lastRunText({ at, result: 'failed', reason: 'rate limited', tokens: 0, costUsd: 0 }).tone).toBe(
      'error',
    );
  });

  it('shows schedule, next run, last result and what it cost', () => {
    const line = heartbeatLine(
      {
        ...agent,
        activeHours: '08:00-22:00',
        last: { at: new Date(NOW).toISOString(), result: 'ok', tokens: 1500, costUsd: 0.002 },
      },
      NOW,
    );
    expect(line).toEqual({
      agentId: 'main',
      schedule: 'every 30m, 08:00-22:00 · to last',
      next: 'in 25 min',
      last: 'ok: nothing needed attention',
      tone: 'ok',
      spent: '1500 tokens · $0.0020',
    });
    expect(heartbeatLine({ ...agent, enabled: false, every: '0', nextRunAt: null }, NOW)).toMatchObject({
      schedule: 'off (every is 0)',
      next: 'off',
      spent: '',
    });
  });
});
