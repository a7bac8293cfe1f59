// Durable before acknowledged, at the instant the SIGKILL test (inbound-crash.test.ts) hits only by chance: the
// delivery receipt has gone out, the message is not in the inbox yet, and the gateway dies. Every decrypted
// message is in wa_intake by then (durable-intake.ts); the next start rebuilds it from there. Covered for direct
// messages (pkmsg) and a group message (skmsg, whose stanza also carries its sender-key distribution).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { inboundSuite } from './support/inbound';
import { waitFor } from './support/env';

const suite = inboundSuite('inbound-durable');

it('a message acknowledged but not in the inbox when the gateway died is taken in, once, at the next start', async () => {
  const g = await suite.gateway(
    '+15550330001',
    `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"], sendReadReceipts: false } },`,
  );
  const alice = suite.sim.contact('+15550331001', { name: 'Alice' });
  const group = await suite.sim.group('Durable', { admin: g.phone, members: [alice] });
  const ids = [
    await alice.send(g.phone, 'first'),
    await alice.send(g.phone, 'second'),
    await group.send(alice, 'in the group'),
  ];
  for (const id of ids) await g.settled(id);
  // Both direct messages were acknowledged to the simulator (a group's receipt goes to the group).
  await waitFor(
    () =>
      ids
        .slice(0, 2)
        .every((id) => alice.user.receipts.items.some((r) => r.type === 'delivery' && r.ids.includes(id))),
    'delivery receipts for the direct messages',
  );
  await g.down();

  // The state a SIGKILL between receipt and inbox leaves: the plaintexts stored, nothing taken in.
  const db = new Database(join(g.t.stateDir, 'state.db'));
  const stored = db.prepare('SELECT DISTINCT message_id FROM wa_intake').pluck().all() as string[];
  // (Also there: a peer message the phone sent its new companion.)
  expect(stored).toEqual(expect.arrayContaining(ids));
  db.exec('UPDATE wa_intake SET handled_at = NULL; DELETE FROM accepted; DELETE FROM inbox;');
  db.close();

  const before = g.accepted.length;
  await g.up();
  for (const id of ids) await g.settled(id);
  const dms = await waitFor(
    () => (g.accepted.length - before >= 2 ? g.accepted.slice(before) : null),
    'the two direct messages handed on again',
  );
  expect(dms.map((m) => m.messageId)).toEqual([ids[0], ids[1]]);
  expect(dms[0]!.body).toMatch(/\] first$/);
  expect(dms[1]!.body).toMatch(/\] second$/);
  expect(g.query('SELECT message_id FROM accepted ORDER BY seq').length).toBe(2);
  const rows = g.query<{ message_id: string; raw: string }>('SELECT message_id, raw FROM inbox ORDER BY seq');
  expect(rows.map((r) => [r.message_id, (JSON.parse(r.raw) as { text: string }).text])).toEqual([
    [ids[0], 'first'],
    [ids[1], 'second'],
    [ids[2], 'in the group'],
  ]);
  expect(g.query('SELECT message_id FROM wa_intake WHERE handled_at IS NULL')).toEqual([]);
  // Nothing was decrypted twice: the simulator got no retry request for any of them.
  expect(alice.user.receipts.items.filter((r) => r.type === 'retry')).toEqual([]);
});

it('a batch the inbox could not store stays unhandled and is taken in at the next start, not lost', async () => {
  const g = await suite.gateway(
    '+15550330002',
    `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"], sendReadReceipts: false } },`,
  );
  const bob = suite.sim.contact('+15550331002', { name: 'Bob' });
  // A database that refuses this one message, as a full disk or a locked file would.
  const db = new Database(join(g.t.stateDir, 'state.db'));
  db.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON inbox WHEN NEW.raw LIKE '%boom%'
           BEGIN SELECT RAISE(ABORT, 'injected failure'); END;`);
  const id = await bob.send(g.phone, 'boom');
  const unhandled = () =>
    db.prepare('SELECT count(*) FROM wa_intake WHERE message_id = ? AND handled_at IS NULL').pluck().get(id);
  await waitFor(() => unhandled() === 1, 'the plaintext stored');
  const ok = await bob.send(g.phone, 'after');
  await g.settled(ok);
  expect(g.query('SELECT message_id FROM inbox WHERE message_id = ?', [id])).toEqual([]);
  expect(unhandled()).toBe(1);

  db.exec('DROP TRIGGER refuse_boom');
  db.close();
  await g.down();
  await g.up();
  expect(await g.settled(id)).toMatchObject({ state: 'accepted' });
  expect(g.query('SELECT message_id FROM accepted WHERE message_id = ?', [id])).toHaveLength(1);
});
