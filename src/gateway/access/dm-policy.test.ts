import { describe, expect, it } from 'vitest';
import { decideDm, type DmContext, type DmPolicy } from './dm-policy';
import { generatePairingCode, PAIRING_ALPHABET } from './pairing-code';

const self = '+15550001111';
const friend = '+15551234567';
const stranger = '+15559999999';
const paired = '+15557777777';
const ctx = (policy: DmPolicy, allowFrom: string[] = [friend]): DmContext => ({
  policy,
  allowFrom,
  approved: new Set([paired]),
  self,
});
const act = (e164: string | null, c: DmContext) => decideDm({ e164 }, c).action;

describe('DM policy', () => {
  it.each<[DmPolicy, string[], string | null, string]>([
    ['pairing', [friend], friend, 'accept'],
    ['pairing', [friend], paired, 'accept'],
    ['pairing', [friend], stranger, 'pair'],
    ['pairing', [friend], null, 'pair'],
    ['allowlist', [friend], friend, 'accept'],
    ['allowlist', [friend], paired, 'reject'],
    ['allowlist', [friend], stranger, 'reject'],
    ['allowlist', [friend], null, 'reject'],
    ['open', ['*'], stranger, 'accept'],
    ['open', ['*'], null, 'accept'],
    ['open', [friend], stranger, 'reject'],
    ['disabled', [friend], friend, 'reject'],
    ['disabled', ['*'], paired, 'reject'],
  ])('%s with allowFrom %j: %s → %s', (policy, allowFrom, sender, expected) => {
    expect(act(sender, ctx(policy, allowFrom))).toBe(expected);
  });

  it('trusts the linked number itself under every policy', () => {
    for (const policy of ['pairing', 'allowlist', 'open', 'disabled'] as const)
      expect(act(self, ctx(policy, []))).toBe('accept');
  });

  it('says why it rejects', () => {
    expect(decideDm({ e164: stranger }, ctx('allowlist'))).toEqual({
      action: 'reject',
      reason: `${stranger} is not in allowFrom`,
    });
  });
});

describe('pairing codes', () => {
  it('are 8 characters from the unambiguous alphabet, and differ', () => {
    const codes = new Set(Array.from({ length: 200 }, generatePairingCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[${PAIRING_ALPHABET}]{8}$`));
  });
});
