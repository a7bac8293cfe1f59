// Reactions through the outbox (message.react), asserted on what the simulated devices decrypted: a reaction to a
// contact's message and its removal (empty emoji), and in a group with the sender as participant.
import { describe, expect, it } from 'vitest';
import { inboundSuite } from './support/inbound';

const suite = inboundSuite('outbound-react');

describe('message.react', () => {
  it('reacts to a contact message and removes the reaction, in order, through the outbox', async () => {
    const g = await suite.gateway(
      '+15550900001',
      `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`,
    );
    const alice = suite.sim.contact('+15550901001', { name: 'Alice' });
    const theirs = await alice.send(g.phone, 'react to me');
    await g.settled(theirs);
    const add = await g.call<{ id: string }>('message.react', {
      chat: alice.e164,
      messageId: theirs,
      emoji: '👍',
    });
    const remove = await g.call<{ id: string }>('message.react', {
      chat: alice.e164,
      messageId: theirs,
      emoji: '',
    });
    const first = await alice.nextMessage((m) => m.id === add.id);
    const second = await alice.nextMessage((m) => m.id === remove.id);
    expect(first.message.reactionMessage).toMatchObject({ text: '👍', key: { id: theirs, fromMe: false } });
    expect(second.message.reactionMessage).toMatchObject({ text: '', key: { id: theirs } });
    const { items } = await g.call<{ items: Array<{ preview: string; kind: string; state: string }> }>(
      'outbox.list',
      { limit: 2 },
    );
    expect(items.map((i) => [i.kind, i.preview])).toEqual([
      ['react', 'react (removed)'],
      ['react', 'react 👍'],
    ]);
  });

  it('in a group, carries the sender as participant', async () => {
    const g = await suite.gateway('+15550900002', `channels: { whatsapp: { groupPolicy: "open" } },`);
    const alice = suite.sim.contact('+15550902001', { name: 'Alice' });
    const bob = suite.sim.contact('+15550902002', { name: 'Bob' });
    const group = await suite.sim.group('Reactions', { admin: g.phone, members: [alice, bob] });
    const theirs = await group.send(alice, 'group message');
    const sent = await g.call<{ id: string }>('message.react', {
      chat: group.jid,
      messageId: theirs,
      emoji: '🎉',
      participant: alice.jid,
    });
    const got = await group.nextMessage(bob, (m) => m.id === sent.id);
    expect(got.message.reactionMessage).toMatchObject({
      text: '🎉',
      key: { id: theirs, participant: alice.jid },
    });
  });

  it('fails at once when the account is not running, naming it', async () => {
    const g = await suite.gateway('+15550900003');
    const res = await g.client.request('message.react', {
      accountId: 'nope',
      chat: '+15550903001',
      messageId: 'X',
      emoji: '👍',
    });
    expect(!res.ok && res.error).toMatchObject({
      code: 'whatsapp.unknown_account',
      message: expect.stringContaining('"nope"'),
    });
  });
});
