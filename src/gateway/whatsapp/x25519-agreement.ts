// Why this exists: libsignal computes every X25519 agreement (curve.js calculateAgreement) by importing both keys
// from DER, and on Node 20 (OpenSSL 3.0) importing the PKCS#8 private key alone costs ~0.3 ms of CPU (about
// 390 µs for the whole agreement here). Each turn of a conversation is a Double Ratchet step with two agreements
// or more: ~1.5 ms of CPU per answered message in bench/agent, more than all of the gateway's own work on it.
// Node 20 builds the same private key from a JWK in ~25 µs: it takes the key from `d` alone (`x` is only checked
// to be a string), so the agreement below is the very same computation, crypto.diffieHellman over the same key
// bytes, in ~60 µs.
//
// The answer must stay exactly libsignal's for every input. Only the common shape takes the fast path (a 33-byte
// public key with its 0x05 type byte, a 32-byte private key, both Buffers); anything else, and anything the fast
// path throws on, goes to the original function, which answers or throws as it always did. It is installed only
// where a probe at install gives libsignal's answer: Node 24 (Electron's) refuses a JWK whose x does not belong to
// d, and imports DER fast anyway (~55 µs for the whole agreement), so there the original stays.
import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { requireAsBaileys } from './baileys-require';

type Agreement = (publicKey: Buffer, privateKey: Buffer) => Buffer;
interface CurveModule {
  calculateAgreement: Agreement;
  generateKeyPair(): { pubKey: Buffer; privKey: Buffer };
}

/** Stands in for the JWK's `x`, which Node 20 does not read for a private key (see above). */
const UNUSED_X = Buffer.alloc(32).toString('base64url');

/** The fast path's answer, or null where it does not take the input or fails (the caller then asks libsignal). */
export function fastAgreement(publicKey: unknown, privateKey: unknown): Buffer | null {
  if (!(publicKey instanceof Buffer) || publicKey.length !== 33 || publicKey[0] !== 5) return null;
  if (!(privateKey instanceof Buffer) || privateKey.length !== 32) return null;
  try {
    return diffieHellman({
      privateKey: createPrivateKey({
        key: { kty: 'OKP', crv: 'X25519', d: privateKey.toString('base64url'), x: UNUSED_X },
        format: 'jwk',
      }),
      publicKey: createPublicKey({
        key: { kty: 'OKP', crv: 'X25519', x: publicKey.subarray(1).toString('base64url') },
        format: 'jwk',
      }),
    });
  } catch {
    return null;
  }
}

/** The fast path where it answers, libsignal's own function for everything else. */
export function withFastAgreement(original: Agreement): Agreement {
  const fast: Agreement = (publicKey, privateKey) =>
    fastAgreement(publicKey, privateKey) ?? original(publicKey, privateKey);
  return Object.assign(fast, { original });
}

/** The very module object libsignal's session code requires (it reads calculateAgreement off it on every call). */
function curveModule(): CurveModule {
  return requireAsBaileys('libsignal/src/curve.js') as CurveModule;
}

const originalOf = (f: Agreement) => (f as Agreement & { original?: Agreement }).original;

/** Whether the fast path gives libsignal's answer on this Node, tried on a fresh key pair. */
function fastPathAgrees(curve: CurveModule, original: Agreement): boolean {
  const ours = curve.generateKeyPair();
  const theirs = curve.generateKeyPair();
  const fast = fastAgreement(theirs.pubKey, ours.privKey);
  return fast !== null && fast.equals(original(theirs.pubKey, ours.privKey));
}

/** Installs the fast path where it agrees with libsignal; idempotent. Returns whether it is installed. */
export function installFastAgreement(): boolean {
  const curve = curveModule();
  if (originalOf(curve.calculateAgreement)) return true;
  if (!fastPathAgrees(curve, curve.calculateAgreement)) return false;
  curve.calculateAgreement = withFastAgreement(curve.calculateAgreement);
  return true;
}

/** Puts libsignal's own function back (benchmarks compare the two in one process). */
export function uninstallFastAgreement(): void {
  const curve = curveModule();
  const original = originalOf(curve.calculateAgreement);
  if (original) curve.calculateAgreement = original;
}
