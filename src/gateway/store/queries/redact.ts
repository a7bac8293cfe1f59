// Scrubbing a secret out of one received message wherever state.db keeps it: the inbox row's raw message, the
// hand-off's body and meta, and the decrypted plaintext kept for redeliveries (wa_intake). Called inside the
// transaction that records the message's outcome, so the secret is gone from the moment the answer is.
import type Database from 'better-sqlite3';
import { SECRET_MASK } from '../../config/secrets';
import { prepare } from './prepare';

/**
 * A value this short would match bytes of the message's binary fields too, so it is left in the plaintext
 * (which is pruned minutes after intake anyway); the text rows are scrubbed whatever its length.
 */
const MIN_BLOB_SECRET = 4;

const scrub = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((t, s) => t.split(s).join(SECRET_MASK), text);

/** A copy of parsed JSON with `secrets` masked in every string (keys included). */
function scrubDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [scrub(k, secrets), scrubDeep(v, secrets)]),
    );
  return value;
}

/**
 * The same bytes with each secret overwritten by as many `*`: the plaintext is a protobuf whose length prefixes
 * must stay true, so a redelivery answered from it still decodes (into a message the inbox already has).
 */
function scrubBytes(bytes: Buffer, secrets: readonly string[]): Buffer {
  const out = Buffer.from(bytes);
  for (const s of secrets) {
    const needle = Buffer.from(s, 'utf8');
    if (needle.length < MIN_BLOB_SECRET) continue;
    for (let i = out.indexOf(needle); i >= 0; i = out.indexOf(needle, i + needle.length))
      out.fill(0x2a, i, i + needle.length);
  }
  return out;
}

/** Masks `secrets` in everything stored about accepted message `acceptedSeq`; the number of rows changed. */
export function redactAccepted(
  db: Database.Database,
  acceptedSeq: number,
  secrets: readonly string[],
): number {
  if (secrets.length === 0) return 0;
  const row = prepare<
    [number],
    { inbox_seq: number; account: string; message_id: string; body: string; meta: string }
  >(db, 'SELECT inbox_seq, account, message_id, body, meta FROM accepted WHERE seq = ?').get(acceptedSeq);
  if (!row) return 0;
  let changed = prepare<[string, string, number]>(
    db,
    'UPDATE accepted SET body = ?, meta = ? WHERE seq = ?',
  ).run(
    scrub(row.body, secrets),
    JSON.stringify(scrubDeep(JSON.parse(row.meta), secrets)),
    acceptedSeq,
  ).changes;
  const inbox = prepare<[number], { raw: string }>(db, 'SELECT raw FROM inbox WHERE seq = ?').get(
    row.inbox_seq,
  );
  if (inbox)
    changed += prepare<[string, number]>(db, 'UPDATE inbox SET raw = ? WHERE seq = ?').run(
      JSON.stringify(scrubDeep(JSON.parse(inbox.raw), secrets)),
      row.inbox_seq,
    ).changes;
  const plain = prepare<[string, string], { seq: number; plaintext: Buffer }>(
    db,
    'SELECT seq, plaintext FROM wa_intake WHERE account = ? AND message_id = ?',
  ).all(row.account, row.message_id);
  for (const p of plain) {
    const scrubbed = scrubBytes(p.plaintext, secrets);
    if (!scrubbed.equals(p.plaintext))
      changed += prepare<[Buffer, number]>(db, 'UPDATE wa_intake SET plaintext = ? WHERE seq = ?').run(
        scrubbed,
        p.seq,
      ).changes;
  }
  return changed;
}
