// The fast X25519 agreement against libsignal's own calculateAgreement, input by input: real key pairs, public keys
// of small order and out of range, unclamped private keys, and every shape libsignal checks (lengths, the 0x05 type
// byte, types). Same value, or the same error, for each.
import { randomBytes } from 'node:crypto';
import { requireAsBaileys } from './baileys-require';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LOW_ORDER_U, toBytes } from '../../../test/support/xeddsa-cases';
import {
  fastAgreement,
  installFastAgreement,
  uninstallFastAgreement,
  withFastAgreement,
} from './x25519-agreement';

type Agreement = (publicKey: unknown, privateKey: unknown) => Buffer;
const curve = requireAsBaileys('libsignal/src/curve.js') as {
  calculateAgreement: Agreement;
  generateKeyPair(): { pubKey: Buffer; privKey: Buffer };
};
uninstallFastAgreement(); // whatever an earlier test file in this worker did
const original = curve.calculateAgreement;
const installed = withFastAgreement(original as never) as Agreement;

const outcome = (f: Agreement, pub: unknown, priv: unknown) => {
  try {
    return { value: f(pub, priv).toString('hex') };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

const typed = (u: Buffer) => Buffer.concat([Buffer.from([5]), u]);
/** u-coordinates of small order and values at or past p, as libsignal would see them (0x05 type byte first). */
const ODD_PUBLIC = [...LOW_ORDER_U, (1n << 255n) - 1n, (1n << 256n) - 1n].map((u) => typed(toBytes(u)));

afterAll(() => uninstallFastAgreement());

describe('X25519 agreement, fast path vs libsignal', () => {
  it('gives libsignal’s value for 2,000 real key pairs, each way round', () => {
    let fastTaken = 0;
    for (let i = 0; i < 1000; i++) {
      const a = curve.generateKeyPair();
      const b = curve.generateKeyPair();
      for (const [pub, priv] of [
        [b.pubKey, a.privKey],
        [a.pubKey, b.privKey],
      ] as const) {
        const expected = original(pub, priv);
        expect(installed(pub, priv).equals(expected)).toBe(true);
        if (fastAgreement(pub, priv) !== null) fastTaken += 1;
      }
    }
    // Where the fast path runs at all (Node 20), it took every one of them rather than handing them back.
    expect([0, 2000]).toContain(fastTaken);
  });

  it('gives the same value or the same error for odd public keys and unclamped private keys', () => {
    const privs = [
      randomBytes(32),
      Buffer.alloc(32),
      Buffer.alloc(32, 0xff),
      curve.generateKeyPair().privKey,
    ];
    let refused = 0;
    for (const pub of [...ODD_PUBLIC, typed(Buffer.alloc(32, 0xff)), typed(randomBytes(32))])
      for (const priv of privs) {
        const expected = outcome(original, pub, priv);
        if ('error' in expected) refused += 1;
        expect(outcome(installed, pub, priv)).toEqual(expected);
      }
    // The small-order keys give an all-zero secret, which OpenSSL refuses: the error cases are really exercised.
    expect(refused).toBeGreaterThan(0);
  });

  it('leaves every shape libsignal checks to libsignal: same errors, same answers', () => {
    const good = curve.generateKeyPair();
    const pubs: unknown[] = [
      good.pubKey.subarray(1), // 32 bytes: libsignal warns and goes on
      Buffer.concat([Buffer.from([6]), good.pubKey.subarray(1)]),
      Buffer.concat([good.pubKey, Buffer.from([0])]),
      new Uint8Array(good.pubKey),
      Buffer.alloc(0),
    ];
    const privs: unknown[] = [
      good.privKey,
      good.privKey.subarray(1),
      new Uint8Array(good.privKey),
      undefined,
    ];
    // libsignal's warning about a 32-byte key, twice per case here.
    const warned = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const pub of pubs)
      for (const priv of privs) {
        expect(fastAgreement(pub, priv)).toBeNull();
        expect(outcome(installed, pub, priv)).toEqual(outcome(original, pub, priv));
      }
    expect(warned).toHaveBeenCalled();
    warned.mockRestore();
  });

  it('is installed where libsignal reads it only when it agrees on this Node, and comes out again', () => {
    const on = installFastAgreement();
    expect(on).toBe(fastAgreement(curve.generateKeyPair().pubKey, curve.generateKeyPair().privKey) !== null);
    expect(curve.calculateAgreement === original).toBe(!on);
    expect(installFastAgreement()).toBe(on); // idempotent: never wrapped twice
    if (on) expect((curve.calculateAgreement as { original?: unknown }).original).toBe(original);
    uninstallFastAgreement();
    expect(curve.calculateAgreement).toBe(original);
  });
});
