import { describe, expect, it } from 'vitest';
import type { SessionSummary, Turn } from '../../shared/contract-agent';
import {
  applyTurnToSessions,
  formatCost,
  mergeTurns,
  outcomeBadge,
  sortSessions,
  turnMeta,
} from './conversations-model';

const usage = (input: number, output: number) => ({ input, output, cacheRead: 0, cacheWrite: 0 });
const session = (key: string, at?: string): SessionSummary => ({
  key,
  agentId: 'main',
  label: `label ${key}`,
  turns: 2,
  lastActivityAt: at,
  usage: usage(100, 20),
  costUsd: 0.5,
  running: false,
});
const turn = (seq: number, sessionKey: string, extra: Partial<Turn> = {}): Turn => ({
  seq,
  sessionKey,
  role: 'user',
  text: `t${seq}`,
  at: `2026-01-01T00:00:0${seq}.000Z`,
  ...extra,
});

describe('conversations model', () => {
  it('counts a turn into its session and moves it to the top', () => {
    const sessions = sortSessions([
      session('a', '2026-01-01T00:00:00.000Z'),
      session('b', '2026-01-01T00:00:01.000Z'),
    ]);
    expect(sessions.map((s) => s.key)).toEqual(['b', 'a']);
    const next = applyTurnToSessions(
      sessions,
      turn(5, 'a', { role: 'assistant', usage: usage(10, 5), costUsd: 0.25 }),
    );
    expect(next.map((s) => s.key)).toEqual(['a', 'b']);
    expect(next[0]).toMatchObject({
      turns: 3,
      usage: usage(110, 25),
      costUsd: 0.75,
      lastActivityAt: '2026-01-01T00:00:05.000Z',
      label: 'label a',
    });
  });

  it('shows a session first heard of through a turn, labelled from its key', () => {
    const next = applyTurnToSessions([], turn(1, 'agent:work:whatsapp:dm:+15550100001'));
    expect(next).toEqual([
      expect.objectContaining({ agentId: 'work', label: '+15550100001', turns: 1, costUsd: 0 }),
    ]);
  });

  it('joins a transcript and events by seq, oldest first, keeping the newest turns', () => {
    const merged = mergeTurns([turn(1, 'a'), turn(3, 'a')], [turn(2, 'a'), turn(3, 'a', { text: 'again' })]);
    expect(merged.map((t) => [t.seq, t.text])).toEqual([
      [1, 't1'],
      [2, 't2'],
      [3, 'again'],
    ]);
    expect(mergeTurns(merged, [turn(4, 'a')], 2).map((t) => t.seq)).toEqual([3, 4]);
  });

  it("describes a turn's tokens, cost and model", () => {
    expect(turnMeta(turn(1, 'a'))).toBe('');
    expect(
      turnMeta(
        turn(2, 'a', {
          role: 'assistant',
          usage: { input: 120, output: 35, cacheRead: 100, cacheWrite: 0 },
          costUsd: 0.00012,
          model: 'sim/m',
        }),
      ),
    ).toBe('120 in / 35 out tokens, 100 cached · $0.00012 · sim/m');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(1.5)).toBe('$1.50');
  });

  it('badges what became of a message, with the reason when it failed', () => {
    const base = { acceptedSeq: 1, sessionKey: 'k' };
    expect(outcomeBadge(undefined)).toBeNull();
    expect(outcomeBadge({ ...base, state: 'answered', outboxIds: ['a', 'b'] })).toEqual({
      label: 'Answered (2 messages)',
      tone: 'ok',
    });
    expect(outcomeBadge({ ...base, state: 'failed', reason: 'bad key (401)' })).toMatchObject({
      tone: 'bad',
      detail: 'bad key (401)',
    });
    expect(outcomeBadge({ ...base, state: 'waiting' })?.label).toBe('Waiting for the agent');
  });
});
