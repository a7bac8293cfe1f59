// Why this exists: every group message (a sender-key `skmsg`) carries an XEdDSA signature, and libsignal checks it
// with curve25519-js' pure-JavaScript `verify`, 5–17 ms of CPU each: most of a group message's cost, enough for a
// busy group or a night's backlog to stall the account. An XEdDSA signature over a Curve25519 key is an Ed25519
// signature over the birationally equivalent Edwards key (y = (u − 1)/(u + 1), the sign bit carried in the
// signature's last byte), which Node's crypto verifies natively in microseconds.
//
// The answer must stay exactly curve25519-js' for every input, valid or not. Native "yes" implies curve25519-js'
// "yes" (same key bytes, same hash input, same cofactorless equation; OpenSSL only adds checks such as s < L), so
// a native yes is returned as is; anything else — a shape the native path does not take, a key it refuses, or a
// no — is decided by the original function. Invalid signatures are rare, so the common case stays fast.
// test/xeddsa-equivalence*.test.ts holds the two side by side.
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { requireAsBaileys } from './baileys-require';

type Verify = (publicKey: Uint8Array, msg: Uint8Array, signature: Uint8Array) => boolean;
interface CurveModule {
  verify: Verify;
}

const P = (1n << 255n) - 19n;
/** DER SubjectPublicKeyInfo header of a raw 32-byte Ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** Sender signing keys repeat for every message of a group member; a few hundred cover the busy ones. */
const KEY_CACHE_MAX = 512;
const keyCache = new Map<string, KeyObject | null>();

function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = base % P;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

/**
 * curve25519-js' convertPublicKey: u is read little-endian with bit 255 ignored (it may be ≥ p), and the inverse
 * is the Fermat power, so u ≡ −1 gives y = 0 rather than an error. Returns the canonical y (< p), sign bit clear.
 */
export function edwardsY(u: Uint8Array): Buffer {
  const bytes = Buffer.from(u);
  bytes[31]! &= 0x7f;
  const x = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`) % P;
  const y = (((x - 1n + P) % P) * modPow(x + 1n, P - 2n)) % P;
  return Buffer.from(y.toString(16).padStart(64, '0'), 'hex').reverse();
}

function edwardsKey(publicKey: Uint8Array, signBit: number): KeyObject | null {
  const id = `${Buffer.from(publicKey).toString('hex')}${signBit}`;
  const hit = keyCache.get(id);
  if (hit !== undefined) {
    // Re-inserted so the Map's insertion order is recency order and the oldest key is evicted first.
    keyCache.delete(id);
    keyCache.set(id, hit);
    return hit;
  }
  const y = edwardsY(publicKey);
  y[31]! |= signBit;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, y]), format: 'der', type: 'spki' });
  } catch {
    key = null;
  }
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, key);
  return key;
}

const isBytes = (v: unknown): v is Uint8Array => Object.prototype.toString.call(v) === '[object Uint8Array]';

/**
 * The native answer alone: true (curve25519-js says true too), false (native says no) or null (the native path
 * does not take this input). Exported for the equivalence test; callers use the installed verify.
 */
export function nativeVerify(publicKey: unknown, msg: unknown, signature: unknown): boolean | null {
  if (!isBytes(publicKey) || !isBytes(msg) || !isBytes(signature)) return null;
  if (publicKey.length !== 32 || signature.length !== 64) return null;
  const key = edwardsKey(publicKey, signature[63]! & 0x80);
  if (!key) return null;
  const sig = Buffer.from(signature);
  sig[63]! &= 0x7f;
  try {
    return cryptoVerify(null, msg, key, sig);
  } catch {
    return null;
  }
}

/** Native where it says yes, the original function for everything else. */
export function withNativeVerify(pure: Verify): Verify {
  const fast: Verify = (publicKey, msg, signature) =>
    nativeVerify(publicKey, msg, signature) === true || pure(publicKey, msg, signature);
  return Object.assign(fast, { pure });
}

/** The very module object libsignal's curve.js requires (it reads `verify` off it on every call). */
function curveModule(): CurveModule {
  return requireAsBaileys('curve25519-js', ['libsignal/src/curve.js']) as CurveModule;
}

const pureOf = (v: Verify) => (v as Verify & { pure?: Verify }).pure;

/** Installs the native path; idempotent, so every gateway start may call it. */
export function installNativeVerify(): void {
  const mod = curveModule();
  if (!pureOf(mod.verify)) mod.verify = withNativeVerify(mod.verify);
}

/** Puts curve25519-js' own verify back (benchmarks compare the two in one process). */
export function uninstallNativeVerify(): void {
  const mod = curveModule();
  const pure = pureOf(mod.verify);
  if (pure) mod.verify = pure;
}
