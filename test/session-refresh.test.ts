// A restart must not cost every contact a new Signal session. Baileys re-fetches each contact's devices after a
// start (its device cache lives in memory for 5 minutes) and, for every LID the device query returns, fetches a
// fresh prekey bundle and replaces the open session with a new one (whatsapp/session-refresh.ts). Asserted on what
// the contact's simulated phone decrypted: after a restart the next message continues the session (`msg`). A new
// identity still getting a new session is in src/gateway/whatsapp/session-refresh.test.ts. And a dropped
// connection does not even cost the device query: the account's device cache outlives its sockets.
import { describe, expect, it } from 'vitest';
import type { Contact, ReceivedMessage } from '../e2e/wa-sim/index';
import { inboundSuite, type InboundGateway } from './support/inbound';

const suite = inboundSuite('session-refresh');

/** Device queries and prekey-bundle fetches the gateway sends about `person` from now on. */
function queriesAbout(person: Contact): { usync: number; bundles: number; stop(): void } {
  const counts = { usync: 0, bundles: 0, stop: () => void suite.sim.server.off('stanza', onNode) };
  const ids = [person.e164.slice(1), person.lid.split('@')[0]!];
  function onNode(_conn: unknown, node: { tag: string; attrs: Record<string, string> }): void {
    const text = JSON.stringify(node);
    if (node.tag !== 'iq' || !ids.some((id) => text.includes(id))) return;
    if (node.attrs.xmlns === 'usync') counts.usync++;
    if (node.attrs.xmlns === 'encrypt' && node.attrs.type === 'get') counts.bundles++;
  }
  suite.sim.server.on('stanza', onNode);
  return counts;
}

/** Sends one text through the control API; how the contact's phone got it. */
async function send(
  g: InboundGateway,
  person: Contact,
  message: string,
): Promise<ReceivedMessage['encType']> {
  const sent = await g.call<{ ids: string[] }>('message.send', { to: person.e164, message });
  return (await person.nextMessage((m) => m.id === sent.ids[0])).encType;
}

const OPEN = `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`;

/** The contact writes to the gateway, and the gateway has taken it in. */
async function answer(g: InboundGateway, person: Contact, text: string): Promise<void> {
  const id = await person.send(g.phone, text);
  await g.nextAccepted((m) => m.messageId === id);
}

describe('Signal sessions across a restart or a dropped connection', () => {
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

  it('a dropped connection: the next message goes without asking for the contact’s devices or keys again', async () => {
    const g = await suite.gateway('+15550410002', OPEN);
    const erin = suite.sim.contact('+15550412001', { name: 'Erin' });
    expect(await send(g, erin, 'first')).toBe('pkmsg');
    await answer(g, erin, 'hi');
    const asked = queriesAbout(erin);
    try {
      let dropped = false;
      const reconnected = g.client.nextEvent(
        'channels.state',
        (p) => {
          const { state } = p as { state: string };
          if (state === 'reconnecting') dropped = true;
          return dropped && state === 'open';
        },
        15_000,
      );
      suite.sim.fault.abruptClose(g.phone.account);
      await reconnected;
      expect(await send(g, erin, 'after the reconnect')).toBe('msg');
      expect({ usync: asked.usync, bundles: asked.bundles }).toEqual({ usync: 0, bundles: 0 });
    } finally {
      asked.stop();
    }
  });
});
