// The storages Baileys makes for a socket are found while it is made, and once released no promise of the process
// carries them any more (what each enabled one costs before Node 24: a visit by an async hook per promise).
import { AsyncLocalStorage } from 'node:async_hooks';
import { addTransactionCapability, type SignalKeyStore } from '@whiskeysockets/baileys';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { recordStorages, releaseStorages } from './socket-storages';
import { PER_PROMISE_HOOK, storagesOnNewPromises } from '../../../test/support/storages';

const store: SignalKeyStore = { get: async () => ({}), set: async () => undefined };
const options = { maxCommitRetries: 1, delayBetweenTriesMs: 0 };

describe('recordStorages / releaseStorages', () => {
  it("records Baileys' transaction storage, and its release takes it off every new promise", async () => {
    const before = await storagesOnNewPromises();
    const made = Array.from({ length: 5 }, () =>
      recordStorages(() => addTransactionCapability(store, pino({ level: 'silent' }), options)),
    );
    for (const { value: keys, storages } of made) {
      expect(storages).toHaveLength(1);
      expect(storages[0]).toBeInstanceOf(AsyncLocalStorage);
      await keys.transaction(async () => keys.get('session', ['x']), 'k');
    }
    // Enabled by their transactions: on Node 20 every new promise visits all five (none on Node 24).
    expect(await storagesOnNewPromises()).toBe(PER_PROMISE_HOOK ? before + 5 : 0);
    for (const { storages } of made) releaseStorages(storages);
    expect(await storagesOnNewPromises()).toBe(before);
    // Outside a recording, AsyncLocalStorage is Node's own again.
    expect(Object.getPrototypeOf(new AsyncLocalStorage())).toBe(AsyncLocalStorage.prototype);
  });

  it('puts AsyncLocalStorage back when making the socket throws', () => {
    expect(() =>
      recordStorages(() => {
        new AsyncLocalStorage();
        throw new Error('no socket');
      }),
    ).toThrow('no socket');
    expect(Object.getPrototypeOf(new AsyncLocalStorage())).toBe(AsyncLocalStorage.prototype);
  });
});
