// What the inbound path does with awkward input, end to end: a real gateway running the real Baileys client against
// the simulator. Offline backlog and redelivery across restarts, long and non-Latin text, message types the
// adapter does not know, media under and over the cap, a burst of undecryptable messages, and a bad config edit.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccountStatus, LogEntry } from '../src/shared/contract';
import { waitFor } from './support/env';
import { inboundSuite, type InboundGateway } from './support/inbound';

const OPEN = `channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } },`;

const suite = inboundSuite('inbound-input');
const gateway = (number: string, config = OPEN) => suite.gateway(number, config);

async function logs(g: InboundGateway, minLevel: LogEntry['level']): Promise<LogEntry[]> {
  const { entries } = await g.call<{ entries: LogEntry[] }>('logs.tail', {
    subsystem: 'whatsapp/inbound',
    minLevel,
    limit: 2000,
  });
  return entries;
}

const about = (id: string) => (e: LogEntry) => e.fields?.id === id;
const acceptedIds = (g: InboundGateway) => g.accepted.map((m) => m.messageId);
const count = (ids: string[], id: string) => ids.filter((x) => x === id).length;

async function status(g: InboundGateway): Promise<AccountStatus> {
  const { accounts } = await g.call<{ accounts: AccountStatus[] }>('channels.status');
  return accounts[0]!;
}

describe('restarts', () => {
  it('messages sent while the gateway is down arrive as the offline backlog: each accepted once, in order per chat', async () => {
    const g = await gateway('+15550400001');
    const ann = suite.sim.contact('+15550401001', { name: 'Ann' });
    const ben = suite.sim.contact('+15550401002', { name: 'Ben' });
    // Sessions first, so the backlog is ordinary traffic rather than a first contact.
    for (const c of [ann, ben]) {
      const hi = await c.send(g.phone, 'hi');
      await g.nextAccepted((m) => m.messageId === hi);
    }

    await g.down();
    const a1 = await ann.send(g.phone, 'while you were away 1');
    const b1 = await ben.send(g.phone, 'while you were away, from Ben');
    const a2 = await ann.send(g.phone, 'while you were away 2');
    await g.up();

    for (const id of [a1, b1, a2]) await g.nextAccepted((m) => m.messageId === id);
    // A later message is the sync point: a second hand-off of the backlog would have shown up by now.
    const after = await ann.send(g.phone, 'back online');
    await g.nextAccepted((m) => m.messageId === after);

    const ids = acceptedIds(g);
    for (const id of [a1, b1, a2]) expect(count(ids, id)).toBe(1);
    const annIds = g.accepted.filter((m) => m.from === ann.e164).map((m) => m.messageId);
    expect(annIds.filter((id) => id === a1 || id === a2)).toEqual([a1, a2]);
    expect(g.accepted.find((m) => m.messageId === a2)?.body).toMatch(/\] while you were away 2$/);
    for (const id of [a1, b1, a2]) {
      const { state, raw } = await g.settled(id);
      expect(state).toBe('accepted');
      expect((JSON.parse(raw) as { upsertType: string }).upsertType).toBe('append');
      expect(g.query('SELECT seq FROM accepted WHERE message_id = ?', id)).toHaveLength(1);
    }
  });

  it('a message id already accepted, delivered again after a restart, is not handed on again', async () => {
    const g = await gateway('+15550400002');
    await g.set('logging.level', 'debug');
    const cy = suite.sim.contact('+15550402001', { name: 'Cy' });
    const id = await cy.send(g.phone, 'first delivery');
    await g.nextAccepted((m) => m.messageId === id);

    await g.restart();
    expect(await cy.send(g.phone, 'again', { id })).toBe(id);
    const next = await cy.send(g.phone, 'something new');
    await g.nextAccepted((m) => m.messageId === next);

    expect(count(acceptedIds(g), id)).toBe(1);
    const dup = (await logs(g, 'debug')).filter(about(id));
    expect(dup.map((e) => e.msg)).toContainEqual(expect.stringMatching(/duplicate/));
    const row = await g.settled(id);
    expect(row.state).toBe('accepted');
    expect((JSON.parse(row.raw) as { text: string }).text).toBe('first delivery');
    expect(g.query('SELECT seq FROM accepted WHERE message_id = ?', id)).toHaveLength(1);
  });
});

describe('text', () => {
  it('a 10,000-character body arrives intact; emoji and right-to-left text arrive verbatim', async () => {
    const g = await gateway('+15550400003');
    const dee = suite.sim.contact('+15550403001', { name: 'Dee' });
    // Not one repeated character: a cut or a dropped chunk anywhere would show.
    const long = Array.from({ length: 1000 }, (_, i) => String(i % 1000).padStart(9, '.') + '|')
      .join('')
      .slice(0, 10_000);
    expect(long).toHaveLength(10_000);
    const longId = await dee.send(g.phone, long);
    const body = (await g.nextAccepted((m) => m.messageId === longId)).body;
    expect(body.length).toBeGreaterThan(10_000);
    expect(body.slice(-10_001)).toBe(` ${long}`);

    const intl = '👋🏽 مرحبا بالعالم שלום';
    const intlId = await dee.send(g.phone, intl);
    expect((await g.nextAccepted((m) => m.messageId === intlId)).body).toMatch(/\] 👋🏽 مرحبا بالعالم שלום$/);
    const extended = `  ${intl}\n  second line 🇮🇱  `;
    const extId = await dee.send(g.phone, { extendedTextMessage: { text: extended } });
    expect((await g.nextAccepted((m) => m.messageId === extId)).body.endsWith(`] ${extended}`)).toBe(true);
  });
});

describe('message types', () => {
  it('an unknown type is rejected with its name, logged at info, and the gateway keeps going', async () => {
    const g = await gateway('+15550400004');
    const eve = suite.sim.contact('+15550404001', { name: 'Eve' });
    const poll = await eve.send(g.phone, {
      pollCreationMessage: { name: 'Lunch?', options: [{ optionName: 'yes' }], selectableOptionsCount: 1 },
    });
    const row = await g.settled(poll);
    expect(row.state).toBe('rejected');
    expect(row.reason).toMatch(/pollCreationMessage/);
    const lines = (await logs(g, 'info')).filter(about(poll));
    expect(lines.map((e) => e.msg)).toContainEqual(expect.stringMatching(/pollCreationMessage/));

    const next = await eve.send(g.phone, 'so, lunch?');
    await g.nextAccepted((m) => m.messageId === next);
    expect(acceptedIds(g)).toEqual([next]);
    expect((await status(g)).state).toBe('open');
  });
});

describe('media', () => {
  it('an image under the cap is saved byte for byte; over the cap it is a "not saved" placeholder and a warning', async () => {
    const g = await gateway('+15550400005');
    const fox = suite.sim.contact('+15550405001', { name: 'Fox' });
    const mediaDir = join(g.t.stateDir, 'media', 'inbound', 'default');
    const bytes = randomBytes(3000);
    const small = await fox.send(g.phone, await fox.media('image', bytes, { caption: 'look 👀' }));
    const got = await g.nextAccepted((m) => m.messageId === small);
    expect(got.body).toMatch(/\] <media:image> look 👀$/);
    expect(got.mediaType).toBe('image/jpeg');
    expect(got.mediaPath).toBeDefined();
    expect((await readFile(got.mediaPath!)).equals(bytes)).toBe(true);
    expect(await readdir(mediaDir)).toEqual([`${small}.jpg`]);

    await g.set('channels.whatsapp.mediaMaxMb', 0.001);
    const big = await fox.send(
      g.phone,
      await fox.media('image', randomBytes(5 * 1024), { caption: 'bigger' }),
    );
    const over = await g.nextAccepted((m) => m.messageId === big);
    expect(over.body).toMatch(/\] <media:image> \(not saved: larger than the 0\.001 MB limit\) bigger$/);
    expect(over.mediaPath).toBeUndefined();
    expect(await readdir(mediaDir)).toEqual([`${small}.jpg`]);
    const warned = (await logs(g, 'warn')).filter(about(big));
    expect(warned.map((e) => e.msg)).toContainEqual(expect.stringMatching(/not saved/));
  });
});

describe('undecryptable messages', () => {
  it('a burst of 30 Bad MAC messages: counted in the status, logged a few times at most, and the account stays up', async () => {
    const g = await gateway('+15550400006');
    const gil = suite.sim.contact('+15550406001', { name: 'Gil' });
    const hello = await gil.send(g.phone, 'hello');
    await g.nextAccepted((m) => m.messageId === hello);

    const bad: string[] = [];
    for (let i = 0; i < 30; i++) bad.push(await gil.sendUndecryptable(g.phone, `unreadable ${i}`));
    // Baileys sends a retry receipt for each, holding its message lock; we set no pause after it (retryRequestDelayMs 0).
    const counted = await waitFor(
      async () => {
        const s = await status(g);
        return (s.decryptFailures ?? 0) >= 30 ? s : null;
      },
      '30 decrypt failures in the status',
      25_000,
    );
    expect(counted).toMatchObject({ state: 'open', connected: true });
    expect(counted.lastDecryptFailureAt).toBeDefined();

    const after = await gil.send(g.phone, 'can you read this?');
    await g.nextAccepted((m) => m.messageId === after);
    expect(acceptedIds(g)).toEqual([hello, after]);
    const warns = (await logs(g, 'warn')).filter((e) => /could not be decrypted/.test(e.msg));
    expect(warns.length).toBeGreaterThanOrEqual(1);
    expect(warns.length).toBeLessThanOrEqual(3);
    expect(
      g.query(`SELECT message_id FROM inbox WHERE message_id IN (${bad.map(() => '?').join()})`, ...bad),
    ).toEqual([]);
    expect((await status(g)).state).toBe('open');
  }, 40_000);
});

describe('config', () => {
  it('an allowFrom entry that is not a phone number is refused, naming the key, and the running config stays', async () => {
    const ida = suite.sim.contact('+15550407001', { name: 'Ida' });
    const g = await gateway(
      '+15550400007',
      `channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["${ida.e164}"] } },`,
    );
    const before = await readFile(g.t.configPath, 'utf8');
    const refused = await g.client.request('config.set', {
      path: 'channels.whatsapp.allowFrom',
      value: ['abc'],
    });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'config.invalid',
        message: expect.stringMatching(/^channels\.whatsapp\.allowFrom\b.*"abc" is not a phone number/),
      },
    });
    expect(await readFile(g.t.configPath, 'utf8')).toBe(before);
    const running = await g.call<{ value: unknown; valid: boolean }>('config.get', {
      path: 'channels.whatsapp.allowFrom',
    });
    expect(running).toMatchObject({ value: [ida.e164], valid: true });

    const id = await ida.send(g.phone, 'still allowed?');
    await g.nextAccepted((m) => m.messageId === id);
  });
});
