// Durable before sent. Baileys encrypts a message inside one key transaction (Socket/messages-send.js,
// relayMessage) and commits that transaction only after the stanza has gone out: the Signal state the encryption
// advanced (a session just built from a prekey bundle, a sending chain one step on, the group's sender key) is on
// disk only after the contact may already have it. A gateway killed in between restarts with the older state: the
// contact replies on a session the gateway no longer has ("No matching sessions", the reply lost until the phone
// retries), and a group's next message reuses a sender-key step its members already consumed.
//
// So each encryption's result is written to the key store as the encryption returns, before relayMessage can send:
// the record as the transaction holds it (its cache, read back in the same transaction), in a write of its own.
// Baileys' commit later carries the same values; the key store leaves those out (key-store.ts), so a send costs one
// write per encryption, and its commit cannot put back a state that a decryption has moved on since. If the send
// then fails, the state is ahead of what left, which Signal takes in its stride (a skipped counter, a new session's
// first message); the reverse is what broke.
import { jidDecode, type SignalKeyStoreWithTransaction, type SocketConfig } from '@whiskeysockets/baileys';
import type { SqliteKeyStore } from './auth/key-store';

type MakeRepository = SocketConfig['makeSignalRepository'];
type Repository = ReturnType<MakeRepository>;

/**
 * The session ids libsignal's storage files `jid` under: its LID address once the PN is mapped (libsignal.js,
 * resolveLIDSignalAddress). The mapping is read from the key store, never asked of the server as getLIDForPN would
 * for a PN it does not know: the encryption just resolved it, so a mapping it found is stored by now.
 */
async function sessionIds(
  repo: Repository,
  keys: SignalKeyStoreWithTransaction,
  jid: string,
): Promise<string[]> {
  const own = repo.jidToSignalProtocolAddress(jid);
  const decoded = jidDecode(jid);
  if (!decoded || (decoded.server !== 's.whatsapp.net' && decoded.server !== 'hosted')) return [own];
  const { [decoded.user]: lidUser } = await keys.get('lid-mapping', [decoded.user]);
  if (typeof lidUser !== 'string' || !lidUser) return [own];
  const device = decoded.device ? `:${decoded.device}` : '';
  const lid = `${lidUser}${device}@${decoded.server === 'hosted' ? 'hosted.lid' : 'lid'}`;
  return [repo.jidToSignalProtocolAddress(lid), own];
}

/** The sender-key id of `meId` in `group`, as Baileys' SenderKeyName serializes it. */
function senderKeyId(repo: Repository, group: string, meId: string): string {
  const address = repo.jidToSignalProtocolAddress(meId);
  const dot = address.lastIndexOf('.');
  return `${group}::${address.slice(0, dot)}::${address.slice(dot + 1)}`;
}

/** Wraps `make` so that every encryption's Signal state is in `store` before the message can be sent. */
export function durableSends(make: MakeRepository, store: SqliteKeyStore): MakeRepository {
  return (auth, logger, pnToLid) => {
    const repo = make(auth, logger, pnToLid);
    // makeWASocket's transaction-capable wrapper of `store`: inside relayMessage's transaction its get() answers
    // from the transaction's cache, which holds what the encryption just wrote.
    const keys = auth.keys as SignalKeyStoreWithTransaction;
    return {
      ...repo,
      encryptMessage: async (args) => {
        const result = await repo.encryptMessage(args);
        // Outside a transaction of a send, the encryption's own transaction has committed already.
        if (keys.isInTransaction()) {
          const session = await keys.get('session', await sessionIds(repo, keys, args.jid));
          if (Object.keys(session).length > 0) store.persist({ session });
        }
        return result;
      },
      encryptGroupMessage: async (args) => {
        const result = await repo.encryptGroupMessage(args);
        if (keys.isInTransaction()) {
          const id = senderKeyId(repo, args.group, args.meId);
          store.persist({ 'sender-key': await keys.get('sender-key', [id]) });
        }
        return result;
      },
    };
  };
}
