// The native XEdDSA verify against curve25519-js' own, on at least 100,000 inputs in all: real signatures and
// flipped bits here and in xeddsa-equivalence-2 (half each, so vitest's two workers share the CPU), non-canonical
// encodings, low-order keys, wrong lengths and the installation in xeddsa-equivalence-edges.
import { expect, it } from 'vitest';
import { CASES_PER_SIGNATURE, PER_KEY, realSignaturePart } from './support/xeddsa-real';

const KEYS = 125;

realSignaturePart('xeddsa-equivalence-1', KEYS);

it('the two halves make at least 100,000 cases', () => {
  expect(2 * KEYS * PER_KEY * CASES_PER_SIGNATURE).toBeGreaterThanOrEqual(100_000);
});
