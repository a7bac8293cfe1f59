// When the agent runs, end to end: messages that arrive while a run is in flight are folded into ONE follow-up
// turn (none answered twice or dropped), and a group is answered in the group only when the assistant is
// mentioned, with the messages since its last reply as context.
import { describe, expect, it } from 'vitest';
import type { AcceptedMessage } from '../src/shared/contract';
import { agentSuite, lastUserText, modelConfig, OPEN_DMS, outcomeOf } from './support/agent';
import { textOf } from './support/inbound';

const suite = agentSuite('agent-queue');

const userOf = (jid: string) => jid.split('@')[0]!;
const mention = (jid: string, text: string) => ({
  extendedTextMessage: { text: `@${userOf(jid)} ${text}`, contextInfo: { mentionedJid: [jid] } },
});

describe('messages during a run', () => {
  it('three messages sent while the model works become one follow-up turn, answered once', async () => {
    const g = await suite.gateway('+15550610001', OPEN_DMS + modelConfig(suite.model));
    const carol = suite.sim.contact('+15550611001', { name: 'Carol' });
    // The first answer is held back long enough for the next three messages to be accepted meanwhile.
    suite.model.script({ text: 'First answer.', delayMs: 3000 }, { text: 'All three, noted.' });
    const first = await carol.send(g.phone, 'first');
    await suite.model.waitForRequests(1);
    // The chat shows "typing…" while the run works.
    await carol.user.presence.next((p) => p.state === 'composing', 'typing in the chat');
    const more: string[] = [];
    for (const text of ['second', 'third', 'fourth']) more.push(await carol.send(g.phone, text));
    const accepted: AcceptedMessage[] = [];
    for (const id of more) accepted.push(await g.nextAccepted((m) => m.messageId === id));
    // Still one request: the session's run is in flight, the three wait for it.
    expect(suite.model.requests).toHaveLength(1);

    expect(textOf(await carol.nextMessage())).toBe('First answer.');
    const second = await carol.nextMessage((m) => textOf(m) !== 'First answer.');
    expect(textOf(second)).toBe('All three, noted.');
    const requests = await suite.model.waitForRequests(2);
    expect(requests).toHaveLength(2);
    const turn = lastUserText(requests[1]!);
    for (const [i, id] of more.entries()) {
      expect(turn).toContain(`message_id: ${id}`);
      expect(turn).toContain(accepted[i]!.body);
    }
    expect(turn).not.toContain(`message_id: ${first}`);
    const outcomes = await Promise.all(accepted.map((a) => outcomeOf(g, a.seq)));
    expect(outcomes.map((o) => o.outboxIds)).toEqual([[second.id], [second.id], [second.id]]);
    expect(carol.messages()).toHaveLength(2);
    // …and stops once the runs are done.
    await carol.user.presence.next((p) => p.state === 'paused', 'typing stopped');
  });
});

describe('groups', () => {
  it('answers a mention in the group with the pending history; an unmentioned message calls no model', async () => {
    const g = await suite.gateway(
      '+15550610002',
      `channels: { whatsapp: { groups: { '*': { requireMention: true } } } },` + modelConfig(suite.model),
    );
    const alice = suite.sim.contact('+15550612001', { name: 'Alice' });
    const bob = suite.sim.contact('+15550612002', { name: 'Bob' });
    const group = await suite.sim.group('Agent team', { admin: g.phone, members: [alice, bob] });
    suite.model.script({ text: 'The build is red since noon.' });

    const plain = await group.send(alice, 'the build is red');
    expect(await g.settled(plain)).toMatchObject({ state: 'history' });
    expect(suite.model.requests).toHaveLength(0);

    const asked = await group.send(bob, mention(g.phone.jid, 'what is up?'));
    const accepted = await g.nextAccepted((m) => m.messageId === asked);
    const fromGateway = (m: { chat: string; from: string }) =>
      m.chat === group.jid && userOf(m.from).split(':')[0] === userOf(g.phone.jid).split(':')[0];
    const reply = await bob.nextMessage(fromGateway);
    expect(textOf(reply)).toBe('The build is red since noon.');
    expect((await alice.nextMessage((m) => m.id === reply.id)).chat).toBe(group.jid);
    const [req] = await suite.model.waitForRequests(1);
    const turn = lastUserText(req!);
    expect(turn).toContain(accepted.body);
    expect(turn).toContain('the build is red');
    expect(turn).toContain(`participant: ${bob.jid}`);
    expect(await outcomeOf(g, accepted.seq)).toMatchObject({
      state: 'answered',
      sessionKey: `agent:main:whatsapp:group:${group.jid}`,
    });

    const quiet = await group.send(alice, 'thanks');
    expect(await g.settled(quiet)).toMatchObject({ state: 'history' });
    expect(suite.model.requests).toHaveLength(1);
  });
});
