// Where pairing meets the accounts: the confirmation an approved sender receives, and the one-time import of
// approvals a reference install kept in files.
import path from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_PAIRING_CONFIRMATION, type PairingService } from '../access/pairing-service';
import type { StoredPairingRequest } from '../access/pairing-store';
import { defaultAccountId, listAccountIds, resolveAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import type { ReplyPort } from './port';

/**
 * Tells an approved sender they are in, through the outbox (held until a reconnect if the account is briefly
 * down); false when confirmations are off ("") or the account is not linked, so nothing could ever deliver it.
 */
export function sendPairingConfirmation(
  cfg: OpenClawConfig,
  replies: ReplyPort,
  linked: (accountId: string) => boolean,
  stateDir: string,
  accountId: string,
  request: StoredPairingRequest,
): Promise<boolean> {
  const text = resolveAccount(cfg, accountId, stateDir).pairingConfirmation ?? DEFAULT_PAIRING_CONFIRMATION;
  if (text === '' || !linked(accountId)) return Promise.resolve(false);
  replies.sendText(accountId, request.chat, text);
  return Promise.resolve(true);
}

export function importLegacyPairing(
  pairing: PairingService,
  cfg: OpenClawConfig,
  stateDir: string,
  log: Logger,
): void {
  const defaultId = defaultAccountId(cfg);
  for (const accountId of listAccountIds(cfg)) {
    try {
      pairing.importLegacy({
        credentialsDir: path.join(stateDir, 'credentials'),
        accountId,
        isDefault: accountId === defaultId,
      });
    } catch (err) {
      log.warn({ accountId, err }, 'could not import approved senders from a previous install');
    }
  }
}
