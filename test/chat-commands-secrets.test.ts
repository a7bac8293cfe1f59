// A secret typed in chat (`/config set <secret key>=<value>`) goes to openclaw.json and nowhere else that stays:
// a real gateway (real Baileys client, wa-sim) takes the command, then every byte of state.db (and its WAL), the
// log files and what the control API shows are searched for the value.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Contact } from '../e2e/wa-sim/index';
import { outcomeOf } from './support/agent';
import { inboundSuite, textOf, type InboundGateway } from './support/inbound';

const suite = inboundSuite('chat-commands-secrets');

/** Sends a command; returns its accepted seq and session key and the answer the sender's device decrypted. */
async function ask(g: InboundGateway, from: Contact, text: string) {
  const seen = new Set(from.messages().map((m) => m.id));
  const id = await from.send(g.phone, text);
  const accepted = await g.nextAccepted((m) => m.messageId === id);
  const answer = textOf(await from.nextMessage((m) => !seen.has(m.id)));
  return { seq: accepted.seq, sessionKey: accepted.sessionKey, answer };
}

/** Every file under `dir` that holds `needle`, as paths relative to it. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name);
    const bytes = await readFile(path).catch(() => null); // a folder
    if (bytes?.includes(needle)) out.push(name);
  }
  return out;
}

describe('a secret set from WhatsApp', () => {
  it('is written to the config file only: not in state.db, the WAL, the logs, inbound.recent or sessions', async () => {
    const owner = suite.sim.contact('+15550711001', { name: 'Owner' });
    const g = await suite.gateway(
      '+15550710001',
      `commands: { config: true },
  models: { providers: { p: { baseUrl: 'http://127.0.0.1:9/v1', models: [{ id: 'm' }] } } },
  agents: { defaults: { model: 'p/m' } },
  channels: { whatsapp: { dmPolicy: 'allowlist', allowFrom: ['${owner.e164}'] } },`,
    );

    const set = await ask(g, owner, '/config set models.providers.p.apiKey=sk-live-SECRET123');
    expect(set.answer).toBe('models.providers.p.apiKey: set (hidden).');
    expect(await outcomeOf(g, set.seq)).toMatchObject({ state: 'answered' });
    // A secret inside an object value, at a key that is not secret itself: not echoed back either.
    const obj = await ask(
      g,
      owner,
      `/config set models.providers.q={"baseUrl":"http://127.0.0.1:9/v1","apiKey":"sk-obj-SECRET456"}`,
    );
    expect(obj.answer).toMatch(/^models\.providers\.q: \(not set\) → /);
    expect(obj.answer).not.toContain('SECRET456');
    // Refused (configWrites is on, the value is invalid): still typed in chat, still not kept.
    const bad = await ask(g, owner, '/config set models.providers.nope.apiKey=sk-bad-SECRET789');
    expect(bad.answer).toMatch(/^Not changed \(models\.providers\.nope\.apiKey\): /);
    expect(bad.answer).not.toContain('SECRET789');
    await outcomeOf(g, bad.seq);

    const config = await readFile(g.t.configPath, 'utf8');
    expect(config).toContain('sk-live-SECRET123');
    expect(config).toContain('sk-obj-SECRET456');

    // What the control API shows: the Messages screen's list (with the command, masked) and the session.
    const recent = JSON.stringify(await g.call('inbound.recent', { limit: 100 }));
    expect(recent).toContain('/config set models.providers.p.apiKey=');
    const sessions = JSON.stringify([
      await g.call('sessions.list', {}),
      await g.call('sessions.show', { key: set.sessionKey }),
    ]);
    // What a Messages screen open at the time was pushed (inbound.accepted), as it came.
    const live = JSON.stringify(g.accepted);
    expect(live).toContain('/config set models.providers.p.apiKey=__OPENCLAW_REDACTED__');
    for (const secret of ['SECRET123', 'SECRET456', 'SECRET789']) {
      expect(live).not.toContain(secret);
      expect(recent).not.toContain(secret);
      expect(sessions).not.toContain(secret);
    }

    // The database as it sits on disk: checkpointed into the main file, and the WAL read as well.
    const db = new Database(join(g.t.stateDir, 'state.db'));
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    const files = [join(g.t.stateDir, 'state.db'), join(g.t.stateDir, 'state.db-wal')].filter((f) =>
      existsSync(f),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const secret of ['SECRET123', 'SECRET456', 'SECRET789']) {
      for (const f of files) expect((await readFile(f)).includes(secret), `${secret} in ${f}`).toBe(false);
      // config-last-good.json is the config file's own copy (the file the gateway falls back to).
      expect((await filesHolding(g.t.stateDir, secret)).filter((f) => f !== 'config-last-good.json')).toEqual(
        [],
      );
      expect(await filesHolding(join(g.t.dir, 'logs'), secret)).toEqual([]);
    }
    // The log was written (and read above): the commands are in it, their values not.
    const logs = await readdir(join(g.t.dir, 'logs'));
    expect(logs.length).toBeGreaterThan(0);
    for (const name of logs)
      expect(await readFile(join(g.t.dir, 'logs', name), 'utf8')).toContain('chat command /config');
    // The command itself is still there to read, with the value masked.
    const [row] = g.query<{ body: string; meta: string }>(
      'SELECT body, meta FROM accepted WHERE seq = ?',
      set.seq,
    );
    expect(row!.body).toContain('models.providers.p.apiKey=__OPENCLAW_REDACTED__');
    expect(JSON.parse(row!.meta).text).toBe('/config set models.providers.p.apiKey=__OPENCLAW_REDACTED__');
  });
});
