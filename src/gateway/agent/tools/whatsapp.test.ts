import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../config/schema';
import { parseWhatsAppCall, reactionsEnabled, whatsappToolSpec } from './whatsapp';

const DM = '15551234567@s.whatsapp.net';
const GROUP = '120363012345678901@g.us';
const ALICE = '15559876543@s.whatsapp.net';
const dm = { accountId: 'default', chatJid: DM };
const group = { accountId: 'default', chatJid: GROUP };
const call = (args: Record<string, unknown>, ctx = dm) =>
  parseWhatsAppCall(JSON.stringify({ action: 'react', ...args }), ctx);

describe('whatsappToolSpec', () => {
  it('describes the react action with every argument the reference tool has', () => {
    const spec = whatsappToolSpec();
    expect(spec.name).toBe('whatsapp');
    const params = spec.parameters as {
      properties: Record<string, { type: string; enum?: string[] }>;
      required: string[];
    };
    expect(Object.keys(params.properties).sort()).toEqual(
      ['accountId', 'action', 'chatJid', 'emoji', 'fromMe', 'messageId', 'participant', 'remove'].sort(),
    );
    expect(params.properties.action).toMatchObject({ type: 'string', enum: ['react'] });
    expect(params.properties.remove?.type).toBe('boolean');
    expect(params.required).toEqual(['action', 'messageId']);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });
});

describe('reactionsEnabled', () => {
  it('follows channels.whatsapp.actions.reactions, on by default', () => {
    expect(reactionsEnabled(ConfigSchema.parse({}), 'default')).toBe(true);
    const off = ConfigSchema.parse({ channels: { whatsapp: { actions: { reactions: false } } } });
    expect(reactionsEnabled(off, 'default')).toBe(false);
  });
});

describe('parseWhatsAppCall', () => {
  it('builds a reaction in the current chat and account when the model leaves them out', () => {
    expect(call({ messageId: 'ABC', emoji: '👍' })).toEqual({
      ok: true,
      accountId: 'default',
      chat: DM,
      payload: { kind: 'react', key: { chat: DM, id: 'ABC' }, emoji: '👍' },
    });
  });

  it('carries the participant in a group and fromMe for our own message', () => {
    expect(call({ chatJid: GROUP, messageId: 'X1', emoji: '🎉', participant: ALICE }, group)).toMatchObject({
      ok: true,
      payload: { key: { chat: GROUP, id: 'X1', participant: ALICE }, emoji: '🎉' },
    });
    expect(call({ messageId: 'X2', emoji: '❤️', fromMe: true }, group)).toMatchObject({
      ok: true,
      payload: { key: { chat: GROUP, id: 'X2', fromMe: true }, emoji: '❤️' },
    });
    // A participant means nothing in a direct chat and is not sent.
    expect(call({ messageId: 'X3', emoji: '👍', participant: ALICE })).toMatchObject({
      ok: true,
      payload: { key: { chat: DM, id: 'X3' } },
    });
  });

  it('removes the reaction for an empty emoji or remove: true', () => {
    for (const args of [{ emoji: '' }, { remove: true }, { remove: true, emoji: '👍' }]) {
      expect(call({ messageId: 'ABC', ...args })).toMatchObject({ ok: true, payload: { emoji: '' } });
    }
  });

  it('accepts flags and keycaps as one emoji', () => {
    for (const emoji of ['🇦🇹', '1️⃣', '👨‍👩‍👧', '👍🏽']) {
      expect(call({ messageId: 'A', emoji }).ok).toBe(true);
    }
  });

  it.each<[string, string]>([
    ['not json', 'the arguments are not valid JSON'],
    ['[1]', 'the arguments must be a JSON object'],
    ['{"messageId":"A","emoji":"👍"}', 'action is required ("react")'],
    ['{"action":"send","messageId":"A"}', 'action "send" is not supported; the only action is "react"'],
    ['{"action":"react","emoji":"👍"}', 'messageId is required'],
    ['{"action":"react","messageId":"  ","emoji":"👍"}', 'messageId is required'],
    ['{"action":"react","messageId":7,"emoji":"👍"}', 'messageId must be a string (got 7)'],
    ['{"action":"react","messageId":"A"}', 'emoji is required (or remove: true to take a reaction away)'],
    ['{"action":"react","messageId":"A","emoji":"ok"}', 'emoji must be a single emoji like "👍" (got "ok")'],
    ['{"action":"react","messageId":"A","emoji":"👍👍"}', 'emoji must be a single emoji'],
    ['{"action":"react","messageId":"A","emoji":"👍","remove":"yes"}', 'remove must be true or false'],
  ])('refuses %s with a message the model can act on', (json, message) => {
    const r = parseWhatsAppCall(json, dm);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });

  it('refuses another chat or another account: the agent acts only where it is answering', () => {
    expect(call({ chatJid: GROUP, messageId: 'A', emoji: '👍' })).toEqual({
      ok: false,
      error: `you can only react in the chat you are answering (${DM}), not in ${GROUP}`,
    });
    expect(call({ accountId: 'work', messageId: 'A', emoji: '👍' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('through the account you are answering from (default)'),
    });
    expect(call({ chatJid: DM.toUpperCase(), accountId: 'DEFAULT', messageId: 'A', emoji: '👍' }).ok).toBe(
      true,
    );
  });

  it('asks for the participant when reacting to someone else’s message in a group', () => {
    expect(call({ messageId: 'A', emoji: '👍' }, group)).toEqual({
      ok: false,
      error:
        'participant is required in a group: use the participant from the message line you are reacting to',
    });
  });
});
