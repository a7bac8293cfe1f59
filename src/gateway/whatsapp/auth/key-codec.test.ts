import { BufferJSON, Curve, proto } from '@whiskeysockets/baileys';
import { SenderKeyRecord, SenderMessageKey } from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import { describe, expect, it, vi } from 'vitest';
import { SignalDevice } from '../../../../e2e/wa-sim/signal/party';
import { parseBufferJSON, stringifyBufferJSON } from './key-codec';
import { decodeKey, encodeKey, KEY_TYPES, type KeyType } from './key-store';

const oldEncode = (v: unknown) => JSON.stringify(v, BufferJSON.replacer) as string | undefined;
const oldDecode = (t: string) => JSON.parse(t, BufferJSON.reviver) as unknown;
/** A Long as protobufjs makes it for a 64-bit field (the project takes `long` only through Baileys). */
const long = (n: number | string) =>
  proto.Message.AppStateSyncKeyData.fromObject({ timestamp: n }).timestamp!;

/** Where `a` and `b` differ (Buffer-ness, prototypes and key order included), or null when they are the same. */
function difference(a: unknown, b: unknown, at = '$'): string | null {
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) {
    if (!Buffer.isBuffer(a) || !Buffer.isBuffer(b)) return `${at}: Buffer on one side only`;
    return a.equals(b) ? null : `${at}: bytes differ`;
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? null : `${at}: ${String(a)} vs ${String(b)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: prototypes differ`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\u0000') !== kb.join('\u0000')) return `${at}: keys ${ka.join(',')} vs ${kb.join(',')}`;
  for (const k of ka) {
    const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return null;
}

/** The outcome of `fn`: its result, or the class of what it threw. */
function outcome<T>(fn: () => T): { value?: T; threw?: string } {
  try {
    return { value: fn() };
  } catch (err) {
    return { threw: (err as Error).constructor.name };
  }
}

function expectSameEncode(value: unknown, label: string): void {
  const now = outcome(() => stringifyBufferJSON(value));
  const before = outcome(() => oldEncode(value));
  expect(now, label).toEqual(before);
}

function expectSameDecode(text: string, label: string): void {
  const now = outcome(() => parseBufferJSON(text));
  const before = outcome(() => oldDecode(text));
  expect(now.threw, label).toBe(before.threw);
  expect(difference(now.value, before.value), `${label}: ${text.slice(0, 200)}`).toBeNull();
}

/** Real libsignal session records (as Baileys stores them: record.serialize()), from a real exchange. */
async function realSessions(): Promise<unknown[]> {
  const alice = SignalDevice.create({ jid: '15550000001@s.whatsapp.net', seed: 'alice' });
  const bob = SignalDevice.create({ jid: '15550000002@s.whatsapp.net', seed: 'bob' });
  const text = (s: string) => Buffer.from(s);
  const first = await alice.encryptFor({ address: bob.jid, bundle: bob.bundle() }, text('hi'));
  await bob.decryptFrom(alice.jid, first.type, first.ciphertext);
  const reply = await bob.encryptFor({ address: alice.jid }, text('hello'));
  await alice.decryptFrom(bob.jid, reply.type, reply.ciphertext);
  // Three sent, only the last read: the receiver keeps the skipped message keys in its record.
  const sent = [];
  for (let i = 0; i < 3; i++) sent.push(await alice.encryptFor({ address: bob.jid }, text(`m${i}`)));
  await bob.decryptFrom(alice.jid, sent[2]!.type, sent[2]!.ciphertext);
  // The device's store is private to the simulator; bracket access reads the records it keeps serialized.
  const records = [alice, bob].flatMap((d) => [...d['store'].sessions.values()]);
  expect(records.length).toBe(2);
  return records;
}

/** Sender-key records as Baileys' libsignal.js stores them: a Buffer of the record's JSON. */
function realSenderKeys(): { records: unknown[]; stored: Buffer[] } {
  const own = new SenderKeyRecord();
  const pair = Curve.generateKeyPair();
  own.setSenderKeyState(1234, 0, Buffer.alloc(32, 9), pair);
  const received = new SenderKeyRecord();
  received.addSenderKeyState(77, 10, Buffer.alloc(32, 3), Buffer.concat([Buffer.from([5]), pair.public]));
  const state = received.getSenderKeyState()!;
  for (let i = 0; i < 4; i++) state.addSenderMessageKey(new SenderMessageKey(i, Buffer.alloc(32, i)));
  const records = [own.serialize(), received.serialize()];
  return { records, stored: records.map((r) => Buffer.from(JSON.stringify(r, BufferJSON.replacer))) };
}

/** Shapes a value can take that the two paths must treat alike, including ones Baileys never stores. */
function awkwardValues(): unknown[] {
  const pool = Buffer.from('0123456789abcdef');
  const withProto = Object.create(null) as Record<string, unknown>;
  withProto.a = Buffer.from([1]);
  const ownProto = JSON.parse('{"__proto__":{"x":1},"b":2}') as unknown;
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  return [
    Buffer.alloc(0),
    new Uint8Array(0),
    pool.subarray(3, 9),
    new Uint8Array(pool.buffer, pool.byteOffset + 2, 5),
    Object.assign(new Uint8Array([1, 2]), { data: [7] }),
    { type: 'Buffer', data: [1, 2, 300, -1, 1.5] },
    { type: 'Buffer', data: 'already base64?' },
    { type: 'Buffer', data: [] },
    { type: 'Buffer' },
    { type: 'Buffer', data: 0 },
    [{ type: 'Buffer', data: [9] }, Object.assign([1], { type: 'Buffer' })],
    { '0': 1, '1': 2 },
    { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('t')] },
    [1, , 3], // eslint-disable-line no-sparse-arrays
    { date: new Date(1_700_000_000_000), n: [NaN, Infinity, -0, 1e21] },
    { long: long(1_700_000_000_123), negative: long('-9223372036854775808') },
    { wrapped: [new Number(1), new String('ab'), new Boolean(false)] },
    { typed: [new Int8Array([1, -1]), new Float32Array([0.5]), new Uint8ClampedArray([3])] },
    { map: new Map([[1, 2]]), set: new Set([1]), ab: new ArrayBuffer(2) },
    { custom: { toJSON: () => Buffer.from([4, 2]) } },
    { custom: { toJSON: (key: string) => ({ key, b: Buffer.from([1]) }) } },
    withProto,
    ownProto,
    { nested: ownProto, buf: Buffer.from([1]) },
    { big: 1n },
    cyclic,
    proto.Message.AppStateSyncKeyData.fromObject({ keyData: Buffer.from([1]), timestamp: 5 }),
    () => 1,
    1n,
    undefined,
    null,
    'text',
    12.5,
    true,
  ];
}

/** Texts the reviver has rules for: Buffer objects, Uint8Arrays written as plain JSON, and look-alikes. */
const awkwardTexts = [
  '{"0":1,"1":2}',
  '{"0":1,"a":2}',
  '{"1a":255,"2":256,"0":-1.5}',
  '{" 1":1,"\\t2":2,"\\u00a03":3,"+4":4,"-5":5,"0x6":6}',
  '{"Infinity":1}',
  '{"":1}',
  '{"-":1}',
  '{"0":{"type":"Buffer","data":"AQ=="}}',
  '{"0":{"0":1}}',
  '{"0":null}',
  '{}',
  '[]',
  '[{"type":"Buffer","data":"AQ=="},{"0":7}]',
  '{"type":"Buffer","data":[1,2]}',
  '{"type":"Buffer","data":"not base64!"}',
  '{"type":"Buffer","data":""}',
  '{"type":"Buffer","data":"AQ==","extra":1}',
  '{"type":{"type":"Buffer","data":"QnVmZmVy"},"data":"AQ=="}',
  '{"__proto__":{"type":"Buffer","data":"AQ=="},"x":1}',
  '{"__proto__":{"0":1}}',
  '"just a string"',
  '42',
  'null',
  '[1,"a",null,true]',
  // Deep, though not so deep that the reviver's own recursion runs out of stack (where the walk does not).
  `${'['.repeat(500)}${']'.repeat(500)}`,
  `${'{"a":'.repeat(500)}{"0":1}${'}'.repeat(500)}`,
];

/** A small seeded generator, so a failure names a value that can be made again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'a',
  'type',
  'data',
  '0',
  '1',
  '12',
  '1a',
  ' 3',
  '-1',
  '+2',
  '_sessions',
  'pubKey',
  '__proto__',
  '',
];

function randomValue(next: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const bytes = () =>
    Buffer.from(Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)));
  const kind = Math.floor(next() * (depth > 3 ? 6 : 11));
  switch (kind) {
    case 0:
      return pick([0, 1, -1, 255, 256, 1.5, 2 ** 40, NaN, -0]);
    case 1:
      return pick(['', 'Buffer', 'AQ==', 'ünïcödé', '0']);
    case 2:
      return pick([true, false, null, undefined]);
    case 3:
      return bytes();
    case 4:
      return new Uint8Array(bytes());
    case 5: {
      const b = bytes();
      return b.subarray(Math.floor(next() * b.length));
    }
    case 6:
      return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
    case 7:
      // A Uint8Array as plain JSON.stringify writes it: integer keys, number values.
      return Object.fromEntries([...bytes()].map((b, i) => [String(i), b]));
    case 8:
      return { type: 'Buffer', data: pick([[...bytes()], bytes().toString('base64')]) };
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(next() * 5);
      for (let i = 0; i < n; i++) {
        const v = randomValue(next, depth + 1);
        Object.defineProperty(o, pick(KEYS), {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return o;
    }
  }
}

describe('key codec: the same text and values as BufferJSON replacer/reviver', () => {
  it('encodes and decodes real values of every key type exactly like the replacer and reviver', async () => {
    const sessions = await realSessions();
    const senderKeys = realSenderKeys();
    const pair = Curve.generateKeyPair();
    const samples: Record<KeyType, unknown[]> = {
      'pre-key': [pair, { public: Buffer.from(pair.public), private: Buffer.from(pair.private) }],
      session: sessions,
      'sender-key': senderKeys.stored,
      'sender-key-memory': [{ '15550000001:2@s.whatsapp.net': true, '15550000003@s.whatsapp.net': false }],
      'app-state-sync-key': [
        proto.Message.AppStateSyncKeyData.fromObject({
          keyData: Buffer.alloc(32, 1),
          fingerprint: { rawId: 42, currentIndex: 3, deviceIndexes: [0, 2] },
          timestamp: long(1_700_000_000_123),
        }),
      ],
      'app-state-sync-version': [
        {
          version: 12,
          hash: Buffer.alloc(128, 7),
          indexValueMap: {
            'bWFj+/==': { valueMac: new Uint8Array(32).fill(5) },
            AAAA: { valueMac: Buffer.alloc(32) },
          },
        },
      ],
      'lid-mapping': ['99887766554433', '15550000001'],
      'device-list': [['0', '3', '12']],
      tctoken: [{ token: Buffer.from('tok'), timestamp: '1700000000' }],
      'identity-key': [Buffer.concat([Buffer.from([5]), pair.public])],
    };
    expect(Object.keys(samples).sort()).toEqual([...KEY_TYPES].sort());
    for (const type of KEY_TYPES) {
      for (const [i, value] of samples[type].entries()) {
        const label = `${type} #${i}`;
        const text = encodeKey(value);
        expect(text, label).toBe(oldEncode(value));
        expectSameDecode(text, label);
        if (type === 'app-state-sync-key') {
          // decodeKey's protobuf conversion, from the same revived object.
          const key = decodeKey(type, text);
          const before = proto.Message.AppStateSyncKeyData.fromObject(
            oldDecode(text) as Record<string, unknown>,
          );
          expect(difference(key, before), label).toBeNull();
          expect(key.timestamp?.toString()).toBe('1700000000123');
        } else {
          expect(difference(decodeKey(type, text), oldDecode(text)), label).toBeNull();
        }
      }
    }
    // The records inside the sender-key Buffers, and the session text Baileys reads on every message.
    for (const record of senderKeys.records) expectSameEncode(record, 'sender-key record');
    for (const record of sessions) expectSameDecode(JSON.stringify(record), 'session record');
  });

  it('treats awkward shapes alike: Buffer look-alikes, toJSON, Long, Date, undefined, cycles, bigint', () => {
    for (const [i, value] of awkwardValues().entries()) {
      expectSameEncode(value, `value #${i}`);
      const text = outcome(() => oldEncode(value)).value;
      if (typeof text === 'string') expectSameDecode(text, `value #${i}`);
    }
    for (const text of awkwardTexts) expectSameDecode(text, text.slice(0, 60));
  });

  it('agrees on thousands of randomized nested values, both as stored and as plain JSON', () => {
    const next = random(20_251_205);
    for (let i = 0; i < 4000; i++) {
      const value = randomValue(next, 0);
      expectSameEncode(value, `random #${i}`);
      for (const text of [outcome(() => oldEncode(value)).value, JSON.stringify(value)]) {
        if (typeof text === 'string') expectSameDecode(text, `random #${i}`);
      }
    }
  });

  it('stores and reads the usual keys without calling the replacer or reviver', async () => {
    const replacer = vi.spyOn(BufferJSON, 'replacer');
    const reviver = vi.spyOn(BufferJSON, 'reviver');
    try {
      const pair = Curve.generateKeyPair();
      const values: Array<[KeyType, unknown]> = [
        ...(await realSessions()).map((s): [KeyType, unknown] => ['session', s]),
        ...realSenderKeys().stored.map((b): [KeyType, unknown] => ['sender-key', b]),
        ['pre-key', pair],
        ['identity-key', Buffer.from(pair.public)],
        ['app-state-sync-version', { version: 1, hash: Buffer.alloc(128), indexValueMap: {} }],
      ];
      replacer.mockClear(); // building the sender keys above used it, as Baileys does
      for (const [type, value] of values) decodeKey(type, encodeKey(value));
      expect(replacer).not.toHaveBeenCalled();
      expect(reviver).not.toHaveBeenCalled();
    } finally {
      replacer.mockRestore();
      reviver.mockRestore();
    }
  });

  it('returns fresh objects per decode, so a caller mutating one cannot change the next', () => {
    const text = encodeKey({ a: { b: Buffer.from([1]) } });
    const first = decodeKey('session', text) as unknown as { a: { b: Buffer } };
    first.a.b[0] = 9;
    first.a = { b: Buffer.from([2]) };
    expect(decodeKey('session', text)).toEqual({ a: { b: Buffer.from([1]) } });
  });
});
