// The native XEdDSA verify against curve25519-js' own, part 2: the inputs where the two implementations could part
// ways (non-canonical s, R and keys, the sign bit with x = 0, low-order keys, wrong lengths and types), each run
// through both in full; and the installation libsignal actually reaches.
import { requireAsBaileys } from '../src/gateway/whatsapp/baileys-require';
import { afterEach, describe, expect, it } from 'vitest';
import {
  installNativeVerify,
  uninstallNativeVerify,
  withNativeVerify,
} from '../src/gateway/whatsapp/xeddsa-verify';
import {
  Bytes,
  compare,
  curveJs,
  emptyTally,
  fromBytes,
  L,
  LOW_ORDER_U,
  P,
  pureVerify,
  realSignatures,
  toBytes,
  type Case,
} from './support/xeddsa-cases';

const always = () => true;
/** Each curve25519-js verify is milliseconds of CPU, and others share the two cores. */
const CPU_BOUND = 300_000;

function withTopBit(b: Buffer): Buffer {
  const out = Buffer.from(b);
  out[31]! |= 0x80;
  return out;
}

describe('native XEdDSA verify vs curve25519-js: the edges', () => {
  it(
    's + k·L (non-canonical s): native refuses, curve25519-js accepts, the installed verify says yes',
    () => {
      const rand = new Bytes('xeddsa-edges-s');
      const cases: Case[] = [];
      for (const s of realSignatures(rand, 20, 2)) {
        const sBytes = s.sig.slice(32);
        const sign = sBytes[31]! & 0x80;
        sBytes[31]! &= 0x7f;
        for (const k of [1n, 2n, 6n]) {
          const bigger = fromBytes(sBytes) + k * L;
          if (bigger >= 1n << 255n) continue;
          const sig = Buffer.concat([s.sig.slice(0, 32), toBytes(bigger)]);
          sig[63]! |= sign;
          cases.push({ what: `${s.label}: s + ${k}L`, key: s.key, msg: s.msg, sig });
        }
      }
      const tally = compare(emptyTally(), cases, 1, always);
      expect(tally.failures).toEqual([]);
      expect(tally.cases).toBeGreaterThanOrEqual(100);
      // Every one of them is a yes that only the fallback gives.
      expect(tally.rescued).toBe(tally.cases);
    },
    CPU_BOUND,
  );

  it(
    'R with y ≥ p, and R as the identity or of order 2, under both sign bits',
    () => {
      const rand = new Bytes('xeddsa-edges-r');
      const cases: Case[] = [];
      for (const s of realSignatures(rand, 4, 2)) {
        const rs = [1n, P - 1n, ...Array.from({ length: 19 }, (_, t) => P + BigInt(t))];
        for (const r of rs) {
          for (const sign of [0, 0x80]) {
            const R = toBytes(r);
            R[31]! |= sign;
            const sig = Buffer.concat([R, s.sig.slice(32)]);
            cases.push({ what: `${s.label}: R = ${r} sign ${sign}`, key: s.key, msg: s.msg, sig });
          }
        }
      }
      const tally = compare(emptyTally(), cases, 1, always);
      expect(tally.failures).toEqual([]);
      expect(tally.compared).toBe(cases.length);
    },
    CPU_BOUND,
  );

  it(
    'low-order keys (also with u ≥ p and bit 255 set): R = identity, s = 0 or L, both sign bits',
    () => {
      const rand = new Bytes('xeddsa-edges-low');
      const cases: Case[] = [];
      for (const u of LOW_ORDER_U) {
        for (const key of [toBytes(u), withTopBit(toBytes(u))]) {
          for (let m = 0; m < 6; m++) {
            const msg = rand.take(1 + m);
            for (const s of [0n, L]) {
              for (const sign of [0, 0x80]) {
                // 0·B − h·A is the identity whenever h is a multiple of A's order: curve25519-js accepts those.
                const sig = Buffer.concat([toBytes(1n), toBytes(s)]);
                sig[63]! |= sign;
                cases.push({
                  what: `u ${u} top ${key[31]! >> 7} msg ${m} s ${s} sign ${sign}`,
                  key,
                  msg,
                  sig,
                });
              }
            }
            const random = rand.take(64);
            cases.push({ what: `u ${u} random signature ${m}`, key, msg, sig: random });
          }
        }
      }
      const tally = compare(emptyTally(), cases, 1, always);
      expect(tally.failures).toEqual([]);
      // Some of these forgeries are valid to curve25519-js, so the comparison covered yes answers too.
      expect(tally.rescued + tally.nativeYes).toBeGreaterThan(0);
    },
    CPU_BOUND,
  );

  it('wrong lengths and types fail exactly as curve25519-js fails them; Buffers, views and Uint8Arrays all work', () => {
    const [s] = realSignatures(new Bytes('xeddsa-edges-shape'), 1, 1);
    const { key, msg, sig } = s!;
    const cut = (b: Uint8Array, n: number) => Buffer.from(b).subarray(0, n);
    const grow = (b: Uint8Array) => Buffer.concat([b, Buffer.from([0])]);
    // A view into a bigger buffer, at an offset: what protobuf decoding hands libsignal.
    const view = (b: Uint8Array) =>
      Buffer.concat([Buffer.alloc(7), b, Buffer.alloc(5)]).subarray(7, 7 + b.length);
    const cases: Case[] = [
      { what: 'sig 63 bytes', key, msg, sig: cut(sig, 63) },
      { what: 'sig 65 bytes', key, msg, sig: grow(sig) },
      { what: 'sig empty', key, msg, sig: new Uint8Array(0) },
      { what: 'key 31 bytes', key: cut(key, 31), msg, sig },
      { what: 'key 33 bytes', key: Buffer.concat([Buffer.from([5]), key]), msg, sig },
      { what: 'key empty and sig 63', key: new Uint8Array(0), msg, sig: cut(sig, 63) },
      { what: 'msg an array', key, msg: [...msg], sig },
      { what: 'msg a string', key, msg: 'hello', sig },
      { what: 'msg undefined', key, msg: undefined, sig },
      { what: 'key an ArrayBuffer', key: new Uint8Array(key).buffer, msg, sig },
      { what: 'sig null', key, msg, sig: null },
      { what: 'sig a DataView', key, msg, sig: new DataView(new Uint8Array(sig).buffer) },
      {
        what: 'plain Uint8Arrays',
        key: new Uint8Array(key),
        msg: new Uint8Array(msg),
        sig: new Uint8Array(sig),
      },
      { what: 'views at an offset', key: view(key), msg: view(msg), sig: view(sig) },
    ];
    const tally = compare(emptyTally(), cases, 1, always);
    expect(tally.failures).toEqual([]);
    expect(tally.nativeYes).toBe(2);
  });
});

describe('installation where libsignal reaches verify', () => {
  const libsignalCurve = requireAsBaileys('libsignal/src/curve.js') as {
    verifySignature(key: Buffer, msg: Buffer, sig: Buffer, isInit?: boolean): boolean;
  };
  afterEach(() => uninstallNativeVerify());

  it('answers through the native path once installed, keeps every answer and error, and uninstalls', () => {
    const [s] = realSignatures(new Bytes('xeddsa-install'), 1, 1);
    const key = Buffer.concat([Buffer.from([5]), s!.key]);
    const msg = Buffer.from(s!.msg);
    const sig = Buffer.from(s!.sig);
    const bad = Buffer.from(sig);
    bad[0]! ^= 1;

    installNativeVerify();
    installNativeVerify();
    expect(curveJs.verify).not.toBe(pureVerify);
    expect((curveJs.verify as unknown as { pure: unknown }).pure).toBe(pureVerify);
    expect(libsignalCurve.verifySignature(key, msg, sig)).toBe(true);
    expect(libsignalCurve.verifySignature(key, msg, bad)).toBe(false);
    expect(() => libsignalCurve.verifySignature(key, msg, sig.subarray(0, 63))).toThrow('Invalid signature');
    expect(() => curveJs.verify(s!.key, msg, sig.subarray(0, 63))).toThrow('wrong signature length');

    uninstallNativeVerify();
    expect(curveJs.verify).toBe(pureVerify);
    expect(libsignalCurve.verifySignature(key, msg, sig)).toBe(true);
  });

  it('a valid signature never reaches the pure-JavaScript verify; an invalid one always does', () => {
    const [s] = realSignatures(new Bytes('xeddsa-spy'), 1, 1);
    const calls: boolean[] = [];
    const spy = (k: Uint8Array, m: Uint8Array, g: Uint8Array) => {
      const answer = pureVerify(k, m, g);
      calls.push(answer);
      return answer;
    };
    const verify = withNativeVerify(spy);
    expect(verify(s!.key, s!.msg, s!.sig)).toBe(true);
    expect(calls).toEqual([]);
    const bad = Buffer.from(s!.sig);
    bad[40]! ^= 4;
    expect(verify(s!.key, s!.msg, bad)).toBe(false);
    expect(calls).toEqual([false]);
  });
});
