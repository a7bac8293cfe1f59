// The admin API and page against a live simulator with a real linked Baileys client, and `npm run sim`'s CLI.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DisconnectReason } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAdmin, type AdminServer } from '../admin/server';
import { connect, memoryAuth, trustSimulator } from '../client';
import { startSim, type Phone, type Sim } from '../index';
import { linkClient, type Linked } from './support';

let sim: Sim;
let admin: AdminServer;
let phone: Phone;
let linked: Linked;

const OWNER = '+15550001111';
const ALICE = '+15551234567';

beforeAll(async () => {
  // libsignal narrates every session it opens on the console.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'admin' });
  trustSimulator(sim.rootPublicKey);
  admin = await startAdmin(sim);
  phone = sim.phone(OWNER, { name: 'Owner' });
  linked = await linkClient(sim, phone);
});

afterAll(async () => {
  linked?.client.end();
  await admin?.close();
  await sim?.close();
});

function post(path: string, body: unknown, contentType = 'application/json'): Promise<Response> {
  return fetch(`${admin.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function postOk<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
  const res = await post(path, body);
  const data = (await res.json()) as T;
  expect(res.status, JSON.stringify(data)).toBe(200);
  return data;
}

/** Asserts an error answer: its status, and that its message matches (e.g. names the bad field). */
async function expectError(res: Promise<Response>, status: number, message = /./): Promise<void> {
  const r = await res;
  expect(r.status).toBe(status);
  expect(((await r.json()) as { error: string }).error).toMatch(message);
}

async function getJson<T = Record<string, unknown>>(path: string): Promise<T> {
  const res = await fetch(`${admin.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** A raw request, for headers fetch will not let a caller set (Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${admin.url}${path}`, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads /api/events and lets a test wait for a named event whose data matches. */
async function openEvents() {
  const abort = new AbortController();
  const res = await fetch(`${admin.url}/api/events`, { signal: abort.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  let text = '';
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
  })().catch(() => undefined); // aborted by close()
  type Data = Record<string, unknown>;
  // Only complete blocks (up to the last blank line) are parsed.
  const events = () =>
    text
      .slice(0, text.lastIndexOf('\n\n'))
      .split('\n\n')
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] }))
      .filter((e) => e.event && e.data)
      .map((e) => ({ event: e.event!, data: JSON.parse(e.data!) as Data }));
  const next = (event: string, match: (data: Data) => boolean = () => true) =>
    vi.waitFor(
      () => {
        const hit = events().find((e) => e.event === event && match(e.data));
        if (!hit) throw new Error(`no matching ${event} event in ${text}`);
        return hit.data;
      },
      { timeout: 10_000, interval: 20 },
    );
  await next('ready');
  return { next, close: () => abort.abort() };
}

describe('admin API', () => {
  it('GET /api/state shows the phone, its connected linked device and the live connection', async () => {
    interface State {
      accounts: Array<{ e164: string; name: string; loginAttempts: number; devices: Array<unknown> }>;
      connections: number;
    }
    const state = await getJson<State>('/api/state');
    const owner = state.accounts.find((a) => a.e164 === OWNER)!;
    expect(owner.name).toBe('Owner');
    expect(owner.devices).toEqual([
      { device: 1, platform: expect.any(String), connected: true, queued: 0, unacked: expect.any(Number) },
    ]);
    expect(owner.loginAttempts).toBeGreaterThanOrEqual(1);
    expect(state.connections).toBeGreaterThanOrEqual(1);
  });

  it('POST /api/contacts and /api/phones create (or return) simulated people', async () => {
    const alice = await postOk('/api/contacts', { e164: ALICE, name: 'Alice', devices: 2 });
    expect(alice).toMatchObject({ e164: ALICE, name: 'Alice', deviceCount: 2 });
    expect(await postOk('/api/contacts', { e164: '15551234567' })).toMatchObject({ e164: ALICE });
    expect(sim.server.contacts.get('15551234567')?.devices.size).toBe(2);
    expect(await postOk('/api/phones', { e164: '+15550002222' })).toMatchObject({ devices: [] });
    await expectError(post('/api/phones', { e164: ALICE }), 409, /already a contact/);
  });

  it('refuses what a browser could be tricked into sending, and names bad fields', async () => {
    const form = 'application/x-www-form-urlencoded';
    await expectError(post('/api/contacts', 'e164=%2B1555', form), 415, /application\/json/);
    await expectError(post('/api/contacts', '{"e164":"+15551112222"}', 'text/plain'), 415);
    await expectError(post('/api/contacts', '{oops'), 400, /not valid JSON/);
    await expectError(post('/api/contacts', { e164: 'not a number' }), 400, /^e164: .*E\.164/);
    const gif = { kind: 'gif', base64: 'AA==' };
    await expectError(post('/api/send', { from: ALICE, to: OWNER, media: gif }), 400, /^media\.kind: /);
    await expectError(post('/api/send', { from: ALICE, to: OWNER, txt: 'hi' }), 400, /"txt"/);
    await expectError(post('/api/send', { from: ALICE, to: OWNER }), 400, /^text: give text, media/);
    await expectError(post('/api/fault', { kind: 'conflict' }), 400, /^phone: /);
    await expectError(post('/api/send', { from: '+15559990000', to: OWNER, text: 'x' }), 404, /^from: /);

    expect(await rawGet('/api/state', { host: 'evil.example:80' })).toBe(421);
    expect(await rawGet('/api/state', { host: `localhost:${admin.port}` })).toBe(200);
    expect(await rawGet('/api/state', { origin: 'http://evil.example' })).toBe(403);
    expect((await fetch(`${admin.url}/api/nope`)).status).toBe(404);
    expect((await fetch(`${admin.url}/api/send`)).status).toBe(405);
    expect((await post('/api/contacts', { e164: ALICE, name: 'x'.repeat(1024 * 1024) })).status).toBe(413);
  });

  it('scan and reject through the API drive a real client’s QR linking', async () => {
    const pairing = connect(sim.url, memoryAuth());
    const { qr } = await pairing.waitFor((u) => !!u.qr, 'a QR');
    expect(await postOk('/api/scan', { phone: '+15550002222', qr })).toEqual({ device: 1 });
    await pairing.waitFor((u) => u.connection === 'close', 'the 515 restart');
    expect(pairing.closeCode()).toBe(DisconnectReason.restartRequired);
    await expectError(post('/api/scan', { phone: '+15550002222', qr }), 409, /not being shown/);

    const declined = connect(sim.url, memoryAuth());
    const second = await declined.waitFor((u) => !!u.qr, 'a QR');
    await postOk('/api/reject', { qr: second.qr });
    await declined.waitFor((u) => u.connection === 'close', 'the refusal');
    expect(declined.closeCode()).toBe(401);
  });

  it('POST /api/send from a contact reaches Baileys: text, a quote with mentions, media', async () => {
    const { id } = await postOk<{ id: string }>('/api/send', {
      from: ALICE,
      to: OWNER,
      text: 'hello from the admin',
    });
    const msg = await linked.nextUpsert((m, type) => m.key.id === id && type === 'notify');
    expect(msg.message?.conversation).toBe('hello from the admin');
    expect(msg.pushName).toBe('Alice');

    const quoted = await postOk<{ id: string }>('/api/send', {
      from: ALICE,
      to: OWNER,
      text: 'about that, @15550001111',
      quote: { id, fromMe: true },
      mentions: [OWNER],
    });
    const reply = await linked.nextUpsert((m) => m.key.id === quoted.id);
    const context = reply.message?.extendedTextMessage?.contextInfo;
    expect(context?.stanzaId).toBe(id);
    expect(context?.participant).toBe('15551234567@s.whatsapp.net');
    expect(context?.mentionedJid).toEqual(['15550001111@s.whatsapp.net']);

    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const media = await postOk<{ id: string }>('/api/send', {
      from: ALICE,
      to: OWNER,
      text: 'a picture',
      media: { kind: 'image', base64: png.toString('base64'), mimetype: 'image/png' },
    });
    const image = await linked.nextUpsert((m) => m.key.id === media.id);
    expect(image.message?.imageMessage).toMatchObject({ caption: 'a picture', mimetype: 'image/png' });
  });

  it('what Baileys sends shows up in GET /api/messages and on the event stream', async () => {
    const events = await openEvents();
    try {
      const sent = await linked.client.sock.sendMessage('15551234567@s.whatsapp.net', {
        text: 'reply to Alice',
      });
      const event = await events.next('message', (m) => m.id === sent!.key.id && m.person === ALICE);
      expect(event).toMatchObject({ kind: 'text', text: 'reply to Alice' });
      // The owner's phone gets the companion's own copy (deviceSentMessage), addressed to Alice.
      const own = await events.next('message', (m) => m.id === sent!.key.id && m.person === OWNER);
      expect(own).toMatchObject({ destination: '15551234567@s.whatsapp.net', text: 'reply to Alice' });

      interface Page {
        messages: Array<{ id: string; seq: number; kind: string; text?: string; from: string }>;
        next: number;
      }
      const all = await getJson<Page>(`/api/messages?person=${encodeURIComponent(ALICE)}`);
      // Alice has two simulated devices, and each decrypted its own copy.
      const copies = all.messages.filter((m) => m.id === sent!.key.id);
      expect(copies.length).toBe(2);
      expect(copies[0]).toMatchObject({
        kind: 'text',
        text: 'reply to Alice',
        from: '15550001111:1@s.whatsapp.net',
      });
      expect(all.next).toBe(all.messages.at(-1)!.seq + 1);
      const none = await getJson<Page>(`/api/messages?person=${encodeURIComponent(ALICE)}&since=${all.next}`);
      expect(none.messages).toEqual([]);

      // The contact reads it and reacts; Baileys sees both.
      await postOk('/api/read', { from: ALICE, to: OWNER, ids: [sent!.key.id] });
      await linked.reachesStatus(sent!.key.id!, 4); // READ
      const reaction = await postOk<{ id: string }>('/api/react', {
        from: ALICE,
        to: OWNER,
        id: sent!.key.id,
        fromMe: false,
        emoji: '👍',
      });
      const upsert = await linked.nextUpsert((m) => m.key.id === reaction.id);
      expect(upsert.message?.reactionMessage?.text).toBe('👍');
      await postOk('/api/presence', { from: ALICE, to: OWNER, state: 'composing' });

      // Quoting a message the contact received carries its content, as WhatsApp does.
      const quote = { id: sent!.key.id, fromMe: false };
      const answer = await postOk<{ id: string }>('/api/send', { from: ALICE, to: OWNER, text: 'ok', quote });
      const quoted = (await linked.nextUpsert((m) => m.key.id === answer.id)).message?.extendedTextMessage;
      expect(quoted?.contextInfo?.participant).toBe('15550001111@s.whatsapp.net');
      const original = quoted?.contextInfo?.quotedMessage;
      expect(original?.conversation ?? original?.extendedTextMessage?.text).toBe('reply to Alice');
    } finally {
      events.close();
    }
  });

  it('GET /api/trust gives the root key to trust and the media CA', async () => {
    const trust = await getJson<{ rootPublicKey: string; mediaCa: string }>('/api/trust');
    expect(trust.rootPublicKey).toBe(Buffer.from(sim.rootPublicKey).toString('hex'));
    expect(trust.mediaCa).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('serves the page, its script and stylesheet under a strict CSP', async () => {
    const res = await fetch(`${admin.url}/`);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'",
    );
    const html = await res.text();
    const ids =
      'sim-qr-input sim-scan sim-send-from sim-send-to sim-send-text sim-send sim-messages sim-accounts';
    for (const id of [...ids.split(' '), 'sim-fault-conflict', 'sim-fault-slowResponses'])
      expect(html).toContain(`data-testid="${id}"`);
    expect(html).not.toMatch(/<script>|<style>| on[a-z]+="/);
    expect((await fetch(`${admin.url}/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${admin.url}/style.css`)).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('POST /api/fault conflict closes the Baileys socket with 440', async () => {
    await postOk('/api/fault', { kind: 'conflict', phone: OWNER });
    await linked.client.waitFor((u) => u.connection === 'close', 'close');
    expect(linked.client.closeCode()).toBe(DisconnectReason.connectionReplaced);
    await expectError(post('/api/fault', { kind: 'abruptClose', phone: OWNER }), 409, /no connected device/);
  });

  it('POST /api/fault silentHandshakes leaves new connections unanswered until answerHandshakes', async () => {
    await postOk('/api/fault', { kind: 'silentHandshakes' });
    try {
      const hung = connect(sim.url, linked.auth, { connectTimeoutMs: 400 });
      await hung.waitFor((u) => u.connection === 'close', 'the client timing out');
      expect(hung.closeCode()).toBe(DisconnectReason.timedOut);
    } finally {
      await postOk('/api/fault', { kind: 'answerHandshakes' });
    }
    const later = connect(sim.url, linked.auth);
    await later.waitFor((u) => u.connection === 'open', 'open once hellos are answered');
    later.end();
  });

  it('POST /api/fault rateOverlimit refuses the phone’s next sends, and needs a phone and a count', async () => {
    await expectError(post('/api/fault', { kind: 'rateOverlimit', phone: OWNER }), 400, /^count: /);
    await expectError(post('/api/fault', { kind: 'rateOverlimit', count: 1 }), 400, /^phone: /);
    await postOk('/api/fault', { kind: 'rateOverlimit', phone: OWNER, count: 2 });
    expect(sim.fault.overlimitLeft(phone.account)).toBe(2);
    await postOk('/api/fault', { kind: 'rateOverlimit', phone: OWNER, count: 0 });
    expect(sim.fault.overlimitLeft(phone.account)).toBe(0);
  });

  it('POST /api/fault restartAfterEachLogin answers each login with 515 after it opened, until posted without ms', async () => {
    await postOk('/api/fault', { kind: 'restartAfterEachLogin', ms: 20 });
    try {
      const looped = connect(sim.url, linked.auth);
      await looped.waitFor((u) => u.connection === 'open', 'open');
      await looped.waitFor((u) => u.connection === 'close', 'the 515');
      expect(looped.closeCode()).toBe(DisconnectReason.restartRequired);
    } finally {
      await postOk('/api/fault', { kind: 'restartAfterEachLogin' });
    }
    const calm = connect(sim.url, linked.auth);
    await calm.waitFor((u) => u.connection === 'open', 'open with the loop stopped');
    await calm.sock.sendPresenceUpdate('available');
    expect(calm.updates.some((u) => u.connection === 'close')).toBe(false);
    calm.end();
  });
});

describe('npm run sim', () => {
  it('prints its URLs, serves the admin API and exits 0 on SIGINT', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    // tsx directly (what the npm script runs): npm itself re-raises SIGINT rather than exiting 0.
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const child = spawn(process.execPath, [tsx, 'e2e/wa-sim/cli.ts', '--port', '0', '--admin-port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await vi.waitFor(() => expect(out).toMatch(/Link a client/), { timeout: 30_000, interval: 100 });
      const adminUrl = /Admin page\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1]!;
      expect(out).toMatch(/WhatsApp socket\s+ws:\/\/127\.0\.0\.1:\d+\/ws\/chat/);
      expect(out).toMatch(/Root public key\s+[0-9a-f]{64}/);
      expect(out).toMatch(/OPENCLAW_WA_SIMULATOR=ws:\/\//);
      const state = (await (await fetch(`${adminUrl}/api/state`)).json()) as {
        accounts: Array<{ e164: string }>;
        contacts: Array<{ name: string }>;
      };
      expect(state.accounts.map((a) => a.e164)).toEqual(['+15550001111']);
      expect(state.contacts.map((c) => c.name)).toEqual(['Alice', 'Bob']);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toMatch(/stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
