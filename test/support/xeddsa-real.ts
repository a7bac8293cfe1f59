// Part 1 of the equivalence of the native XEdDSA verify (src/gateway/whatsapp/xeddsa-verify.ts) with
// curve25519-js' own: real signatures from curve25519-js' sign, and every one of them with bits flipped in the
// signature (the sign bit and the top bits of s first), the key (bit 255, which curve25519-js ignores, first) and
// the message. Run by test/xeddsa-equivalence.test.ts and xeddsa-equivalence-2.test.ts, half each.
import { describe, expect, it } from 'vitest';
import { Bytes, compare, emptyTally, flip, realSignatures, type Case, type Signed } from './xeddsa-cases';

export const PER_KEY = 6;
const SIG_FLIPS = 36;
const KEY_FLIPS = 18;
const MSG_FLIPS = 12;
/** One in this many native "no" answers is also run through curve25519-js (each costs ~5 ms of CPU). */
const SAMPLE_EVERY = 150;

function* mutants(s: Signed, rand: Bytes): Generator<Case> {
  for (let i = 0; i < SIG_FLIPS; i++) {
    // The first few are the bits with a meaning of their own: the sign bit (511) and the top of s.
    const bit = [511, 510, 509, 508, 255][i] ?? rand.int(512);
    yield { what: `${s.label}: signature bit ${bit}`, key: s.key, msg: s.msg, sig: flip(s.sig, bit) };
  }
  for (let i = 0; i < KEY_FLIPS; i++) {
    const bit = i === 0 ? 255 : rand.int(256);
    yield { what: `${s.label}: key bit ${bit}`, key: flip(s.key, bit), msg: s.msg, sig: s.sig };
  }
  for (let i = 0; i < MSG_FLIPS; i++) {
    if (s.msg.length === 0) {
      yield { what: `${s.label}: message grown by byte ${i}`, key: s.key, msg: Buffer.from([i]), sig: s.sig };
      continue;
    }
    const bit = rand.int(s.msg.length * 8);
    yield { what: `${s.label}: message bit ${bit}`, key: s.key, msg: flip(s.msg, bit), sig: s.sig };
  }
}

/** Cases per signature: as signed, and the flips. */
export const CASES_PER_SIGNATURE = 1 + SIG_FLIPS + KEY_FLIPS + MSG_FLIPS;

/**
 * One file's share of part 1: `keys` key pairs from `seed`. Split over files so vitest's two workers share the
 * CPU-bound work (about 60 CPU-seconds for 100,000 cases, most of it curve25519-js).
 */
export function realSignaturePart(seed: string, keys: number): void {
  describe(`native XEdDSA verify vs curve25519-js: real signatures and flipped bits (${seed})`, () => {
    it('agrees on every case, and takes every real signature natively', () => {
      const rand = new Bytes(seed);
      const signed = realSignatures(rand, keys, PER_KEY);
      const tally = emptyTally();
      const real = compare(
        tally,
        signed.map((s) => ({ what: `${s.label}: as signed`, key: s.key, msg: s.msg, sig: s.sig })),
        SAMPLE_EVERY,
      );
      // Every genuine signature took the native path, so the common case is the fast one.
      expect(real.nativeYes).toBe(signed.length);
      for (const s of signed)
        compare(tally, mutants(s, rand), SAMPLE_EVERY, (c) => c.what.endsWith('key bit 255'));

      expect(tally.failures.slice(0, 10)).toEqual([]);
      expect(tally.cases).toBe(signed.length * CASES_PER_SIGNATURE);
      // Key bit 255 is ignored by curve25519-js, so those stay valid: native must see them as valid too.
      expect(tally.nativeYes).toBeGreaterThanOrEqual(2 * signed.length);
      console.info(
        `xeddsa ${seed}: ${tally.cases} cases, ${tally.nativeYes} native yes, ${tally.compared} run through curve25519-js`,
      );
    }, 600_000);
  });
}
