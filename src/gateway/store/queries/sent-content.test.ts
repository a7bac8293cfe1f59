import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore, type Store } from '../db';
import { pruneSentContent, sentContent, storeSentContent } from './sent-content';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const sent = (id: string, bytes: number[], account = 'acc') => ({
  account,
  messageId: id,
  chat: 'c@s.whatsapp.net',
  content: Uint8Array.from(bytes),
});

it('keeps each account’s messages apart, and a resend under the same id replaces the content', () => {
  const db = store.db;
  storeSentContent(db, sent('A', [1]), 0);
  storeSentContent(db, sent('A', [9], 'other'), 0);
  expect(sentContent(db, 'acc', 'A')).toEqual(Buffer.from([1]));
  expect(sentContent(db, 'other', 'A')).toEqual(Buffer.from([9]));
  expect(sentContent(db, 'acc', 'B')).toBeUndefined();
  storeSentContent(db, sent('A', [2, 3]), 5);
  expect(sentContent(db, 'acc', 'A')).toEqual(Buffer.from([2, 3]));
});

it('drops what is past its age, then the oldest past the row bound', () => {
  const db = store.db;
  for (let i = 0; i < 6; i++) storeSentContent(db, sent(`M${i}`, [i]), i * 100);
  // Kept 250 ms: at 400, M0 and M1 (sent before 150) go; of the rest, only the newest 3 stay.
  expect(pruneSentContent(db, 400, 250, 3)).toBe(3);
  expect(['M0', 'M1', 'M2', 'M3', 'M4', 'M5'].filter((id) => sentContent(db, 'acc', id))).toEqual([
    'M3',
    'M4',
    'M5',
  ]);
});
