import { describe, expect, it } from 'vitest';
import type { AccessValues } from './access-model';
import { changedFields, dmAllowed, placeIssues, planWrites } from './access-plan';

const CHANNEL = { kind: 'channel' } as const;
const WORK = { kind: 'account', id: 'work' } as const;

/** Applies writes to the pair (dmPolicy, allowFrom) and checks the rule after each, as the gateway does. */
function everyStepValid(start: AccessValues, writes: ReturnType<typeof planWrites>, channel?: AccessValues) {
  const state: AccessValues = { ...start };
  for (const w of writes) {
    const key = w.field as keyof AccessValues;
    if (w.op === 'set') Object.assign(state, { [key]: w.value });
    else delete state[key];
    const eff = { ...channel, ...state };
    if (!dmAllowed(eff.dmPolicy, eff.allowFrom)) return false;
  }
  return true;
}

describe('planning a save', () => {
  it('writes only the changed keys, at their full key paths', () => {
    const loaded: AccessValues = { dmPolicy: 'pairing', sendReadReceipts: true, ackGroup: 'mentions' };
    const form: AccessValues = { ...loaded, sendReadReceipts: false, ackGroup: 'never' };
    expect(planWrites(CHANNEL, loaded, form, null)).toEqual([
      { field: 'sendReadReceipts', path: 'channels.whatsapp.sendReadReceipts', op: 'set', value: false },
      { field: 'ackGroup', path: 'channels.whatsapp.ackReaction.group', op: 'set', value: 'never' },
    ]);
    expect(changedFields(CHANNEL, loaded, loaded)).toEqual([]);
  });

  it('treats an absent channel list as empty, but an account without one as inheriting', () => {
    expect(changedFields(CHANNEL, {}, { allowFrom: [], groups: {}, ackEmoji: '' })).toEqual([]);
    expect(planWrites(WORK, { allowFrom: ['+15551234567'] }, {}, {})).toEqual([
      { field: 'allowFrom', path: 'channels.whatsapp.accounts.work.allowFrom', op: 'unset' },
    ]);
  });

  it('turns the channel reaction off by dropping the emoji, an account by an empty one', () => {
    expect(planWrites(CHANNEL, { ackEmoji: '👀' }, { ackEmoji: '' }, null)).toEqual([
      { field: 'ackEmoji', path: 'channels.whatsapp.ackReaction.emoji', op: 'unset' },
    ]);
    expect(planWrites(WORK, {}, { ackEmoji: '' }, { ackEmoji: '👀' })).toEqual([
      { field: 'ackEmoji', path: 'channels.whatsapp.accounts.work.ackReaction.emoji', op: 'set', value: '' },
    ]);
  });

  it('orders dmPolicy and allowFrom so that every intermediate file is valid', () => {
    const cases: Array<[AccessValues, AccessValues]> = [
      [{ dmPolicy: 'pairing' }, { dmPolicy: 'allowlist', allowFrom: ['+15551234567'] }],
      [{ dmPolicy: 'pairing' }, { dmPolicy: 'open', allowFrom: ['*'] }],
      [
        { dmPolicy: 'open', allowFrom: ['*'] },
        { dmPolicy: 'pairing', allowFrom: [] },
      ],
      [
        { dmPolicy: 'open', allowFrom: ['*'] },
        { dmPolicy: 'allowlist', allowFrom: ['+15551234567'] },
      ],
      [
        { dmPolicy: 'allowlist', allowFrom: ['+15551234567'] },
        { dmPolicy: 'open', allowFrom: ['*'] },
      ],
      [
        { dmPolicy: 'allowlist', allowFrom: ['+15551234567'] },
        { dmPolicy: 'disabled', allowFrom: [] },
      ],
    ];
    for (const [loaded, form] of cases) {
      const writes = planWrites(CHANNEL, loaded, form, null);
      expect(writes.map((w) => w.field).sort(), JSON.stringify(form)).toEqual(['allowFrom', 'dmPolicy']);
      expect(everyStepValid(loaded, writes), `${JSON.stringify(loaded)} → ${JSON.stringify(form)}`).toBe(
        true,
      );
    }
  });

  it('orders an account’s writes against the allowFrom it inherits', () => {
    const channel: AccessValues = { dmPolicy: 'pairing', allowFrom: ['*'] };
    const loaded: AccessValues = { dmPolicy: 'open' };
    const form: AccessValues = { dmPolicy: 'allowlist', allowFrom: ['+15551234567'] };
    const writes = planWrites(WORK, loaded, form, channel);
    expect(writes[0]?.field).toBe('dmPolicy');
    expect(everyStepValid(loaded, writes, channel)).toBe(true);
  });
});

describe('placing the gateway’s issues', () => {
  it('puts issues next to the field whose key path they name, the rest apart', () => {
    const placed = placeIssues(
      [
        { path: 'channels.whatsapp.accounts.work.allowFrom.1', message: 'bad number' },
        { path: 'channels.whatsapp.accounts.work.allowFrom', message: 'needs "*"' },
        { path: 'channels.whatsapp.accounts.work.groups["123@g.us"]', message: 'bad key' },
        { path: 'channels.whatsapp.accounts.work.dmPolicyX', message: 'unknown key' },
        { path: 'channels.whatsapp.allowFrom', message: 'channel-level' },
      ],
      WORK,
    );
    expect(placed.byField.allowFrom?.map((i) => i.message)).toEqual(['bad number', 'needs "*"']);
    expect(placed.byField.groups?.map((i) => i.message)).toEqual(['bad key']);
    expect(placed.other.map((i) => i.message)).toEqual(['unknown key', 'channel-level']);
  });
});
