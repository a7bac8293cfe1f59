// Ids for the messages the outbox sends, in the form WhatsApp Web gives its own: "3EB0" and 18 upper-case hex
// digits (72 random bits). Baileys' generateMessageIDV2 hashes the time, our number and 16 fresh random bytes with
// SHA-256 for every id, which only makes 72 bits that look random, at about 5 µs of CPU per id (a hash, Buffers and
// a random-bytes call). The bits here come straight from the system's CSPRNG, drawn a few hundred ids at a time
// into one fixed buffer.
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 9;
/** Ids per refill: one fixed buffer, so the pool never grows. */
const POOL_IDS = 512;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));
const pool = Buffer.alloc(ID_BYTES * POOL_IDS);
// Start exhausted: the first id fills the pool, so importing this costs nothing.
let next = pool.length;

/** A new message id, e.g. "3EB0A1B2C3D4E5F6A7B8C9". */
export function newMessageId(): string {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  let id = '3EB0';
  for (const end = next + ID_BYTES; next < end; next++) id += HEX[pool[next] as number];
  return id;
}
