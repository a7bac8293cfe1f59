// One account's messages.upsert, turned into batches of RawInbound for the pipeline. Upserts are converted one
// after another (LID resolution is async), so messages reach the pipeline in the order Baileys gave them.
import { WAMessageStubType, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { RawInbound } from '../inbound/types';
import { toRawInbound } from './inbound-adapter';
import { selfIdentity } from './inbound-port';

const DECRYPT_LOG_INTERVAL_MS = 10_000;

export interface InboundListenerOptions {
  accountId: string;
  log: Logger;
  onInbound?(batch: RawInbound[]): void;
  /** A message could not be decrypted (the count is in `decryptFailures`); called at most once per log interval. */
  onDecryptFailure(): void;
}

export class InboundListener {
  decryptFailures = 0;
  lastDecryptFailureAt: number | null = null;
  private loggedAt = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: InboundListenerOptions) {}

  handle(sock: WASocket, messages: WAMessage[], type: string): void {
    const onInbound = this.opts.onInbound;
    if (!onInbound) return;
    const upsertType = type === 'append' ? 'append' : 'notify';
    this.chain = this.chain.then(async () => {
      const batch: RawInbound[] = [];
      const self = selfIdentity(sock);
      for (const msg of messages) {
        const where = { accountId: this.opts.accountId, chat: msg.key.remoteJid, id: msg.key.id };
        try {
          const res = await toRawInbound(msg, {
            accountId: this.opts.accountId,
            upsertType,
            self: { pn: self.pn, lid: self.lid },
            resolvePn: (lid: string) => sock.signalRepository.lidMapping.getPNForLID(lid),
          });
          if (res.ok) batch.push(res.raw);
          else this.skipped(msg, res.skip, where);
        } catch (err) {
          this.opts.log.error({ ...where, err }, 'could not read an inbound message; it was skipped');
        }
      }
      if (batch.length > 0) onInbound(batch);
    });
  }

  /**
   * A message Baileys could not decrypt ("Bad MAC") arrives as a CIPHERTEXT stub. A burst of them must neither
   * flood the log nor pass unnoticed: they are counted into the status, and logged at most once per interval.
   */
  private skipped(msg: WAMessage, reason: string, where: Record<string, unknown>): void {
    if (msg.messageStubType !== WAMessageStubType.CIPHERTEXT) {
      this.opts.log.debug({ ...where, reason }, 'inbound message skipped');
      return;
    }
    const now = Date.now();
    this.decryptFailures += 1;
    this.lastDecryptFailureAt = now;
    if (now - this.loggedAt < DECRYPT_LOG_INTERVAL_MS) return;
    this.loggedAt = now;
    this.opts.log.warn(
      { ...where, total: this.decryptFailures, error: msg.messageStubParameters?.[0] },
      "a message could not be decrypted (the sender's phone usually resends it); more are counted in the status",
    );
    this.opts.onDecryptFailure();
  }
}
