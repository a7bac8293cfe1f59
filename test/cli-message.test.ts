// `openclaw message send` as a person uses it: the real CLI in its own process, a real gateway with the real
// Baileys client linked to the simulator, and what the contact's simulated device decrypted.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative as relativePath } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { mediaSource } from '../src/cli/commands/message';
import { runCli } from './support/cli';
import { makeTestEnv } from './support/env';
import { inboundSuite, textOf } from './support/inbound';

const suite = inboundSuite('cli-message');

describe('openclaw message send', () => {
  it('says when no gateway runs, in one line, with a non-zero exit', async () => {
    const other = await makeTestEnv();
    try {
      const r = await runCli(['message', 'send', '--to', '+15551234567', '--message', 'hi'], other.env);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^No gateway is running on 127\.0\.0\.1:\d+/);
    } finally {
      await other.cleanup();
    }
  });

  it('refuses a send with nothing in it before looking for a gateway', async () => {
    const other = await makeTestEnv();
    try {
      const r = await runCli(['message', 'send', '--to', '+15551234567'], other.env);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe('Nothing to send: give --message, --media, or both.');
    } finally {
      await other.cleanup();
    }
  });

  it('sends a text: prints its id, which the contact’s device decrypts exactly once', async () => {
    const g = await suite.gateway('+15550501001');
    const alice = suite.sim.contact('+15550502001', { name: 'Alice' });
    const r = await runCli(
      ['message', 'send', '--to', alice.e164, '--message', 'hello from the CLI'],
      g.t.env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [head, line] = r.stdout.trim().split('\n');
    expect(head).toBe(`1 message to ${alice.e164} from account "default":`);
    const [id, state] = line!.trim().split(/\s+/);
    expect(state).toBe('sent');
    const got = await alice.nextMessage((m) => m.id === id);
    expect(textOf(got)).toBe('hello from the CLI');
    expect(alice.deliveryCount(id!)).toBe(1);
  });

  it('sends to a group by its JID: every member device decrypts it once', async () => {
    const g = await suite.gateway('+15550501005');
    const alice = suite.sim.contact('+15550502005', { name: 'Alice', devices: 2 });
    const bob = suite.sim.contact('+15550502006', { name: 'Bob' });
    const group = await suite.sim.group('CLI group', { admin: g.phone, members: [alice, bob] });
    const r = await runCli(['message', 'send', '--to', group.jid, '--message', 'hello group'], g.t.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = r.stdout.trim().split('\n')[1]!.trim().split(/\s+/)[0]!;
    for (const [member, devices] of [
      [alice, [0, 1]],
      [bob, [0]],
    ] as const) {
      for (const device of devices) {
        const got = await member.nextMessage((m) => m.id === id && m.device === device);
        expect(textOf(got)).toBe('hello group');
        expect(got.chat).toBe(group.jid);
        expect(member.deliveryCount(id, device)).toBe(1);
      }
    }
  });

  it('--no-wait returns once the message is stored, saying it is queued', async () => {
    const g = await suite.gateway('+15550501006');
    const alice = suite.sim.contact('+15550502007', { name: 'Alice' });
    const r = await runCli(
      ['message', 'send', '--to', alice.e164, '--message', 'later', '--no-wait'],
      g.t.env,
    );
    expect(r.code).toBe(0);
    const [id, state] = r.stdout.trim().split('\n')[1]!.trim().split(/\s+/);
    expect(state).toBe('queued');
    expect(textOf(await alice.nextMessage((m) => m.id === id))).toBe('later');
  });

  it('says so when the gateway goes away while a send waits, and leaves it stored', async () => {
    const g = await suite.gateway('+15550501007');
    const alice = suite.sim.contact('+15550502008', { name: 'Alice' });
    await g.call('events.subscribe', { events: ['outbox.changed'] });
    // WhatsApp answers rate-overlimit: the account backs off for a minute, so the send waits in the outbox.
    suite.sim.fault.rateOverlimit(g.phone.account, 1);
    const cli = runCli(['message', 'send', '--to', alice.e164, '--message', 'patience'], g.t.env);
    await g.client.nextEvent('outbox.changed', (p) => {
      const item = p as { state: string; error?: string };
      return item.state === 'pending' && !!item.error;
    });
    await g.down();
    const r = await cli;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}\S+ {2}queued \(last try: .+\)$/m);
    expect(r.stdout).toContain('The gateway went away while they were queued');
    expect(g.query<{ state: string }>('SELECT state FROM outbox')).toEqual([{ state: 'pending' }]);
  });

  it('--json lists every id with its state; a long text is several messages, in order', async () => {
    const g = await suite.gateway('+15550501002', `channels: { whatsapp: { textChunkLimit: 50 } },`);
    const alice = suite.sim.contact('+15550502002', { name: 'Alice' });
    const text = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const r = await runCli(['message', 'send', '--to', alice.e164, '--message', text, '--json'], g.t.env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      accountId: string;
      to: string;
      ids: string[];
      items: Array<{ id: string; state: string }>;
    };
    expect(out.accountId).toBe('default');
    expect(out.ids.length).toBeGreaterThan(1);
    expect(out.items.map((i) => i.state)).toEqual(out.ids.map(() => 'sent'));
    await Promise.all(out.ids.map((id) => alice.nextMessage((m) => m.id === id)));
    const arrived = alice.messages().filter((m) => out.ids.includes(m.id));
    expect(arrived.map((m) => m.id)).toEqual(out.ids);
    expect(arrived.map(textOf).join(' ')).toBe(text);
  });

  it('sends a local image by a path relative to where the CLI runs, with the caption', async () => {
    const g = await suite.gateway('+15550501003');
    const alice = suite.sim.contact('+15550502003', { name: 'Alice' });
    const dir = await mkdtemp(join(tmpdir(), 'openclaw-cli-media-'));
    try {
      await writeFile(
        join(dir, 'dot.png'),
        await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } })
          .png()
          .toBuffer(),
      );
      // runCli runs in the project folder; the path is given relative to it, as a person would type it.
      const relative = relativePath(process.cwd(), join(dir, 'dot.png'));
      expect(relative.startsWith('/')).toBe(false);
      const r = await runCli(
        ['message', 'send', '--to', alice.e164, '--media', relative, '--message', 'a dot'],
        g.t.env,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const id = r.stdout.trim().split('\n')[1]!.trim().split(/\s+/)[0]!;
      const got = await alice.nextMessage((m) => m.id === id);
      expect(got.message.imageMessage?.mimetype).toBe('image/png');
      expect(got.message.imageMessage?.caption).toBe('a dot');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails at once with the reason when the account is not connected, and stores nothing', async () => {
    const g = await suite.gateway('+15550501004');
    const alice = suite.sim.contact('+15550502004', { name: 'Alice' });
    suite.sim.fault.refuseConnections();
    try {
      suite.sim.fault.abruptClose(g.phone.account);
      await g.client.nextEvent('channels.state', (p) => (p as { state: string }).state !== 'open');
      const r = await runCli(['message', 'send', '--to', alice.e164, '--message', 'not now'], g.t.env);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(
        /^WhatsApp account "default" is not connected, so nothing was sent: .+/,
      );
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(g.query('SELECT seq FROM outbox')).toEqual([]);
    } finally {
      suite.sim.fault.acceptConnections();
    }
  });
});

describe('mediaSource', () => {
  it('keeps URLs and makes local paths absolute against the CLI’s folder', () => {
    expect(mediaSource('https://example.com/a.jpg', '/home/me')).toBe('https://example.com/a.jpg');
    expect(mediaSource('file:///tmp/a.jpg', '/home/me')).toBe('file:///tmp/a.jpg');
    expect(mediaSource('pics/a.jpg', '/home/me')).toBe('/home/me/pics/a.jpg');
    expect(mediaSource('/srv/a.jpg', '/home/me')).toBe('/srv/a.jpg');
  });
});
