// The Baileys socket of one account, with the gateway's Signal repository: each decrypted message is in state.db
// before Baileys sends its delivery receipt (durable-intake.ts), and what each send advanced is there before its
// stanza leaves (durable-sends.ts); a device query does not replace an open session of the same identity
// (session-refresh.ts). The storages Baileys makes for it are returned, to be released once it is over
// (socket-storages.ts).
//
// Baileys' connectTimeoutMs bounds the connect, and also every frame the socket writes: each frame pays a timer, two
// captured stack traces and an error built only to cancel that timer, about a fifth of the CPU of a group backlog
// (bench/group.bench.ts). So the socket gets 0 (Baileys then adds no timeout) and the account bounds the connect
// itself: a socket that has neither opened nor shown a QR code within CONNECT_TIMEOUT_MS ends with connectTimedOut(),
// the 408 Baileys would have given. Once the handshake is done Baileys' keep-alive ends a connection that stops
// answering, and the outbox times out its own sends.
import makeWASocket, {
  DisconnectReason,
  type UserFacingSocketConfig,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { GatewayAuthState } from './auth/auth-state';
import type { BaileysLogger } from './baileys-log';
import type { DurableIntake } from './durable-intake';
import { durableSends } from './durable-sends';
import { keepOpenSessions } from './session-refresh';
import { recordStorages } from './socket-storages';

/** Baileys' own default connectTimeoutMs. */
export const CONNECT_TIMEOUT_MS = 20_000;

/**
 * The error a socket is ended with when its connect took too long: shaped as Baileys' timeout (a 408 in
 * `output.statusCode`, the cause in `data`), so the account words it as a host it cannot reach (lifecycle.ts).
 */
export function connectTimedOut(ms: number): Error {
  return Object.assign(new Error('Connection timed out'), {
    output: { statusCode: DisconnectReason.timedOut },
    data: new Error(`WhatsApp did not answer the connection within ${ms / 1000} s (timed out)`),
  });
}

export function makeAccountSocket(
  options: Partial<UserFacingSocketConfig>,
  auth: GatewayAuthState,
  logger: BaileysLogger,
  intake: DurableIntake,
): ReturnType<typeof recordStorages<WASocket>> {
  return recordStorages(() =>
    makeWASocket({
      ...options,
      connectTimeoutMs: 0,
      auth: auth.state,
      logger,
      makeSignalRepository: durableSends(
        keepOpenSessions(intake.repository(options.makeSignalRepository)),
        auth.keys,
      ),
    }),
  );
}
