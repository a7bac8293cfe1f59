// Why this exists: Baileys (rc14, Socket/messages-send.js, getUSyncDevices) answers every device query that returns
// a contact's LID with a forced session refresh (assertSessions(lids, true): "for newly mapped LIDs", but it runs
// for every LID, mapped long ago or not). Its device cache lives in memory for five minutes, so after every restart,
// and every five minutes of conversation, each contact the gateway writes to gets a brand-new session: one of their
// one-time prekeys used up, the open session closed on both sides, the next message a prekey message again. Peers'
// users see it as constant renegotiation and Bad MAC bursts (Baileys issue #2340), and it is what made a resend
// after a crash land on a session the contact never got (session-trial.ts).
//
// Here a bundle fetched by that device query is not built into a session when the contact's address already has an
// open session with the same identity key: there is nothing to align. A new identity (the contact reinstalled)
// still gets its new session, and so does every other forced refresh, such as the one Baileys runs when a contact's
// phone asks for a message again because it could not decrypt it. Which caller asked is read off the async stack;
// should a Baileys upgrade rename the function, every refresh goes through as before (test/session-refresh.test.ts
// would say so).
import type { SignalKeyStoreWithTransaction, SocketConfig } from '@whiskeysockets/baileys';
import { requireAsBaileys } from './baileys-require';

type MakeRepository = SocketConfig['makeSignalRepository'];
type Repository = ReturnType<MakeRepository>;
type Bundle = Parameters<Repository['injectE2ESession']>[0]['session'];

interface SessionRecordClass {
  deserialize(data: unknown): {
    getOpenSession(): { indexInfo: { remoteIdentityKey: Buffer } } | undefined;
  };
}

/** The Baileys function whose forced refreshes this skips. */
const DEVICE_QUERY = 'getUSyncDevices';

function fromDeviceQuery(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  try {
    return new Error().stack?.includes(` ${DEVICE_QUERY} `) ?? false;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** libsignal's SessionRecord as Baileys loads it, resolved on first use (the resolution walks the module paths). */
let sessionRecord: SessionRecordClass | undefined;

/** Whether `address` has an open session with the identity that `bundle` carries. */
async function sameOpenSession(
  keys: SignalKeyStoreWithTransaction,
  address: string,
  bundle: Bundle,
): Promise<boolean> {
  const { [address]: data } = await keys.get('session', [address]);
  if (!data) return false;
  sessionRecord ??= (requireAsBaileys('libsignal') as { SessionRecord: SessionRecordClass }).SessionRecord;
  const open = sessionRecord.deserialize(data).getOpenSession();
  return !!open && Buffer.from(bundle.identityKey).equals(open.indexInfo.remoteIdentityKey);
}

/** Wraps `make` so that a device query's forced refresh keeps a contact's open session of the same identity. */
export function keepOpenSessions(make: MakeRepository): MakeRepository {
  return (auth, logger, pnToLid) => {
    const repo = make(auth, logger, pnToLid);
    const keys = auth.keys as SignalKeyStoreWithTransaction;
    return {
      ...repo,
      injectE2ESession: async (args) => {
        if (fromDeviceQuery()) {
          const address = repo.jidToSignalProtocolAddress(args.jid);
          if (await sameOpenSession(keys, address, args.session)) {
            logger.debug(
              { jid: args.jid },
              'kept the open session: the device query found the same identity',
            );
            return;
          }
        }
        return repo.injectE2ESession(args);
      },
    };
  };
}
