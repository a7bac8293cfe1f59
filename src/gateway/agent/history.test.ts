import { describe, expect, it } from 'vitest';
import type { StoredTurn } from '../store/queries/sessions';
import { boundHistory, estimateMessages } from './history';

let seq = 0;
const turn = (role: StoredTurn['role'], text: string, extra: Partial<StoredTurn> = {}): StoredTurn => ({
  seq: ++seq,
  sessionKey: 'agent:main:main',
  role,
  text,
  at: seq,
  ...extra,
});

/** Three exchanges; the second used the react tool. */
const transcript = (): StoredTurn[] => [
  turn('user', 'one'),
  turn('assistant', 'answer one'),
  turn('user', 'two'),
  turn('assistant', '', { toolCalls: [{ id: 'c1', name: 'whatsapp', arguments: '{}' }] }),
  turn('tool', 'Done', { toolCallId: 'c1', toolName: 'whatsapp' }),
  turn('assistant', 'answer two'),
  turn('user', 'three'),
  turn('assistant', 'answer three'),
];

const texts = (h: ReturnType<typeof boundHistory>) => h.map((m) => `${m.role}:${m.content}`);

describe('boundHistory', () => {
  it('keeps the newest N user turns with everything answered to them (dmHistoryLimit)', () => {
    expect(texts(boundHistory(transcript(), { userTurns: 2, tokens: 10_000 }))).toEqual([
      'user:two',
      'assistant:',
      'tool:Done',
      'assistant:answer two',
      'user:three',
      'assistant:answer three',
    ]);
    expect(boundHistory(transcript(), { userTurns: 0, tokens: 10_000 })).toEqual([]);
    expect(boundHistory(transcript(), { tokens: 10_000 })).toHaveLength(8);
  });

  it('drops the oldest whole exchanges until the rest fits the context window', () => {
    const all = boundHistory(transcript(), { tokens: 10_000 });
    const lastTwo = all.slice(2);
    const budget = estimateMessages(lastTwo);
    expect(texts(boundHistory(transcript(), { tokens: budget }))).toEqual(texts(lastTwo));
    expect(texts(boundHistory(transcript(), { tokens: budget - 1 }))).toEqual([
      'user:three',
      'assistant:answer three',
    ]);
    expect(boundHistory(transcript(), { tokens: 0 })).toEqual([]);
  });

  it('never starts with a tool result or an answer whose question was cut off', () => {
    const cut = transcript().slice(4); // starts at the tool result of exchange two
    expect(texts(boundHistory(cut, { tokens: 10_000 }))).toEqual(['user:three', 'assistant:answer three']);
  });

  it('carries tool calls and their results in the chat-message shape', () => {
    const h = boundHistory(transcript(), { userTurns: 2, tokens: 10_000 });
    expect(h[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'c1', name: 'whatsapp', arguments: '{}' }],
    });
    expect(h[2]).toEqual({ role: 'tool', toolCallId: 'c1', name: 'whatsapp', content: 'Done' });
  });
});
