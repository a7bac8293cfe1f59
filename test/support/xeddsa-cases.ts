// Inputs for the XEdDSA equivalence tests (test/xeddsa-equivalence*.test.ts): real signatures from curve25519-js'
// own sign, and what can be made of them. Seeded, so a failure names a case that the next run builds again.
import { createHash } from 'node:crypto';
import { requireAsBaileys } from '../../src/gateway/whatsapp/baileys-require';
import { nativeVerify, withNativeVerify } from '../../src/gateway/whatsapp/xeddsa-verify';

export interface CurveJs {
  sign(secretKey: Uint8Array, msg: Uint8Array): Uint8Array;
  verify(publicKey: unknown, msg: unknown, signature: unknown): boolean;
  generateKeyPair(seed: Uint8Array): { public: Uint8Array; private: Uint8Array };
}

/** The copy libsignal uses, captured before anything installs a native path over its `verify`. */
export const curveJs = requireAsBaileys('curve25519-js', ['libsignal/src/curve.js']) as CurveJs;
export const pureVerify = curveJs.verify;

export interface Case {
  what: string;
  key: unknown;
  msg: unknown;
  sig: unknown;
}

/** Deterministic bytes: SHA-512 of the seed and a counter. */
export class Bytes {
  private n = 0;
  constructor(private readonly seed: string) {}
  take(len: number): Buffer {
    const out = Buffer.alloc(len);
    for (let at = 0; at < len; at += 64) {
      createHash('sha512').update(`${this.seed}/${this.n++}`).digest().copy(out, at);
    }
    return out;
  }
  int(below: number): number {
    return this.take(4).readUInt32LE() % below;
  }
}

export const P = (1n << 255n) - 19n;
export const L = (1n << 252n) + 27742317777372353535851937790883648493n;

/** Curve25519 u-coordinates of small order (0, 1, the two of order 8, p − 1) and their forms ≥ p. */
export const LOW_ORDER_U = [
  0n,
  1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
  P - 1n,
  P,
  P + 1n,
];

export const toBytes = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse();
export const fromBytes = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).reverse().toString('hex')}`);

export const flip = (b: Uint8Array, bit: number): Buffer => {
  const out = Buffer.from(b);
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
};

export interface Signed {
  key: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
  label: string;
}

/** `keys` key pairs with `perKey` messages each (0 to 300 bytes, the empty one included), signed by curve25519-js. */
export function realSignatures(rand: Bytes, keys: number, perKey: number): Signed[] {
  const out: Signed[] = [];
  for (let k = 0; k < keys; k++) {
    const pair = curveJs.generateKeyPair(rand.take(32));
    for (let m = 0; m < perKey; m++) {
      const msg = rand.take(k === 0 && m === 0 ? 0 : rand.int(300));
      out.push({ key: pair.public, msg, sig: curveJs.sign(pair.private, msg), label: `key ${k} msg ${m}` });
    }
  }
  return out;
}

/**
 * The result of a verify as something comparable: the boolean, or the thrown error's class and message (a
 * wrong length or type must fail the same way through both).
 */
export function outcome(verify: (k: unknown, m: unknown, s: unknown) => boolean, c: Case): string {
  try {
    return String(verify(c.key, c.msg, c.sig));
  } catch (err) {
    return `throws ${(err as Error).name}: ${(err as Error).message}`;
  }
}

export interface Tally {
  cases: number;
  /** Native said yes, so the installed verify answered without curve25519-js. */
  nativeYes: number;
  /** Cases where curve25519-js itself was run and compared. */
  compared: number;
  /** Native said no (or could not take the input) and curve25519-js said yes: the fallback's reason to exist. */
  rescued: number;
  failures: string[];
}

export const emptyTally = (): Tally => ({ cases: 0, nativeYes: 0, compared: 0, rescued: 0, failures: [] });

// The installed verify is typed for libsignal's callers; the cases also feed it the wrong types on purpose.
const installed = withNativeVerify(pureVerify) as CurveJs['verify'];

/**
 * Every native yes is checked against curve25519-js (the one answer the installed verify gives without it). A
 * native no or "cannot" hands the input to curve25519-js itself, so the installed answer is curve25519-js' by
 * construction; those are compared in full when `full(c)` says so and otherwise one in `sampleEvery`, since each
 * curve25519-js verify costs milliseconds of CPU.
 */
export function compare(
  tally: Tally,
  cases: Iterable<Case>,
  sampleEvery: number,
  full = (_c: Case) => false,
): Tally {
  for (const c of cases) {
    const i = tally.cases++;
    const native = nativeVerify(c.key, c.msg, c.sig);
    if (native === true) {
      tally.nativeYes++;
      tally.compared++;
      const pure = outcome(pureVerify, c);
      if (pure !== 'true') tally.failures.push(`${c.what}: native accepts, curve25519-js says ${pure}`);
    } else if (full(c) || i % sampleEvery === 0) {
      tally.compared++;
      const pure = outcome(pureVerify, c);
      const ours = outcome(installed, c);
      if (pure === 'true') tally.rescued++;
      if (ours !== pure) tally.failures.push(`${c.what}: installed says ${ours}, curve25519-js says ${pure}`);
    }
  }
  return tally;
}
