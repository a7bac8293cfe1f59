// Text replies end to end: `message.send` on a real gateway (real Baileys client, real outbox in state.db) to the
// simulator, asserted on what the simulated devices decrypted: chunk count and order, newline mode, Markdown turned
// into WhatsApp formatting, and the response prefix in self-chat only.
import { describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../e2e/wa-sim/index';
import { inboundSuite, ownEchoes, textOf, type InboundGateway } from './support/inbound';

const suite = inboundSuite('outbound-text');

interface Sent {
  accountId: string;
  to: string;
  ids: string[];
}

type Person = { nextMessage(match: (m: ReceivedMessage) => boolean): Promise<ReceivedMessage> };

/** Sends through the control API and returns the texts the recipient's device decrypted, in the order sent. */
async function send(g: InboundGateway, to: string, person: Person, message: string): Promise<string[]> {
  const sent = await g.call<Sent>('message.send', { to, message });
  const got = await Promise.all(sent.ids.map((id) => person.nextMessage((m) => m.id === id)));
  return got.map(textOf);
}

describe('message.send text', () => {
  it('delivers 9,000 characters as 3 messages in order, none over 4000, nothing lost', async () => {
    const g = await suite.gateway('+15550400001');
    const alice = suite.sim.contact('+15550401001', { name: 'Alice' });
    // Numbered words, so a reordering or a lost word shows in the joined text.
    const words = Array.from({ length: 1500 }, (_, i) => `w${String(i).padStart(4, '0')}`);
    const text = words.join(' ');
    expect(text.length).toBeGreaterThan(8900);

    const sent = await g.call<Sent>('message.send', { to: alice.e164, message: text });
    expect(sent.ids).toHaveLength(3);
    await Promise.all(sent.ids.map((id) => alice.nextMessage((m) => m.id === id)));
    // Arrival order on the device is the order of the ids (the outbox sends one chat's items one at a time).
    const arrived = alice.messages().filter((m) => sent.ids.includes(m.id));
    expect(arrived.map((m) => m.id)).toEqual(sent.ids);
    const texts = arrived.map(textOf);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(4000);
    expect(texts.join(' ')).toBe(text);
    // A contact is not the owner's own chat: no prefix.
    expect(texts[0]?.startsWith('w0000')).toBe(true);
  });

  it('delivers a chunked text to a group: every member device decrypts every chunk, in order', async () => {
    const g = await suite.gateway('+15550400005', `channels: { whatsapp: { textChunkLimit: 100 } },`);
    const alice = suite.sim.contact('+15550405001', { name: 'Alice', devices: 2 });
    const bob = suite.sim.contact('+15550405002', { name: 'Bob' });
    const group = await suite.sim.group('Outbound text', { admin: g.phone, members: [alice, bob] });
    const text = Array.from({ length: 20 }, (_, i) => `g${i}`).join(' ');
    const sent = await g.call<Sent>('message.send', { to: group.jid, message: `${text} ${text}` });
    expect(sent.ids).toHaveLength(2);
    for (const [member, devices] of [
      [alice, [0, 1]],
      [bob, [0]],
    ] as const) {
      for (const device of devices) {
        const got = await Promise.all(
          sent.ids.map((id) => member.nextMessage((m) => m.id === id && m.device === device)),
        );
        expect(got.every((m) => m.chat === group.jid)).toBe(true);
        const arrival = member.messages().filter((m) => m.device === device && sent.ids.includes(m.id));
        expect(arrival.map((m) => m.id)).toEqual(sent.ids);
        expect(got.map(textOf).join(' ')).toBe(`${text} ${text}`);
        expect(sent.ids.map((id) => member.deliveryCount(id, device))).toEqual([1, 1]);
      }
    }
  });

  it('a text and a reaction it sends never come back through its own inbound path', async () => {
    const g = await suite.gateway(
      '+15550400006',
      `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`,
    );
    await g.set('logging.level', 'debug');
    const alice = suite.sim.contact('+15550406001', { name: 'Alice' });
    const theirs = await alice.send(g.phone, 'hello');
    await g.settled(theirs);
    const [text] = (await g.call<Sent>('message.send', { to: alice.e164, message: 'hi Alice' })).ids;
    const react = await g.call<{ id: string }>('message.react', {
      chat: alice.e164,
      messageId: theirs,
      emoji: '👍',
    });
    await Promise.all([text!, react.id].map((id) => alice.nextMessage((m) => m.id === id)));
    // sendMessage would have handed each back as a messages.upsert of our own, recognized and dropped there.
    expect(await ownEchoes(g, alice, [text!, react.id])).toEqual([]);
  });

  it('packs whole paragraphs in newline mode and keeps a code block in one message', async () => {
    const g = await suite.gateway(
      '+15550400002',
      `channels: { whatsapp: { chunkMode: 'newline', textChunkLimit: 60 } },`,
    );
    const bob = suite.sim.contact('+15550402001', { name: 'Bob' });
    const p1 = 'First paragraph, short.';
    const p2 = 'Second one, also short.';
    const code = '```\nlet a = 1;\n\nlet b = 2;\n```';
    const p3 = 'Last words here.';
    const texts = await send(g, bob.e164, bob, `${p1}\n\n${p2}\n\n${code}\n\n${p3}`);
    expect(texts).toEqual([`${p1}\n\n${p2}`, `${code}\n\n${p3}`]);
  });

  it('turns Markdown into WhatsApp formatting before it is sent, leaving code as written', async () => {
    const g = await suite.gateway('+15550400003');
    const carol = suite.sim.contact('+15550403001', { name: 'Carol' });
    const markdown = [
      '# Plan',
      '**Bold**, ~~struck~~, _kept_ and [the docs](https://example.com/a__b).',
      '',
      '---',
      '| Item | Qty |',
      '|------|-----|',
      '| Tea | 2 |',
      '',
      'Run `**not bold**` or:',
      '```',
      '**still not bold**',
      '```',
    ].join('\n');
    const texts = await send(g, carol.e164, carol, markdown);
    expect(texts).toEqual([
      [
        '*Plan*',
        '*Bold*, ~struck~, _kept_ and the docs (https://example.com/a__b).',
        '',
        '- Item: Tea, Qty: 2',
        '',
        'Run `**not bold**` or:',
        '```',
        '**still not bold**',
        '```',
      ].join('\n'),
    ]);
  });

  it("prefixes replies in the owner's self-chat only, with identity.name", async () => {
    const g = await suite.gateway('+15550400004', `identity: { name: 'Clawd' },`);
    const dave = suite.sim.contact('+15550404001', { name: 'Dave' });
    expect(await send(g, g.phone.e164, g.phone, 'note to self')).toEqual(['[Clawd] note to self']);
    expect(await send(g, dave.e164, dave, 'hello Dave')).toEqual(['hello Dave']);

    // The default in self-chat without a name, and "" switching it off.
    await g.call('config.unset', { path: 'identity.name' });
    expect(await send(g, g.phone.e164, g.phone, 'again')).toEqual(['[openclaw] again']);
    await g.set('messages.responsePrefix', '');
    expect(await send(g, g.phone.e164, g.phone, 'plain')).toEqual(['plain']);
  });
});
