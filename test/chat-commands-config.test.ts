// `/config` from WhatsApp, end to end: a real gateway (real Baileys client, wa-sim) with NO model configured, so
// every answer here also shows that commands never wait for a model. Contacts write the commands; the tests
// assert what their devices decrypted, the config file on disk (comments kept, or byte-identical when refused),
// and that the running gateway follows the change.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Contact } from '../e2e/wa-sim/index';
import { outcomeOf } from './support/agent';
import { inboundSuite, textOf, type InboundGateway } from './support/inbound';

const suite = inboundSuite('chat-commands-config');

/** Sends `text` and returns the seq it was accepted under. */
async function command(g: InboundGateway, from: Contact, text: string): Promise<number> {
  const id = await from.send(g.phone, text);
  return (await g.nextAccepted((m) => m.messageId === id)).seq;
}

/** Sends a command and returns the text of the next message the sender's device decrypts after it. */
async function ask(g: InboundGateway, from: Contact, text: string): Promise<string> {
  const seen = new Set(from.messages().map((m) => m.id));
  await command(g, from, text);
  return textOf(await from.nextMessage((m) => !seen.has(m.id)));
}

describe('/config from the owner', () => {
  it('set changes the file (comments kept) and the running policy; an invalid value leaves the file as it was', async () => {
    const owner = suite.sim.contact('+15550701001', { name: 'Owner' });
    const stranger = suite.sim.contact('+15550702001', { name: 'Stranger' });
    const g = await suite.gateway(
      '+15550700001',
      `// my assistant
  commands: { config: true },
  channels: {
    whatsapp: {
      dmPolicy: 'pairing', // strangers get a code
      allowFrom: ['${owner.e164}'],
    },
  },`,
    );
    const seq = await command(g, owner, '/config set channels.whatsapp.dmPolicy=allowlist');
    expect(textOf(await owner.nextMessage())).toBe('channels.whatsapp.dmPolicy: "pairing" → "allowlist"');
    expect(await outcomeOf(g, seq)).toMatchObject({ state: 'answered', reason: '/config set' });
    const text = await readFile(g.t.configPath, 'utf8');
    expect(text).toContain('// my assistant');
    expect(text).toContain('// strangers get a code');
    expect(text).toMatch(/dmPolicy: ['"]allowlist['"]/);
    expect(await g.call('config.get', { path: 'channels.whatsapp.dmPolicy' })).toMatchObject({
      value: 'allowlist',
    });

    // The running gateway judges the stranger's next message by the new policy: refused, no pairing code; and a
    // command from someone who does not get through is never run either.
    const hello = await stranger.send(g.phone, '/help');
    expect(await g.settled(hello)).toMatchObject({
      state: 'rejected',
      reason: expect.stringMatching(/not in allowFrom/),
    });
    expect(g.requested).toHaveLength(0);

    const before = await readFile(g.t.configPath);
    const refused = await ask(g, owner, '/config set channels.whatsapp.dmPolicy=sometimes');
    expect(refused).toMatch(/^Not changed \(channels\.whatsapp\.dmPolicy\): channels\.whatsapp\.dmPolicy: /);
    expect(refused).toContain('"sometimes"');
    expect((await readFile(g.t.configPath)).equals(before)).toBe(true);

    // get reads a value; a secret is never echoed, not even when set.
    expect(await ask(g, owner, '/config get channels.whatsapp.allowFrom')).toBe(
      `channels.whatsapp.allowFrom = [\n  "${owner.e164}"\n]`,
    );
    expect(await ask(g, owner, '/config set gateway.auth.token=tok-secret-0123456789abcdef')).toBe(
      'gateway.auth.token: set (hidden).',
    );
    const shown = await ask(g, owner, '/config get gateway.auth');
    expect(shown).not.toContain('tok-secret');
    expect(shown).toContain('gateway.auth =');
    expect(stranger.messages()).toHaveLength(0);
  });

  it('from an allowed sender who is not the owner: nothing changes and nothing is answered', async () => {
    const owner = suite.sim.contact('+15550701002', { name: 'Owner' });
    const friend = suite.sim.contact('+15550703002', { name: 'Friend' });
    const g = await suite.gateway(
      '+15550700002',
      `commands: { config: true },
  channels: { whatsapp: { dmPolicy: 'open', allowFrom: ['${owner.e164}', '*'] } },`,
    );
    const before = await readFile(g.t.configPath);
    const seq = await command(g, friend, '/config set channels.whatsapp.dmPolicy=allowlist');
    expect(await outcomeOf(g, seq)).toMatchObject({
      state: 'silent',
      reason: '/config is for the owner only',
    });
    expect((await readFile(g.t.configPath)).equals(before)).toBe(true);
    // The friend's next answer is the first thing their device got: /config sent nothing. /help leaves it out.
    await command(g, friend, '/help');
    const help = await friend.nextMessage();
    expect(friend.messages()).toHaveLength(1);
    expect(textOf(help)).toContain('/status');
    expect(textOf(help)).not.toContain('/config');
    expect(textOf(help)).not.toContain('/activation');
    expect(await g.call('config.get', { path: 'channels.whatsapp.dmPolicy' })).toMatchObject({
      value: 'open',
    });
  });

  it('with commands.config off it answers that /config is off and how to turn it on', async () => {
    const owner = suite.sim.contact('+15550701003', { name: 'Owner' });
    const g = await suite.gateway(
      '+15550700003',
      `channels: { whatsapp: { dmPolicy: 'allowlist', allowFrom: ['${owner.e164}'] } },`,
    );
    const before = await readFile(g.t.configPath);
    await command(g, owner, '/config set channels.whatsapp.dmPolicy=open');
    expect(textOf(await owner.nextMessage())).toMatch(
      /^\/config is off\. Turn it on with .*commands\.config true/,
    );
    expect((await readFile(g.t.configPath)).equals(before)).toBe(true);
  });

  it('with configWrites false it refuses set and unset but still shows values', async () => {
    const owner = suite.sim.contact('+15550701004', { name: 'Owner' });
    const g = await suite.gateway(
      '+15550700004',
      `commands: { config: true },
  channels: { whatsapp: { configWrites: false, dmPolicy: 'allowlist', allowFrom: ['${owner.e164}'] } },`,
    );
    const before = await readFile(g.t.configPath);
    await command(g, owner, '/config set channels.whatsapp.dmPolicy=open');
    expect(textOf(await owner.nextMessage())).toBe(
      'Not changed: config writes from WhatsApp are off for this account (channels.whatsapp.configWrites is false).',
    );
    expect(await ask(g, owner, '/config unset channels.whatsapp.allowFrom')).toMatch(
      /^Not changed: config writes from WhatsApp are off/,
    );
    expect((await readFile(g.t.configPath)).equals(before)).toBe(true);
    expect(await ask(g, owner, '/config get channels.whatsapp.dmPolicy')).toBe(
      'channels.whatsapp.dmPolicy = "allowlist"',
    );
  });
});

describe('/config in personal-number mode', () => {
  it('the linked phone writing to itself is the owner, and the answer carries the self-chat prefix', async () => {
    const g = await suite.gateway(
      '+15550700005',
      `commands: { config: true },
  channels: { whatsapp: { selfChatMode: true, dmPolicy: 'allowlist', allowFrom: ['+15550700005'] } },`,
    );
    const seen = new Set(g.phone.messages().map((m) => m.id));
    const id = await g.phone.send(g.phone, '/config set messages.groupChat.historyLimit=20');
    await g.nextAccepted((m) => m.messageId === id);
    const answer = await g.phone.nextMessage((m) => !seen.has(m.id) && m.id !== id);
    expect(textOf(answer)).toBe('[openclaw] messages.groupChat.historyLimit: 50 → 20');
    expect(await readFile(g.t.configPath, 'utf8')).toMatch(/historyLimit: 20/);
  });
});
