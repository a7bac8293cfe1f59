// Direct messages end to end: a real gateway running the real Baileys client against the simulator; simulated
// contacts write, and the tests assert what the agent stage receives and what the contacts actually get back
// (pairing codes, confirmations, read receipts, reactions).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApprovedSender, PairingSnapshot } from '../src/shared/contract';
import { inboundSuite, readsOf as reads, textOf } from './support/inbound';

const suite = inboundSuite('inbound-dm');
const gateway = (number: string, config = '') => suite.gateway(number, config);

describe('dmPolicy "pairing" (the default)', () => {
  it('an unknown sender gets one code and is not processed; after approval a confirmation, then accepted', async () => {
    const g = await gateway('+15550200001');
    const bob = suite.sim.contact('+15550201001', { name: 'Bob' });
    const first = await bob.send(g.phone, 'hello?\nit is Bob');
    const request = await g.nextRequest((r) => r.sender === bob.e164);
    // What they wrote (first line only) rides along, so the owner does not approve blind.
    expect(request).toMatchObject({ accountId: 'default', name: 'Bob', firstLine: 'hello?' });
    expect(request.code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    const codeMessage = textOf(await bob.nextMessage());
    expect(codeMessage).toContain(request.code);
    expect(codeMessage).toContain(bob.e164);
    expect(codeMessage).toContain(`openclaw pairing approve whatsapp ${request.code}`);
    expect(await g.settled(first)).toMatchObject({ state: 'pairing' });

    const again = await bob.send(g.phone, 'anyone?');
    expect((await g.settled(again)).reason).toMatch(/already pending/);
    expect(bob.messages()).toHaveLength(1);
    expect(g.accepted).toEqual([]);

    const approved = await g.call<{ approved: ApprovedSender; confirmationSent: boolean }>(
      'pairing.approve',
      {
        channel: 'whatsapp',
        code: request.code.toLowerCase(),
      },
    );
    expect(approved).toMatchObject({
      approved: { sender: bob.e164, via: 'pairing' },
      confirmationSent: true,
    });
    expect(textOf(await bob.nextMessage((m) => m.id !== bob.messages()[0]!.id))).toMatch(/approved/i);

    const third = await bob.send(g.phone, 'now?');
    const accepted = await g.nextAccepted((m) => m.messageId === third);
    expect(accepted.body).toMatch(
      /^\[WhatsApp \+15550201001 \w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} [^\]]+\] now\?$/,
    );
    expect(accepted).toMatchObject({
      chatType: 'dm',
      from: bob.e164,
      agentId: 'main',
      sessionKey: 'agent:main:main',
    });
    // Blue ticks for the accepted message only, never for the ones pairing held back.
    await bob.nextReceipt((r) => r.type === 'read' && r.ids.includes(third));
    expect([...reads(bob, first), ...reads(bob, again)]).toEqual([]);

    const list = await g.call<PairingSnapshot>('pairing.list', {});
    expect(list.pending).toEqual([]);
    expect(list.approved.map((a) => a.sender)).toEqual([bob.e164]);
  });

  it('at most three pending requests per account: a fourth unknown sender gets no code, and the log says why', async () => {
    const g = await gateway('+15550200002');
    const senders = [1, 2, 3, 4].map((n) => suite.sim.contact(`+1555020200${n}`, { name: `S${n}` }));
    const ids: string[] = [];
    for (const s of senders.slice(0, 3)) {
      // A photo without a caption asks too: the owner sees its placeholder.
      ids.push(await s.send(g.phone, s === senders[0] ? await s.media('image', randomBytes(2000)) : 'hi'));
      await s.nextMessage();
    }
    const fourth = await senders[3]!.send(g.phone, 'hi');
    expect((await g.settled(fourth)).reason).toMatch(/at the cap/);
    expect(senders[3]!.messages()).toEqual([]);
    expect(g.requested.map((r) => r.sender)).toEqual(senders.slice(0, 3).map((s) => s.e164));
    expect(g.requested.map((r) => r.firstLine)).toEqual(['<media:image>', 'hi', 'hi']);
    const { entries } = await g.call<{ entries: Array<{ msg: string }> }>('logs.tail', {
      subsystem: 'pairing',
    });
    expect(entries.some((e) => /no code was issued/.test(e.msg))).toBe(true);
  });
});

describe('dmPolicy "allowlist", "open" and "disabled"', () => {
  it('allowlist: listed senders are accepted, others are rejected without any pairing code', async () => {
    const carol = suite.sim.contact('+15550203001', { name: 'Carol' });
    const dan = suite.sim.contact('+15550203002', { name: 'Dan' });
    const g = await gateway(
      '+15550200003',
      `channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["${carol.e164}"] } },`,
    );
    const rejected = await dan.send(g.phone, 'let me in');
    expect((await g.settled(rejected)).reason).toMatch(/not in allowFrom/);
    const ok = await carol.send(g.phone, 'hi');
    await g.nextAccepted((m) => m.messageId === ok);
    expect(dan.messages()).toEqual([]);
    expect(g.requested).toEqual([]);
    await carol.nextReceipt((r) => r.type === 'read' && r.ids.includes(ok));
    expect(reads(dan, rejected)).toEqual([]);
  });

  it('open needs "*" and then lets anyone in; disabled lets nobody in, approved or listed', async () => {
    const erin = suite.sim.contact('+15550203003', { name: 'Erin' });
    const g = await gateway(
      '+15550200004',
      `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`,
    );
    const open = await erin.send(g.phone, 'hello open');
    await g.nextAccepted((m) => m.messageId === open);

    await g.set('channels.whatsapp.dmPolicy', 'disabled');
    const closed = await erin.send(g.phone, 'hello disabled');
    expect((await g.settled(closed)).reason).toMatch(/disabled/);
    expect(g.accepted.map((m) => m.messageId)).toEqual([open]);
    expect(erin.messages()).toEqual([]);
  });

  it('an approved sender does not get past "allowlist" or "disabled"', async () => {
    const fay = suite.sim.contact('+15550203004', { name: 'Fay' });
    const g = await gateway('+15550200005');
    await fay.send(g.phone, 'hi');
    const { code } = await g.nextRequest((r) => r.sender === fay.e164);
    await g.call('pairing.approve', { channel: 'whatsapp', code });
    await g.set('channels.whatsapp.allowFrom', ['+15550209999']);
    await g.set('channels.whatsapp.dmPolicy', 'allowlist');
    const listed = await fay.send(g.phone, 'still in?');
    expect((await g.settled(listed)).state).toBe('rejected');
    await g.set('channels.whatsapp.dmPolicy', 'disabled');
    const disabled = await fay.send(g.phone, 'and now?');
    expect((await g.settled(disabled)).state).toBe('rejected');
    expect(g.accepted).toEqual([]);
  });
});

describe('personal-number mode, receipts and reactions', () => {
  it('self-chat is accepted without read receipts; outbound DMs from the phone trigger nothing', async () => {
    const gus = suite.sim.contact('+15550204001', { name: 'Gus' });
    const g = await gateway('+15550200006', `channels: { whatsapp: { selfChatMode: true } },`);
    const note = await g.phone.send(g.phone, 'note to self');
    const accepted = await g.nextAccepted((m) => m.messageId === note);
    expect(accepted.from).toBe(g.phone.e164);

    const out = await g.phone.send(gus, 'hi Gus, from my phone');
    expect((await gus.nextMessage()).id).toBe(out);
    // A later accepted message is the sync point: everything before it has been processed.
    const note2 = await g.phone.send(g.phone, 'second note');
    await g.nextAccepted((m) => m.messageId === note2);
    expect(gus.messages().map(textOf)).toEqual(['hi Gus, from my phone']);
    expect(g.requested).toEqual([]);
    expect(g.phone.user.receipts.items.filter((r) => r.type === 'read')).toEqual([]);
  });

  it('ack reaction: sent to accepted messages at once, never to rejected ones', async () => {
    const hal = suite.sim.contact('+15550204002', { name: 'Hal' });
    const ivy = suite.sim.contact('+15550204003', { name: 'Ivy' });
    const g = await gateway(
      '+15550200007',
      `channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["${hal.e164}"], ackReaction: { emoji: "👀" } } },`,
    );
    const rejected = await ivy.send(g.phone, 'hello');
    const id = await hal.send(g.phone, 'hello');
    const reaction = await hal.nextMessage((m) => !!m.message.reactionMessage);
    expect(reaction.message.reactionMessage).toMatchObject({ text: '👀', key: { id } });
    expect((await g.settled(rejected)).state).toBe('rejected');
    expect(ivy.messages()).toEqual([]);
  });
});

describe('LID senders', () => {
  it('a LID sender with a phone-number mapping is resolved; one without is logged and treated as unknown', async () => {
    const jo = suite.sim.contact('+15550205001', { name: 'Jo' });
    const kim = suite.sim.contact('+15550205002', { name: 'Kim' });
    const g = await gateway('+15550200008');
    await g.call('pairing.list', {});
    const viaLid = await jo.send(g.phone, 'hello from a LID', { addressing: 'lid' });
    const request = await g.nextRequest((r) => r.sender === jo.e164);
    expect((await g.settled(viaLid)).state).toBe('pairing');
    await g.call('pairing.approve', { channel: 'whatsapp', code: request.code });
    const second = await jo.send(g.phone, 'again by LID', { addressing: 'lid' });
    expect((await g.nextAccepted((m) => m.messageId === second)).from).toBe(jo.e164);

    const unknown = await kim.send(g.phone, 'who am I', { addressing: 'lid', omitAlt: true });
    expect((await g.settled(unknown)).reason).toMatch(/phone number is unknown/);
    expect(kim.messages()).toEqual([]);
    expect(g.requested.map((r) => r.sender)).toEqual([jo.e164]);
  });
});
