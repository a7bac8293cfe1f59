import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher, type Handlers } from '../control/dispatcher';
import { pairingHandlers } from '../control/pairing-methods';
import { openStore, type Store } from '../store/db';
import {
  DEFAULT_PAIRING_CONFIRMATION,
  PairingService,
  pairingReplyText,
  type PairingEvent,
} from './pairing-service';
import { PAIRING_TTL_MS, type StoredPairingRequest } from './pairing-store';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const ALICE = '+15550100001';
const jid = (e164: string) => `${e164.slice(1)}@s.whatsapp.net`;

let dir: string;
let store: Store;
let clock: number;
let events: Array<{ event: PairingEvent; payload: unknown }>;
let lines: Array<{ level: number; msg: string } & Record<string, unknown>>;
let confirm: ReturnType<typeof vi.fn<(accountId: string, request: StoredPairingRequest) => Promise<boolean>>>;
let service: PairingService;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-pairing-svc-'));
  store = openStore(path.join(dir, 'state.db'));
  clock = T0;
  events = [];
  lines = [];
  confirm = vi.fn(async () => true);
  service = new PairingService({
    db: store.db,
    log: pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) }),
    now: () => clock,
    emit: (event, payload) => void events.push({ event, payload }),
    confirm,
    defaultAccount: () => 'default',
  });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ask = (sender: string, account = 'default') =>
  service.request({ account, sender, name: 'Someone', chat: jid(sender) });
const codeOf = (sender: string, account = 'default') => {
  const r = ask(sender, account);
  if (r.kind === 'cap') throw new Error('unexpected cap');
  return r.request.code;
};

describe('PairingService', () => {
  it('announces a new request (without the chat JID) and the new snapshot, and logs it', () => {
    const code = codeOf(ALICE);
    expect(events.map((e) => e.event)).toEqual(['pairing.requested', 'pairing.changed']);
    expect(events[0]!.payload).toEqual({
      accountId: 'default',
      sender: ALICE,
      name: 'Someone',
      code,
      createdAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + PAIRING_TTL_MS).toISOString(),
    });
    expect(events[1]!.payload).toEqual({ pending: [events[0]!.payload], approved: [] });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 30, msg: `pairing request from ${ALICE} on account "default"`, code }),
    );
  });

  it('stays quiet for a sender who already has a code', () => {
    ask(ALICE);
    events.length = 0;
    expect(ask(ALICE).kind).toBe('existing');
    expect(events).toEqual([]);
  });

  it('at the cap issues no code, emits nothing, and warns naming the account', () => {
    for (const n of ['+15550100001', '+15550100002', '+15550100003']) ask(n, 'work');
    events.length = 0;
    expect(ask('+15550100004', 'work')).toEqual({ kind: 'cap', pending: 3 });
    expect(events).toEqual([]);
    expect(lines.at(-1)).toMatchObject({
      level: 40,
      accountId: 'work',
      sender: '+15550100004',
      msg: 'account "work" already has 3 pending pairing requests; no code was issued to +15550100004',
    });
  });

  it('approve emits the snapshot, confirms on the chat the sender wrote from, and reports it', async () => {
    const code = codeOf(ALICE);
    events.length = 0;
    const result = await service.approve(code.toLowerCase());
    expect(result).toEqual({
      approved: {
        accountId: 'default',
        sender: ALICE,
        name: 'Someone',
        approvedAt: expect.any(String),
        via: 'pairing',
      },
      confirmationSent: true,
    });
    expect(confirm).toHaveBeenCalledWith('default', expect.objectContaining({ code, chat: jid(ALICE) }));
    expect(events).toEqual([
      { event: 'pairing.changed', payload: { pending: [], approved: [result.approved] } },
    ]);
    expect(service.isApproved('default', ALICE)).toBe(true);
    expect(service.list('default').approved.map((a) => a.sender)).toEqual([ALICE]);
  });

  it('approval stands when the confirmation is not sent or fails', async () => {
    confirm.mockResolvedValueOnce(false);
    expect((await service.approve(codeOf(ALICE))).confirmationSent).toBe(false);
    confirm.mockRejectedValueOnce(new Error('socket closed'));
    const bob = '+15550100002';
    expect((await service.approve(codeOf(bob))).confirmationSent).toBe(false);
    expect(service.isApproved('default', bob)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ level: 40, err: 'socket closed' });
  });

  it('approve with the wrong account throws and emits nothing', async () => {
    const code = codeOf(ALICE, 'work');
    events.length = 0;
    await expect(service.approve(code, 'default')).rejects.toMatchObject({
      code: 'pairing.account_mismatch',
    });
    expect(events).toEqual([]);
    expect(confirm).not.toHaveBeenCalled();
  });

  it('deny and revoke emit the snapshot; a revoke that removes nothing emits nothing', async () => {
    const { denied } = service.deny(codeOf(ALICE));
    expect(denied).not.toHaveProperty('chat');
    expect(events.at(-1)).toEqual({ event: 'pairing.changed', payload: { pending: [], approved: [] } });
    await service.approve(codeOf(ALICE));
    events.length = 0;
    expect(service.revoke(ALICE)).toEqual({ accountId: 'default', sender: ALICE, removed: true });
    expect(events).toEqual([{ event: 'pairing.changed', payload: { pending: [], approved: [] } }]);
    expect(service.revoke(ALICE, 'default')).toMatchObject({ removed: false });
    expect(events).toHaveLength(1);
  });

  it('sweep expires after an hour and emits once, only when something expired', () => {
    ask(ALICE);
    events.length = 0;
    clock = T0 + PAIRING_TTL_MS - 1;
    expect(service.sweep()).toBe(0);
    expect(events).toEqual([]);
    clock = T0 + PAIRING_TTL_MS;
    expect(service.sweep()).toBe(1);
    expect(events).toEqual([{ event: 'pairing.changed', payload: { pending: [], approved: [] } }]);
    expect(service.list().pending).toEqual([]);
  });

  it('approving an expired code refuses it, and subscribers hear that the request is gone', async () => {
    const code = codeOf(ALICE);
    events.length = 0;
    clock = T0 + PAIRING_TTL_MS;
    await expect(service.approve(code)).rejects.toMatchObject({ code: 'pairing.code_expired' });
    expect(events).toEqual([{ event: 'pairing.changed', payload: { pending: [], approved: [] } }]);
    expect(confirm).not.toHaveBeenCalled();
  });

  it('list drops expired requests and says so to subscribers', () => {
    ask(ALICE);
    events.length = 0;
    clock = T0 + PAIRING_TTL_MS;
    expect(service.list()).toEqual({ pending: [], approved: [] });
    expect(events.map((e) => e.event)).toEqual(['pairing.changed']);
  });

  it('importLegacy emits the snapshot when it imported someone', () => {
    const creds = path.join(dir, 'credentials');
    fs.mkdirSync(creds);
    fs.writeFileSync(path.join(creds, 'whatsapp-allowFrom.json'), JSON.stringify([ALICE]));
    expect(
      service.importLegacy({ credentialsDir: creds, accountId: 'default', isDefault: true }).imported,
    ).toEqual([ALICE]);
    expect(events.map((e) => e.event)).toEqual(['pairing.changed']);
    service.importLegacy({ credentialsDir: creds, accountId: 'default', isDefault: true });
    expect(events).toHaveLength(1);
  });
});

describe('pairingReplyText', () => {
  it('tells the sender their number, the code, the hour, and the command for the owner', () => {
    const text = pairingReplyText({
      sender: ALICE,
      code: 'ABCD2345',
      accountId: 'default',
      isDefaultAccount: true,
    });
    expect(text).toContain(`Your number: ${ALICE}`);
    expect(text).toContain('Pairing code: ABCD2345 (expires in 1 hour)');
    expect(text.split('\n').at(-1)).toBe('openclaw pairing approve whatsapp ABCD2345');
    const work = pairingReplyText({
      sender: ALICE,
      code: 'ABCD2345',
      accountId: 'work',
      isDefaultAccount: false,
    });
    expect(work.split('\n').at(-1)).toBe('openclaw pairing approve whatsapp ABCD2345 --account work');
    expect(DEFAULT_PAIRING_CONFIRMATION.length).toBeGreaterThan(10);
  });
});

// Until the gateway wires these handlers, this is where the contract meets them: params validated and normalized
// by the dispatcher, errors coming back with their codes, results checked against the response schemas.
describe('pairing.* handlers through the dispatcher', () => {
  const caller = { transport: 'ws' as const, subscriptions: new Set<never>() };
  const dispatch = () => createDispatcher(pairingHandlers(service) as Handlers, pino({ level: 'silent' }));

  it('lists, approves a lower-case code, denies, revokes', async () => {
    const call = dispatch();
    const code = codeOf(ALICE);
    const bobCode = codeOf('+15550100002', 'work');
    const list = await call('pairing.list', { channel: 'whatsapp', accountId: 'work' }, caller);
    expect(list).toMatchObject({ ok: true, value: { pending: [{ sender: '+15550100002', code: bobCode }] } });
    expect(await call('pairing.list', undefined, caller)).toMatchObject({ ok: true });

    const approved = await call('pairing.approve', { channel: 'whatsapp', code: code.toLowerCase() }, caller);
    expect(approved).toEqual({
      ok: true,
      value: { approved: expect.objectContaining({ sender: ALICE }), confirmationSent: true },
    });
    const denied = await call(
      'pairing.deny',
      { channel: 'whatsapp', code: bobCode, accountId: 'work' },
      caller,
    );
    expect(denied).toEqual({
      ok: true,
      value: { denied: expect.objectContaining({ sender: '+15550100002' }) },
    });
    expect(denied.ok && denied.value).not.toHaveProperty('denied.chat');
    expect(await call('pairing.revoke', { channel: 'whatsapp', sender: ALICE }, caller)).toEqual({
      ok: true,
      value: { accountId: 'default', sender: ALICE, removed: true },
    });
  });

  it('answers with stable codes for a bad code, channel or number', async () => {
    const call = dispatch();
    expect(await call('pairing.approve', { channel: 'whatsapp', code: 'NOPE2345' }, caller)).toMatchObject({
      ok: false,
      error: { code: 'pairing.code_unknown' },
    });
    expect(await call('pairing.approve', { channel: 'telegram', code: 'X' }, caller)).toMatchObject({
      ok: false,
      error: { code: 'control.invalid_params' },
    });
    expect(await call('pairing.revoke', { channel: 'whatsapp', sender: '5550100' }, caller)).toMatchObject({
      ok: false,
      error: { code: 'control.invalid_params' },
    });
  });
});
