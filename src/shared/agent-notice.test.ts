import { describe, expect, it } from 'vitest';
import { agentNotice } from './agent-notice';

describe('agentNotice', () => {
  it("says the agent's own sentence while no model is configured", () => {
    expect(agentNotice({ configured: false, sentence: 'No model configured — 3 messages waiting' })).toEqual({
      kind: 'waiting',
      text: 'No model configured — 3 messages waiting',
    });
  });

  it('says why the last run failed, with its model', () => {
    const lastFailure = {
      at: '2026-01-01T00:00:00Z',
      sessionKey: 'k',
      model: 'openai/gpt-4o',
      reason: 'bad key (401)',
    };
    expect(agentNotice({ configured: true, sentence: 'Answering with openai/gpt-4o', lastFailure })).toEqual({
      kind: 'failed',
      text: 'The last answer failed (openai/gpt-4o): bad key (401)',
    });
  });

  it('says nothing while the agent answers, or before its status is known', () => {
    expect(agentNotice({ configured: true, sentence: 'Answering with openai/gpt-4o' })).toBeNull();
    expect(agentNotice(null)).toBeNull();
  });
});
