// Groups end to end: a real gateway (real Baileys) whose linked number is a member of simulated groups. Members
// write (plain, @-mentions, replies), and the tests assert what the agent stage receives (history injection,
// envelopes, session keys), the inbox state of every message, and what members actually get back (the
// /activation answer, ack reactions with the participant, read receipts).
import { describe, expect, it } from 'vitest';
import type { AddressingMode, SimGroup } from '../e2e/wa-sim/groups';
import type { Contact } from '../e2e/wa-sim/index';
import { inboundSuite, readsOf as reads, textOf, type InboundGateway } from './support/inbound';

const suite = inboundSuite('inbound-groups');

interface Setup {
  g: InboundGateway;
  group: SimGroup;
  alice: Contact;
  bob: Contact;
}

/** A gateway on its own number, and a group it is in with Alice and Bob (numbers unique to test `n`). */
async function start(
  n: number,
  config: string | ((alice: Contact) => string) = '',
  mode: AddressingMode = 'pn',
): Promise<Setup> {
  const id = String(n).padStart(3, '0');
  const alice = suite.sim.contact(`+15550310${id}`, { name: 'Alice' });
  const bob = suite.sim.contact(`+15550320${id}`, { name: 'Bob' });
  const body = typeof config === 'function' ? config(alice) : config;
  const g = await suite.gateway(`+15550300${id}`, body);
  const group = await suite.sim.group(`Team ${n}`, {
    admin: g.phone,
    members: [alice, bob],
    addressingMode: mode,
  });
  return { g, group, alice, bob };
}

const userOf = (jid: string) => jid.split('@')[0]!;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An @-mention of `jid` as WhatsApp sends it: the visible `@number` and the JID in contextInfo. */
const mention = (jid: string, text: string) => ({
  extendedTextMessage: { text: `@${userOf(jid)} ${text}`, contextInfo: { mentionedJid: [jid] } },
});

/** One group envelope line: `[WhatsApp <jid> <date>] text [from: Alice (+E164)]`, the sender named once. */
const envelope = (group: SimGroup, who: Contact, text: string) =>
  new RegExp(
    `^\\[WhatsApp ${esc(group.jid)} \\w{3} \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} [^\\]]+\\] ` +
      `${esc(text)} \\[from: ${who.name} \\(${esc(who.e164)}\\)\\]$`,
  );

const HISTORY = '[Chat messages since your last reply - for context]';
const CURRENT = '[Current message - respond to this]';

const accepted = (g: InboundGateway, id: string) => g.nextAccepted((m) => m.messageId === id);
const reactionsIn = (group: SimGroup, member: Contact) =>
  member.messages().filter((m) => m.chat === group.jid && !!m.message.reactionMessage);
describe('groupPolicy "allowlist" (the default), mention gating and history', () => {
  it('an unlisted group is rejected; once listed, plain messages are kept and injected with the next mention', async () => {
    const { g, group, alice, bob } = await start(1);
    const unlisted = await group.send(alice, 'anyone here?');
    expect(await g.settled(unlisted)).toMatchObject({ state: 'rejected' });
    expect((await g.settled(unlisted)).reason).toContain(group.jid);

    await g.set('channels.whatsapp.groups', { [group.jid]: { requireMention: true } });
    const plain = await group.send(alice, 'the build is red');
    expect(await g.settled(plain)).toMatchObject({ state: 'history' });
    const asked = await group.send(alice, mention(g.phone.jid, 'question'));
    const got = await accepted(g, asked);
    expect(got).toMatchObject({
      chatType: 'group',
      from: group.jid,
      agentId: 'main',
      sessionKey: `agent:main:whatsapp:group:${group.jid}`,
      sender: { name: 'Alice', e164: alice.e164 },
    });
    const lines = got.body.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(HISTORY);
    expect(lines[1]).toMatch(envelope(group, alice, 'the build is red'));
    expect(lines[2]).toBe('');
    expect(lines[3]).toBe(CURRENT);
    expect(lines[4]).toMatch(envelope(group, alice, `@${userOf(g.phone.jid)} question`));
    expect(await g.settled(plain)).toMatchObject({ state: 'consumed' });
    expect(g.accepted.map((m) => m.messageId)).toEqual([asked]);

    // What was injected once is not injected again: the next mention carries only itself.
    const again = await group.send(bob, mention(g.phone.jid, 'follow-up'));
    const second = await accepted(g, again);
    expect(second.body).toMatch(envelope(group, bob, `@${userOf(g.phone.jid)} follow-up`));
    expect(second.body).not.toContain(HISTORY);
  });

  it('historyLimit keeps only the newest messages; 0 turns history off', async () => {
    const { g, group, alice } = await start(
      2,
      `channels: { whatsapp: { groups: { "*": {} }, historyLimit: 2 } },`,
    );
    const plain: string[] = [];
    for (const n of [1, 2, 3, 4]) plain.push(await group.send(alice, `plain ${n}`));
    const asked = await group.send(alice, mention(g.phone.jid, 'summary?'));
    const lines = (await accepted(g, asked)).body.split('\n');
    expect(lines[0]).toBe(HISTORY);
    expect(lines.slice(1, 3)).toEqual([
      expect.stringMatching(envelope(group, alice, 'plain 3')),
      expect.stringMatching(envelope(group, alice, 'plain 4')),
    ]);
    expect(lines.slice(3)).toEqual([
      '',
      CURRENT,
      expect.stringMatching(envelope(group, alice, `@${userOf(g.phone.jid)} summary?`)),
    ]);
    // The older two were not shown, but they are past: they never come back either.
    for (const id of plain) expect((await g.settled(id)).state).toBe('consumed');

    await g.set('channels.whatsapp.historyLimit', 0);
    const ignored = await group.send(alice, 'just chatting');
    expect(await g.settled(ignored)).toMatchObject({
      state: 'rejected',
      reason: expect.stringMatching(/history disabled/),
    });
    const next = await group.send(alice, mention(g.phone.jid, 'and now?'));
    expect((await accepted(g, next)).body).toMatch(
      envelope(group, alice, `@${userOf(g.phone.jid)} and now?`),
    );
  });

  it('an offline backlog of plain messages and mentions: each plain one is injected once, with the next mention', async () => {
    // Processed as one batch, whose group hand-offs share a commit where no history waits: the pending history
    // each mention gets must still be exactly what came since the previous mention.
    const { g, group, alice, bob } = await start(11, `channels: { whatsapp: { groups: { "*": {} } } },`);
    await g.down();
    const p1 = await group.send(alice, 'plain one');
    const m1 = await group.send(bob, mention(g.phone.jid, 'first'));
    const m2 = await group.send(alice, mention(g.phone.jid, 'second'));
    const m3 = await group.send(bob, mention(g.phone.jid, 'third'));
    const p2 = await group.send(alice, 'plain two');
    const m4 = await group.send(bob, mention(g.phone.jid, 'fourth'));
    await g.up();
    const bodies = await Promise.all([m1, m2, m3, m4].map(async (id) => (await accepted(g, id)).body));
    expect(bodies[0]!.split('\n')[1]).toMatch(envelope(group, alice, 'plain one'));
    expect(bodies[0]!.match(/plain/g)).toHaveLength(1);
    for (const body of bodies.slice(1, 3)) expect(body).not.toContain(HISTORY);
    expect(bodies[3]!.split('\n')[1]).toMatch(envelope(group, alice, 'plain two'));
    expect(bodies[3]!.match(/plain/g)).toHaveLength(1);
    for (const id of [p1, p2]) expect((await g.settled(id)).state).toBe('consumed');
    expect(g.accepted.map((m) => m.messageId)).toEqual([m1, m2, m3, m4]);
  });
});

describe('groupPolicy "open" and "disabled", activation "always", groupAllowFrom', () => {
  it('open takes any group (mention still required); disabled takes nothing; "*" with requireMention false takes all', async () => {
    const { g, group, alice } = await start(3, `channels: { whatsapp: { groupPolicy: "open" } },`);
    const plain = await group.send(alice, 'hello');
    expect((await g.settled(plain)).state).toBe('history');
    const asked = await group.send(alice, mention(g.phone.jid, 'hi bot'));
    await accepted(g, asked);

    await g.set('channels.whatsapp.groupPolicy', 'disabled');
    const off = await group.send(alice, mention(g.phone.jid, 'still there?'));
    expect((await g.settled(off)).reason).toMatch(/disabled/);

    await g.set('channels.whatsapp.groupPolicy', 'allowlist');
    await g.set('channels.whatsapp.groups', { '*': { requireMention: false } });
    const first = await group.send(alice, 'no mention needed');
    const second = await group.send(alice, 'nor here');
    await accepted(g, first);
    await accepted(g, second);
    expect(g.accepted.map((m) => m.messageId)).toEqual([asked, first, second]);
  });

  it('groupAllowFrom: only listed members get through, in allowed groups only', async () => {
    const { g, group, alice, bob } = await start(
      4,
      (a) => `channels: { whatsapp: { groups: { "*": {} }, groupAllowFrom: ["${a.e164}"] } },`,
    );
    const fromBob = await group.send(bob, mention(g.phone.jid, 'me too?'));
    expect((await g.settled(fromBob)).reason).toMatch(/not in groupAllowFrom/);
    const fromAlice = await group.send(alice, mention(g.phone.jid, 'me?'));
    await accepted(g, fromAlice);

    await g.set('channels.whatsapp.groups', { '120363000000000001@g.us': {} });
    const elsewhere = await group.send(alice, mention(g.phone.jid, 'and here?'));
    expect((await g.settled(elsewhere)).state).toBe('rejected');
    expect(g.accepted.map((m) => m.messageId)).toEqual([fromAlice]);
  });
});

describe('what counts as a mention', () => {
  it('a mentionPatterns match, and a reply to one of our messages', async () => {
    const { g, group, alice } = await start(5, `channels: { whatsapp: { groups: { "*": {} } } },`);
    await g.set('messages.groupChat.mentionPatterns', ['\\bbot\\b']);
    const robotics = await group.send(alice, 'robotics club tonight');
    expect((await g.settled(robotics)).state).toBe('history');
    const named = await group.send(alice, 'hey Bot, can you help?');
    await accepted(g, named);

    // The owner writes from the phone (not for the assistant: not even stored), and Alice replies to it.
    const ours = await group.send(g.phone, 'I will look into it');
    await group.nextMessage(alice, (m) => m.id === ours);
    const reply = await group.send(alice, {
      extendedTextMessage: {
        text: 'thanks!',
        contextInfo: {
          stanzaId: ours,
          participant: g.phone.jid,
          quotedMessage: { conversation: 'I will look into it' },
        },
      },
    });
    const got = await accepted(g, reply);
    expect(got).toMatchObject({ replyToId: ours, replyToBody: 'I will look into it' });
    expect(g.accepted.map((m) => m.messageId)).toEqual([named, reply]);
  });

  it('in a LID-addressed group, a mention of our LID (and the ack names Alice by her LID)', async () => {
    const { g, group, alice } = await start(
      6,
      `channels: { whatsapp: { groups: { "*": {} }, ackReaction: { emoji: "👀" } } },`,
      'lid',
    );
    const plain = await group.send(alice, 'lid chatter');
    expect((await g.settled(plain)).state).toBe('history');
    const asked = await group.send(alice, mention(g.phone.lid, 'question'));
    const got = await accepted(g, asked);
    expect(got).toMatchObject({ from: group.jid, sender: { e164: alice.e164 }, groupSubject: group.subject });
    expect(got.body.split('\n')[1]).toMatch(envelope(group, alice, 'lid chatter'));
    const reaction = await group.nextMessage(alice, (m) => !!m.message.reactionMessage);
    expect(reaction.message.reactionMessage?.key).toMatchObject({ id: asked, participant: alice.lid });
    await alice.nextReceipt((r) => r.type === 'read' && r.ids.includes(asked));
  });
});

describe('/activation', () => {
  it('owner-only and standalone; "always" answers in the group and survives a restart', async () => {
    const { g, group, alice } = await start(7, `channels: { whatsapp: { groups: { "*": {} } } },`);
    const byAlice = await group.send(alice, '/activation always');
    expect((await g.settled(byAlice)).reason).toMatch(/owner/);
    const after1 = await group.send(alice, 'plain one');
    expect((await g.settled(after1)).state).toBe('history');

    const wordy = await group.send(g.phone, '/activation always please');
    expect((await g.settled(wordy)).state).toBe('rejected');
    expect(textOf(await group.nextMessage(alice, (m) => /usage/i.test(textOf(m))))).toContain(
      '/activation mention|always',
    );
    const after2 = await group.send(alice, 'plain two');
    expect((await g.settled(after2)).state).toBe('history');

    await group.send(g.phone, '/activation always');
    const confirm = await group.nextMessage(alice, (m) => /^Activation: always/.test(textOf(m)));
    expect(textOf(confirm).length).toBeLessThan(120);
    const plain = await group.send(alice, 'plain three');
    await accepted(g, plain);
    // In the group Alice saw both commands from the phone, one usage line and one confirmation, nothing else.
    expect(
      alice
        .messages()
        .filter((m) => m.chat === group.jid)
        .map(textOf),
    ).toEqual([
      '/activation always please',
      expect.stringMatching(/^Usage: \/activation mention\|always/),
      '/activation always',
      expect.stringMatching(/^Activation: always\./),
    ]);

    await g.restart();
    const afterRestart = await group.send(alice, 'plain four');
    await accepted(g, afterRestart);
  });

  it("in a group the policy ignores, even the owner's /activation is ignored and never answered", async () => {
    const { g, group, alice } = await start(10);
    const command = await group.send(g.phone, '/activation always');
    expect((await g.settled(command)).reason).toContain(group.jid);
    await g.set('channels.whatsapp.groups', { [group.jid]: { requireMention: true } });
    const plain = await group.send(alice, 'still mention-only?');
    expect((await g.settled(plain)).state).toBe('history');
    expect(
      alice
        .messages()
        .filter((m) => m.chat === group.jid)
        .map(textOf),
    ).toEqual(['/activation always']);
  });
});

describe('ack reactions and read receipts in groups', () => {
  it('"mentions": a reaction with the participant for a mention, none for plain; read receipts for accepted only', async () => {
    const { g, group, alice } = await start(
      8,
      `channels: { whatsapp: { groups: { "*": {} }, ackReaction: { emoji: "✅", group: "mentions" } } },`,
    );
    const plain = await group.send(alice, 'no ping');
    expect((await g.settled(plain)).state).toBe('history');
    const asked = await group.send(alice, mention(g.phone.jid, 'ping'));
    const reaction = await group.nextMessage(alice, (m) => !!m.message.reactionMessage);
    expect(reaction.message.reactionMessage).toMatchObject({
      text: '✅',
      key: { id: asked, remoteJid: group.jid, participant: group.addressOf(alice) },
    });
    await alice.nextReceipt((r) => r.type === 'read' && r.ids.includes(asked));
    expect(reads(alice, plain)).toEqual([]);

    // With activation "always", "mentions" reacts to every accepted message.
    await g.set('channels.whatsapp.groups', { '*': { requireMention: false } });
    const chatter = await group.send(alice, 'just chatting');
    await group.nextMessage(alice, (m) => m.message.reactionMessage?.key?.id === chatter);
    expect(reactionsIn(group, alice).map((m) => m.message.reactionMessage?.key?.id)).toEqual([
      asked,
      chatter,
    ]);
  });

  it('"never": no reactions in groups, mentioned or not', async () => {
    const { g, group, alice } = await start(
      9,
      `channels: { whatsapp: { groups: { "*": {} }, ackReaction: { emoji: "✅", group: "never" } } },`,
    );
    const asked = await group.send(alice, mention(g.phone.jid, 'ping'));
    await accepted(g, asked);
    await alice.nextReceipt((r) => r.type === 'read' && r.ids.includes(asked));
    // Sync point: switch reactions back on; the next mention's reaction arrives after anything sent for the first.
    await g.set('channels.whatsapp.ackReaction', { emoji: '✅', group: 'mentions' });
    const later = await group.send(alice, mention(g.phone.jid, 'ping again'));
    await group.nextMessage(alice, (m) => m.message.reactionMessage?.key?.id === later);
    expect(reactionsIn(group, alice).map((m) => m.message.reactionMessage?.key?.id)).toEqual([later]);
  });
});
