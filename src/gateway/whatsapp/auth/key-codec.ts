// The stored text of a Signal key, in Baileys' BufferJSON form, without BufferJSON's replacer/reviver callbacks.
// Every decrypted or sent message reads and writes keys, and the callbacks cost: JSON.stringify runs Buffer's
// toJSON (a number array) before the replacer turns it back into a Buffer to base64 it, and JSON.parse runs the
// reviver with Object.keys + parseInt on every object. Here JSON.stringify and JSON.parse run without callbacks,
// around a walk that does the same conversions. The output is the callbacks' output, exactly (key-codec.test.ts
// compares both on real keys and randomized values); any shape the walk does not handle itself (toJSON methods
// other than Buffer's, functions, bigints, cycles) goes to the old calls instead of being guessed at.
import { BufferJSON } from '@whiskeysockets/baileys';

/** What the walk returns for a value it leaves to the old call. */
const UNUSUAL = Symbol('unusual');

const bufferToJSON = Buffer.prototype.toJSON;

/** JSON text of `value` with Buffers/Uint8Arrays as {type:'Buffer',data:base64}: JSON.stringify(v, replacer). */
export function stringifyBufferJSON(value: unknown): string | undefined {
  let ready: unknown;
  try {
    ready = typeof value === 'object' && value !== null ? prepare(value) : value;
  } catch {
    ready = UNUSUAL; // the old call throws its own error for this value, or handles what the walk could not
  }
  if (ready === UNUSUAL || typeof value === 'function' || typeof value === 'bigint') {
    return JSON.stringify(value, BufferJSON.replacer) as string | undefined;
  }
  return JSON.stringify(ready) as string | undefined;
}

/**
 * What the replacer would turn `v` into, as a value JSON.stringify serializes the same way without it: `v` itself
 * when nothing inside it changes (so most of a key is not copied), a copy when something does.
 */
function prepare(v: object): unknown {
  // JSON.stringify calls toJSON first and hands its result to the replacer.
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    if ((v as { toJSON?: unknown }).toJSON !== bufferToJSON || !Buffer.isBuffer(v)) return UNUSUAL;
    // Buffer's toJSON gives {type:'Buffer',data:[bytes]}; the replacer base64s those bytes.
    return { type: 'Buffer', data: v.toString('base64') };
  }
  if (v instanceof Uint8Array) {
    // The replacer would use a `data` property of the array over its bytes.
    if ((v as { data?: unknown }).data) return UNUSUAL;
    return { type: 'Buffer', data: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if ((v as { type?: unknown }).type === 'Buffer') {
    // Already Buffer-shaped ({type:'Buffer',data:[…]}, say): the replacer's own expression, to the letter.
    const shaped = v as { data?: unknown };
    return { type: 'Buffer', data: Buffer.from((shaped.data || v) as Uint8Array).toString('base64') };
  }
  return Array.isArray(v) ? prepareArray(v) : prepareObject(v as Record<string, unknown>);
}

/** A member as the replacer leaves it, or UNUSUAL. */
function prepareMember(m: unknown): unknown {
  if (typeof m === 'object') return m === null ? m : prepare(m);
  return typeof m === 'function' || typeof m === 'bigint' ? UNUSUAL : m;
}

function prepareArray(a: unknown[]): unknown {
  let out: unknown[] | undefined;
  for (let i = 0; i < a.length; i++) {
    const m = a[i];
    const p = prepareMember(m);
    if (p === UNUSUAL) return UNUSUAL;
    if (p !== m && !out) out = a.slice(0, i);
    if (out) out.push(p);
  }
  return out ?? a;
}

function prepareObject(o: Record<string, unknown>): unknown {
  const keys = Object.keys(o);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const m = o[k];
    const p = prepareMember(m);
    if (p === UNUSUAL) return UNUSUAL;
    if (p !== m && !out) {
      out = {};
      for (let j = 0; j < i; j++) copyMember(out, keys[j]!, o[keys[j]!]);
    }
    if (out) copyMember(out, k, p);
  }
  return out ?? o;
}

function copyMember(out: Record<string, unknown>, key: string, value: unknown): void {
  // Assigning `__proto__` would set the copy's prototype instead of adding the member.
  if (key === '__proto__') throw new TypeError('__proto__ member');
  out[key] = value;
}

/** JSON.parse(text, BufferJSON.reviver), with a deep-equal result: same objects, same Buffers. */
export function parseBufferJSON(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) return value;
  try {
    return revive(value);
  } catch {
    // Too deep for the walk, say: the old call, on a fresh parse (the walk changed this one in place).
    return JSON.parse(text, BufferJSON.reviver) as unknown;
  }
}

/** The reviver's result for `v` (fresh from JSON.parse, so changed in place), its members revived first. */
function revive(v: object): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const m: unknown = v[i];
      if (typeof m === 'object' && m !== null) {
        const r = revive(m);
        if (r !== m) v[i] = r;
      }
    }
  } else {
    const o = v as Record<string, unknown>;
    // The reviver's second rule: an object whose keys all parse as integers and whose (revived) values are all
    // numbers is the plain JSON of a Uint8Array, and becomes a Buffer.
    let count = 0;
    let byteLike = true;
    for (const k of Object.keys(o)) {
      count++;
      let m = o[k];
      if (typeof m === 'object' && m !== null) {
        const r = revive(m);
        // Own data member, so this sets the member even for `__proto__`, as the reviver's CreateDataProperty does.
        if (r !== m) o[k] = m = r;
      }
      if (byteLike && (typeof m !== 'number' || !integerKey(k))) byteLike = false;
    }
    if (o.type === 'Buffer' && typeof o.data === 'string') return Buffer.from(o.data, 'base64');
    if (count > 0 && byteLike) return Buffer.from(Object.values(o) as number[]);
  }
  // An array from JSON.parse has no `type` member, so the reviver leaves arrays themselves as they are.
  return v;
}

/** !isNaN(parseInt(key, 10)), as the reviver tests it, without the parse for the usual keys. */
function integerKey(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c >= 48 && c <= 57) return true; // a leading digit always parses
  // Any other printable ASCII start (a letter, say) never does; whitespace, signs and the rest need the parse.
  if (c > 32 && c < 127 && c !== 43 && c !== 45) return false;
  return !Number.isNaN(parseInt(key, 10));
}
