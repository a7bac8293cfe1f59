// A restart must not cost every contact a new Signal session. Baileys re-fetches each contact's devices after a
// start (its device cache lives in memory for 5 minutes) and, for every LID the device query returns, fetches a
// fresh prekey bundle and replaces the open session with a new one (whatsapp/session-refresh.ts). Asserted on what
// the contact's simulated phone decrypted: after a restart the next message continues the session (`msg`), and
// a contact that really changed its identity still gets a new session (`pkmsg`).
import { describe, expect, it } from 'vitest';
import type { Contact, ReceivedMessage } from '../e2e/wa-sim/index';
import { inboundSuite, type InboundGateway } from './support/inbound';

const suite = inboundSuite('session-refresh');

type Person = Contact;

/** Sends one text through the control API; how the contact's phone got it. */
async function send(g: InboundGateway, person: Person, message: string): Promise<ReceivedMessage['encType']> {
  const sent = await g.call<{ ids: string[] }>('message.send', { to: person.e164, message });
  return (await person.nextMessage((m) => m.id === sent.ids[0])).encType;
}

const OPEN = `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`;

/** The contact writes to the gateway, and the gateway has taken it in. */
async function answer(g: InboundGateway, person: Person, text: string): Promise<void> {
  const id = await person.send(g.phone, text);
  await g.nextAccepted((m) => m.messageId === id);
}

describe('Signal sessions across a restart', () => {
  it('keeps the open session with a contact: the first message after a restart is not a new session', async () => {
    const g = await suite.gateway('+15550410001', OPEN);
    const alice = suite.sim.contact('+15550411001', { name: 'Alice' });
    expect(await send(g, alice, 'first')).toBe('pkmsg');
    // Until the contact answers on it, a new session's messages all carry the prekey bundle.
    await answer(g, alice, 'hello back');
    expect(await send(g, alice, 'second')).toBe('msg');
    for (let i = 0; i < 3; i++) {
      await g.restart();
      expect(await send(g, alice, `after restart ${i}`)).toBe('msg');
    }
  });
});
