// What the gateway composes for pairing: the store's functions plus the side effects that belong with them (push
// events for the UI and tray, log lines, the confirmation to an approved sender). No timers of its own: the gateway
// decides when to sweep, so stopping the gateway leaves nothing running.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { GatewayError } from '../errors';
import type { ApprovedSender, EventPayload, PairingRequest, PairingSnapshot } from '../../shared/contract';
import {
  approvePairing,
  denyPairing,
  expirePairing,
  importLegacyAllowFrom,
  isApproved,
  listPairing,
  publicRequest,
  requestPairing,
  revokeSender,
  type LegacyImportResult,
  type RequestPairingOutcome,
  type StoredPairingRequest,
} from './pairing-store';

export const DEFAULT_PAIRING_CONFIRMATION =
  'You’re approved! Send a message any time and the assistant will answer.';

export type PairingEvent = 'pairing.changed' | 'pairing.requested';

export interface PairingServiceOptions {
  db: Database.Database;
  log: Logger;
  now?: () => number;
  emit<E extends PairingEvent>(event: E, payload: EventPayload<E>): void;
  /**
   * Sends the confirmation to an approved sender on `request.chat`; false when nothing was sent (the account is
   * not connected, or the configured confirmation is "").
   */
  confirm(accountId: string, request: StoredPairingRequest): Promise<boolean>;
  /** Where `revoke` acts when no account is named: the config's default account. */
  defaultAccount(): string;
}

export class PairingService {
  private readonly db: Database.Database;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly opts: PairingServiceOptions) {
    this.db = opts.db;
    this.log = opts.log;
    this.now = opts.now ?? Date.now;
  }

  /** Called for a direct message from an unknown sender under dmPolicy "pairing"; `text` is what they wrote. */
  request(input: {
    account: string;
    sender: string;
    name?: string;
    chat: string;
    text?: string;
  }): RequestPairingOutcome {
    // Expired requests go first (with their own event), so they neither count toward the cap nor linger in the UI.
    this.sweep();
    const outcome = requestPairing(this.db, { ...input, now: this.now() });
    switch (outcome.kind) {
      case 'created':
        this.log.info(
          { accountId: input.account, sender: input.sender, code: outcome.request.code },
          `pairing request from ${input.sender} on account "${input.account}"`,
        );
        this.opts.emit('pairing.requested', publicRequest(outcome.request));
        this.changed();
        break;
      case 'existing':
        this.log.debug(
          { accountId: input.account, sender: input.sender },
          'sender already has a pending pairing request; no new code',
        );
        break;
      case 'cap':
        this.log.warn(
          { accountId: input.account, sender: input.sender, pending: outcome.pending },
          `account "${input.account}" already has ${outcome.pending} pending pairing requests; no code was issued to ${input.sender}`,
        );
        break;
    }
    return outcome;
  }

  async approve(
    code: string,
    accountId?: string,
  ): Promise<{ approved: ApprovedSender; confirmationSent: boolean }> {
    const { request, approved } = this.expiring(() =>
      approvePairing(this.db, { account: accountId, code, now: this.now() }),
    );
    this.log.info(
      { accountId: approved.accountId, sender: approved.sender },
      `approved ${approved.sender} on account "${approved.accountId}"`,
    );
    this.changed();
    let confirmationSent = false;
    try {
      confirmationSent = await this.opts.confirm(approved.accountId, request);
    } catch (err) {
      // The approval stands either way; the owner can tell the sender themselves.
      this.log.warn(
        { accountId: approved.accountId, sender: approved.sender, err: (err as Error).message },
        'the pairing confirmation could not be sent',
      );
    }
    return { approved, confirmationSent };
  }

  deny(code: string, accountId?: string): { denied: PairingRequest } {
    const denied = publicRequest(
      this.expiring(() => denyPairing(this.db, { account: accountId, code, now: this.now() })),
    );
    this.log.info(
      { accountId: denied.accountId, sender: denied.sender },
      `denied the pairing request from ${denied.sender}`,
    );
    this.changed();
    return { denied };
  }

  revoke(sender: string, accountId?: string): { accountId: string; sender: string; removed: boolean } {
    const account = accountId ?? this.opts.defaultAccount();
    const removed = revokeSender(this.db, { account, sender });
    if (removed) {
      this.log.info({ accountId: account, sender }, `revoked ${sender} on account "${account}"`);
      this.changed();
    }
    return { accountId: account, sender, removed };
  }

  list(accountId?: string): PairingSnapshot {
    // Expiring here (rather than silently inside listPairing) tells every subscriber what went away.
    this.sweep();
    return listPairing(this.db, { account: accountId, now: this.now() });
  }

  isApproved(accountId: string, sender: string): boolean {
    return isApproved(this.db, accountId, sender);
  }

  /** Drops expired requests; returns how many. Cheap enough to call on every inbound message or once a minute. */
  sweep(): number {
    const expired = expirePairing(this.db, this.now());
    if (expired > 0) {
      this.log.info({ expired }, `${expired} pairing request(s) expired`);
      this.changed();
    }
    return expired;
  }

  /** Imports a reference install's approved senders for one account (once per file; see pairing-legacy.ts). */
  importLegacy(input: { credentialsDir: string; accountId: string; isDefault: boolean }): LegacyImportResult {
    const result = importLegacyAllowFrom(this.db, { ...input, now: this.now(), log: this.log });
    if (result.imported.length > 0) this.changed();
    return result;
  }

  /** An expired code is deleted as it is refused; subscribers hear of that like of any other change. */
  private expiring<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof GatewayError && err.code === 'pairing.code_expired') this.changed();
      throw err;
    }
  }

  private changed(): void {
    this.opts.emit('pairing.changed', this.list());
  }
}

/** What an unknown sender receives: enough to get themselves approved without knowing anything about OpenClaw. */
export function pairingReplyText(input: {
  sender: string;
  code: string;
  accountId: string;
  isDefaultAccount: boolean;
}): string {
  const command = `openclaw pairing approve whatsapp ${input.code}${input.isDefaultAccount ? '' : ` --account ${input.accountId}`}`;
  return [
    'Hi! This assistant only answers people its owner has approved.',
    '',
    `Your number: ${input.sender}`,
    `Pairing code: ${input.code} (expires in 1 hour)`,
    '',
    'Ask the owner to approve you by running:',
    command,
  ].join('\n');
}
