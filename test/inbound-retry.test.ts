// A message the gateway could not decrypt is not lost: Baileys asks the contact's phone for it again (a retry
// receipt), the phone sends it anew, and it reaches the agent once, with its text. Real Baileys against the
// simulator, whose phones answer retry receipts here (sim.answerRetries).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inboundSuite } from './support/inbound';

const OPEN = `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`;
const suite = inboundSuite('inbound-retry');
beforeAll(() => suite.sim.answerRetries(true));
afterAll(() => suite.sim.answerRetries(false));

it('a message that failed its MAC check arrives through the phone’s resend, handed on once', async () => {
  const g = await suite.gateway('+15550430001', OPEN);
  const carol = suite.sim.contact('+15550431001', { name: 'Carol' });
  const hello = await carol.send(g.phone, 'hello');
  await g.nextAccepted((m) => m.messageId === hello);

  const id = await carol.sendUndecryptable(g.phone, 'the one that broke');
  const got = await g.nextAccepted((m) => m.messageId === id);
  expect(got.body).toContain('the one that broke');
  // The gateway asked, once; the phone answered.
  const retries = carol.user.receipts.items.filter((r) => r.type === 'retry' && r.ids.includes(id));
  expect(retries).toHaveLength(1);
  const after = await carol.send(g.phone, 'and the next one');
  await g.nextAccepted((m) => m.messageId === after);
  expect(g.accepted.filter((m) => m.messageId === id)).toHaveLength(1);
  expect(g.query<{ n: number }>('SELECT count(*) AS n FROM accepted WHERE message_id = ?', id)[0]!.n).toBe(1);
});

it('a message on a session the gateway no longer has (state.db from before it) arrives on the new session the phone builds', async () => {
  const g = await suite.gateway('+15550430002', OPEN);
  const dave = suite.sim.contact('+15550432001', { name: 'Dave' });
  const hello = await dave.send(g.phone, 'hello');
  await g.nextAccepted((m) => m.messageId === hello);
  await g.down();
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(`${g.t.env.OPENCLAW_STATE_DIR}/state.db`);
  // Dave's session is filed under his LID address (the mapping is in the same table).
  const lid = JSON.parse(
    db
      .prepare("SELECT value FROM wa_keys WHERE type = 'lid-mapping' AND id = ?")
      .pluck()
      .get('15550432001') as string,
  ) as string;
  expect(db.prepare("DELETE FROM wa_keys WHERE type = 'session' AND id = ?").run(`${lid}_1.0`).changes).toBe(
    1,
  );
  db.close();
  await g.up();

  const id = await dave.send(g.phone, 'are you there?');
  const got = await g.nextAccepted((m) => m.messageId === id);
  expect(got.body).toContain('are you there?');
  expect(dave.user.receipts.items.some((r) => r.type === 'retry' && r.ids.includes(id))).toBe(true);
  expect(g.accepted.filter((m) => m.messageId === id)).toHaveLength(1);
});
