// The Baileys socket of one account, with the gateway's Signal repository: each decrypted message is in state.db
// before Baileys sends its delivery receipt (durable-intake.ts), and what each send advanced is there before its
// stanza leaves (durable-sends.ts); a device query does not replace an open session of the same identity
// (session-refresh.ts). The storages Baileys makes for it are returned, to be released once it is over
// (socket-storages.ts).
import makeWASocket, { type UserFacingSocketConfig, type WASocket } from '@whiskeysockets/baileys';
import type { GatewayAuthState } from './auth/auth-state';
import type { BaileysLogger } from './baileys-log';
import type { DurableIntake } from './durable-intake';
import { durableSends } from './durable-sends';
import { keepOpenSessions } from './session-refresh';
import { recordStorages } from './socket-storages';

export function makeAccountSocket(
  options: Partial<UserFacingSocketConfig>,
  auth: GatewayAuthState,
  logger: BaileysLogger,
  intake: DurableIntake,
): ReturnType<typeof recordStorages<WASocket>> {
  return recordStorages(() =>
    makeWASocket({
      ...options,
      auth: auth.state,
      logger,
      makeSignalRepository: durableSends(
        keepOpenSessions(intake.repository(options.makeSignalRepository)),
        auth.keys,
      ),
    }),
  );
}
