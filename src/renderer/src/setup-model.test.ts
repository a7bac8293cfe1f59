import { describe, expect, it } from 'vitest';
import type { AcceptedMessage, AccountStatus } from '../../shared/contract';
import type { AgentStatus, Turn } from '../../shared/contract-agent';
import type { OutboxItem } from '../../shared/contract-outbound';
import {
  firstExchange,
  isFirstRun,
  lastSeq,
  modelStepDone,
  nextStep,
  previousStep,
  shouldOpenSetup,
} from './setup-model';

const agent = (configured: boolean) => ({ configured }) as AgentStatus;
const account = (linked: boolean) => ({ accountId: 'default', linked }) as AccountStatus;

const msg = (seq: number, from = '+15551234567'): AcceptedMessage =>
  ({
    seq,
    from,
    sessionKey: `agent:main:whatsapp:dm:${from}`,
    body: `[WhatsApp] hi ${seq}`,
  }) as AcceptedMessage;
const turn = (role: Turn['role'], text: string, from = '+15551234567'): Turn =>
  ({ role, text, sessionKey: `agent:main:whatsapp:dm:${from}` }) as Turn;
const item = (seq: number, chat: string, state: OutboxItem['state']): OutboxItem =>
  ({ seq, chat, state, origin: 'auto', kind: 'text' }) as OutboxItem;

describe('setup model', () => {
  it('is a first run only when both answers are in, no account is linked and no model is configured', () => {
    expect(isFirstRun(true, { default: account(false) }, agent(false))).toBe(true);
    expect(isFirstRun(true, {}, agent(false))).toBe(true);
    expect(isFirstRun(true, { default: account(true) }, agent(false))).toBe(false);
    expect(isFirstRun(true, { default: account(false) }, agent(true))).toBe(false);
    expect(isFirstRun(false, {}, agent(false))).toBe(false);
    expect(isFirstRun(true, {}, null)).toBe(false);
  });

  it('opens Setup only for a bare link, never over a screen that was asked for', () => {
    expect(shouldOpenSetup('', true)).toBe(true);
    expect(shouldOpenSetup('#/', true)).toBe(true);
    expect(shouldOpenSetup('#/logs', true)).toBe(false);
    expect(shouldOpenSetup('', false)).toBe(false);
  });

  it('walks the steps in order and the model step needs a passing Test or an explicit skip', () => {
    expect(nextStep('mode')).toBe('owner');
    expect(nextStep('link')).toBe('done');
    expect(nextStep('done')).toBe('done');
    expect(previousStep('owner')).toBe('mode');
    expect(previousStep('mode')).toBe('mode');
    expect(modelStepDone('untested')).toBe(false);
    expect(modelStepDone('failed')).toBe(false);
    expect(modelStepDone('passed')).toBe(true);
    expect(modelStepDone('skipped')).toBe(true);
  });

  it('shows the first message after the save, its answer, and the delivery to that chat', () => {
    const before = msg(3, '+15550000000');
    expect(lastSeq([before])).toBe(3);
    expect(firstExchange([before], [], [], 3)).toEqual({ message: null, answer: null, delivery: null });

    const first = msg(4);
    const waiting = firstExchange([before, first], [turn('user', 'hi 4')], [], 3);
    expect(waiting).toEqual({ message: first, answer: null, delivery: null });

    const answered = firstExchange(
      [before, first, msg(5)],
      [turn('user', 'hi 4'), turn('assistant', 'Hello!'), turn('assistant', 'other', '+15550000000')],
      [item(1, '15550000000@s.whatsapp.net', 'sent'), item(2, '15551234567@s.whatsapp.net', 'sent')],
      3,
    );
    expect(answered.message).toBe(first);
    expect(answered.answer?.text).toBe('Hello!');
    expect(answered.delivery?.seq).toBe(2);
  });
});
