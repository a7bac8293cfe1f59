// Test support: the client half of Baileys' Signal stack without a socket. Same pieces `makeWASocket` wires
// together (fresh creds, a key store with transaction capability, makeLibSignalRepository, the prekey upload
// node), so interop tests exercise the real client code rather than a reimplementation of it.
import {
  addTransactionCapability,
  getNextPreKeysNode,
  initAuthCreds,
  type AuthenticationCreds,
  type BinaryNode,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
  type SignalKeyStoreWithTransaction,
} from '@whiskeysockets/baileys';
import { makeLibSignalRepository } from '@whiskeysockets/baileys/lib/Signal/libsignal.js';
import type { SignalRepositoryWithLIDStore } from '@whiskeysockets/baileys/lib/Types/Signal.js';
import { pino } from 'pino';

export interface BaileysPeer {
  creds: AuthenticationCreds;
  keys: SignalKeyStoreWithTransaction;
  repository: SignalRepositoryWithLIDStore;
  /** The `<iq xmlns=encrypt type=set>` Baileys would send to upload its prekeys. */
  uploadNode: BinaryNode;
}

/** The smallest store honouring Baileys' contract: missing ids are absent from the answer, null deletes. */
export function memoryKeyStore(): SignalKeyStore {
  const data = new Map<string, Map<string, unknown>>();
  return {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const bucket = data.get(type);
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        if (bucket?.has(id)) found[id] = bucket.get(id) as SignalDataTypeMap[T];
      }
      return found;
    },
    set(changes: SignalDataSet) {
      for (const [type, entries] of Object.entries(changes)) {
        const bucket = data.get(type) ?? new Map<string, unknown>();
        data.set(type, bucket);
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) bucket.delete(id);
          else bucket.set(id, value);
        }
      }
    },
  };
}

export async function makeBaileysPeer(preKeyCount = 30): Promise<BaileysPeer> {
  const logger = pino({ level: 'silent' });
  const creds = initAuthCreds();
  const keys = addTransactionCapability(memoryKeyStore(), logger, {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 1,
  });
  const repository = makeLibSignalRepository({ creds, keys }, logger);
  const { update, node } = await keys.transaction(
    () => getNextPreKeysNode({ creds, keys }, preKeyCount),
    'upload',
  );
  Object.assign(creds, update);
  return { creds, keys, repository, uploadNode: node };
}
