// `openclaw pairing …` as the owner uses it: a real gateway process (no WhatsApp account linked), the CLI in its
// own process over the real control WebSocket, and pending requests written into the same state.db by another
// connection (WAL makes that safe), as the gateway's inbound stage does.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isApproved, PAIRING_TTL_MS, requestPairing } from '../src/gateway/access/pairing-store';
import { openStore, type Store } from '../src/gateway/store/db';
import type { PairingSnapshot } from '../src/shared/contract';
import { runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, type TestEnv } from './support/env';
import { openRaw } from './support/ws-client';

const ALICE = '+15550300001';
const BOB = '+15550300002';
const CAROL = '+15550300003';
const DAVE = '+15550300004';

let t: TestEnv;
let gw: GatewayProcess;
let seed: Store;

function pend(
  sender: string,
  opts: { account?: string; name?: string; now?: number; text?: string } = {},
): string {
  const r = requestPairing(seed.db, {
    account: opts.account ?? 'default',
    sender,
    name: opts.name,
    text: opts.text,
    chat: `${sender.slice(1)}@s.whatsapp.net`,
    now: opts.now ?? Date.now(),
  });
  if (r.kind === 'cap') throw new Error('unexpected cap');
  return r.request.code;
}

async function pendingCode(sender: string): Promise<string> {
  const list = await runCli(['pairing', 'list', '--json'], t.env);
  return (JSON.parse(list.stdout) as PairingSnapshot).pending.find((p) => p.sender === sender)!.code;
}

beforeAll(async () => {
  t = await makeTestEnv();
  gw = await spawnGateway(t.env);
  // Opened after the gateway has created and migrated the file.
  seed = openStore(join(t.stateDir, 'state.db'));
});

afterAll(async () => {
  seed?.close();
  if (gw?.child.exitCode === null) expect(await gw.interrupt()).toBe(0);
  await t?.cleanup();
});

describe('openclaw pairing against a running gateway', () => {
  it('says when no gateway runs, and checks arguments before looking for one', async () => {
    const other = await makeTestEnv();
    try {
      const [list, approve, channel, number, code] = await Promise.all([
        runCli(['pairing', 'list'], other.env),
        runCli(['pairing', 'approve', 'whatsapp', 'ABCD2345'], other.env),
        runCli(['pairing', 'approve', 'telegram', 'ABCD2345'], other.env),
        runCli(['pairing', 'revoke', 'whatsapp', '555-0100'], other.env),
        runCli(['pairing', 'deny', 'whatsapp', 'AB-CD'], other.env),
      ]);
      for (const r of [list, approve]) {
        expect(r.code).toBe(1);
        expect(r.stderr.trim()).toMatch(/^No gateway is running on 127\.0\.0\.1:\d+/);
      }
      expect(channel).toMatchObject({ code: 1, stdout: '' });
      expect(channel.stderr.trim()).toBe(
        'Unknown channel "telegram": the only pairing channel is "whatsapp".',
      );
      expect(number.code).toBe(1);
      expect(number.stderr).toContain('<e164> must be a phone number in E.164 form');
      expect(number.stderr).toContain('(got "555-0100")');
      expect(code.code).toBe(1);
      expect(code.stderr).toContain('<code> must be the pairing code the sender received');
    } finally {
      await other.cleanup();
    }
  });

  it('lists pending requests as a table with number, name, code, age, expiry and first line; --json agrees', async () => {
    const aliceCode = pend(ALICE, {
      name: 'Alice',
      now: Date.now() - 10 * 60_000,
      text: 'Hi, Alice from the book club\nsecond line',
    });
    const bobCode = pend(BOB, { account: 'work' });
    const [text, json, work] = await Promise.all([
      runCli(['pairing', 'list', 'whatsapp'], t.env),
      runCli(['pairing', 'list', '--json'], t.env),
      runCli(['pairing', 'list', 'whatsapp', '--account', 'work'], t.env),
    ]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('Pending pairing requests:');
    expect(lines[1]).toMatch(/^ {2}NUMBER +NAME +CODE +AGE +EXPIRES IN +ACCOUNT +FIRST LINE$/);
    expect(lines[2]).toMatch(
      new RegExp(`^  \\${ALICE} +Alice +${aliceCode} +10m +(49|50)m +default +Hi, Alice from the book club$`),
    );
    expect(lines[3]).toMatch(new RegExp(`^  \\${BOB} +- +${bobCode} +\\d+s +(59m|1h 0m) +work +-$`));
    expect(text.stdout).toContain('Approve one with: openclaw pairing approve whatsapp <code>');
    expect(text.stdout).toContain('No approved senders.');

    expect(json.code).toBe(0);
    const snapshot = JSON.parse(json.stdout) as { pending: Array<Record<string, unknown>> };
    expect(snapshot.pending.map((r) => [r.sender, r.code, r.accountId])).toEqual([
      [ALICE, aliceCode, 'default'],
      [BOB, bobCode, 'work'],
    ]);
    expect(snapshot.pending[0]).not.toHaveProperty('chat');
    expect(snapshot.pending[0]).toHaveProperty('firstLine', 'Hi, Alice from the book club');
    expect(work.code).toBe(0);
    expect(work.stdout).toContain('Pending pairing requests on account "work":');
    expect(work.stdout).not.toContain(ALICE);
  });

  it('strips control characters from what a stranger wrote before printing it to the terminal', async () => {
    const code = pend('+15550300007', { account: 'other', text: 'placeholder' });
    // Written as a writer that cleaned nothing would leave it: escape sequences and a right-to-left override.
    seed.db
      .prepare('UPDATE pairing_requests SET name = ?, first_line = ? WHERE code = ?')
      .run('Eve\u001b[2J', '\u001b[31mURGENT\u001b[0m pay \u202Egnp.exe\u0007', code);
    const text = await runCli(['pairing', 'list', '--account', 'other'], t.env);
    expect(text.code).toBe(0);
    const row = text.stdout.split('\n').find((l) => l.includes(code));
    expect(row).toMatch(/ Eve\[2J +.* \[31mURGENT\[0m pay gnp\.exe$/);
    expect(text.stdout.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\u202e]/u);
    await runCli(['pairing', 'deny', 'whatsapp', code], t.env);
  });

  it('approves a code typed in lower case, pushes pairing.changed, and sends no confirmation (nothing linked)', async () => {
    const token = (await readFile(join(t.stateDir, 'gateway.token'), 'utf8')).trim();
    const watcher = await openRaw(t.port);
    try {
      expect(await watcher.request('connect', { token })).toMatchObject({ ok: true });
      expect(await watcher.request('events.subscribe', { events: ['pairing.changed'] })).toMatchObject({
        ok: true,
      });
      const code = pend(CAROL, { name: 'Carol' });
      const changed = watcher.nextEvent('pairing.changed', (p) =>
        (p as PairingSnapshot).approved.some((a) => a.sender === CAROL),
      );
      const r = await runCli(['pairing', 'approve', 'whatsapp', code.toLowerCase()], t.env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Approved ${CAROL} (Carol) on account "default".`);
      expect(r.stdout).toContain('No confirmation was sent');
      expect(isApproved(seed.db, 'default', CAROL)).toBe(true);
      const pushed = (await changed) as PairingSnapshot;
      expect(pushed.pending.map((p) => p.sender)).not.toContain(CAROL);
      expect(pushed.approved).toContainEqual(
        expect.objectContaining({ accountId: 'default', sender: CAROL, name: 'Carol', via: 'pairing' }),
      );
    } finally {
      watcher.close();
    }

    const json = await runCli(['pairing', 'approve', 'whatsapp', pend(DAVE), '--json'], t.env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      approved: expect.objectContaining({ accountId: 'default', sender: DAVE, via: 'pairing' }),
      confirmationSent: false,
    });
    expect(isApproved(seed.db, 'default', DAVE)).toBe(true);

    const list = await runCli(['pairing', 'list'], t.env);
    expect(list.stdout).toMatch(
      new RegExp(`Approved senders:\\n.*\\n  \\${CAROL} +Carol +\\d+s ago +pairing +default`),
    );
  });

  it('refuses an unknown code, an expired code and a code of another account, each with a sentence', async () => {
    const bobCode = await pendingCode(BOB);
    // Seeded after that list, which (like the gateway's sweep) drops expired requests.
    const expired = pend('+15550300009', { now: Date.now() - PAIRING_TTL_MS - 1000 });
    const [unknown, old, wrong] = await Promise.all([
      runCli(['pairing', 'approve', 'whatsapp', 'ZZZZ9999'], t.env),
      runCli(['pairing', 'approve', 'whatsapp', expired], t.env),
      runCli(['pairing', 'approve', 'whatsapp', bobCode, '--account', 'default'], t.env),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      'No pending pairing request has the code ZZZZ9999. Codes expire after 1 hour; list the pending ones with `openclaw pairing list whatsapp`.',
    );
    expect(old.code).toBe(1);
    expect(old.stderr).toContain(`The pairing code ${expired} (from +15550300009) expired at`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe(`The pairing code ${bobCode} is for account "work", not "default".`);
    expect(isApproved(seed.db, 'work', BOB)).toBe(false);
  });

  it('denies a pending request and revokes an approved sender', async () => {
    const aliceCode = await pendingCode(ALICE);
    const deny = await runCli(['pairing', 'deny', 'whatsapp', aliceCode], t.env);
    expect(deny.code).toBe(0);
    expect(deny.stdout.trim()).toBe(
      `Denied the pairing request from ${ALICE} (Alice) (code ${aliceCode}) on account "default".`,
    );
    expect(isApproved(seed.db, 'default', ALICE)).toBe(false);
    expect(seed.db.prepare('SELECT count(*) AS n FROM pairing_requests WHERE sender = ?').get(ALICE)).toEqual(
      {
        n: 0,
      },
    );

    const revoke = await runCli(['pairing', 'revoke', 'whatsapp', '+1 555 030 0003'], t.env);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain(`Revoked ${CAROL} on account "default"`);
    expect(isApproved(seed.db, 'default', CAROL)).toBe(false);
    const again = await runCli(['pairing', 'revoke', 'whatsapp', CAROL, '--json'], t.env);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({ accountId: 'default', sender: CAROL, removed: false });
    const dave = await runCli(['pairing', 'revoke', 'whatsapp', DAVE, '--json'], t.env);
    expect(dave.code).toBe(0);
    expect(JSON.parse(dave.stdout)).toEqual({ accountId: 'default', sender: DAVE, removed: true });
    expect(isApproved(seed.db, 'default', DAVE)).toBe(false);
  });
});
