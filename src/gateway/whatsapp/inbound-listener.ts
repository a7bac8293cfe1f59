// One account's messages.upsert, turned into batches of RawInbound for the pipeline. Upserts are converted one
// after another (LID resolution is async), so messages reach the pipeline in the order Baileys gave them. Messages
// decrypted and acknowledged before a crash but never taken in (durable-intake.ts) go first when a socket starts.
import { WAMessageStubType, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { RawInbound } from '../inbound/types';
import { BacklogFlush } from './backlog-flush';
import { DurableIntake } from './durable-intake';
import { toRawInbound } from './inbound-adapter';
import { selfIdentity } from './inbound-port';

const DECRYPT_LOG_INTERVAL_MS = 10_000;

export interface InboundListenerOptions {
  accountId: string;
  log: Logger;
  /** Where decrypted messages are kept until they have been through intake (durable-intake.ts). */
  db: Database.Database;
  /** False when the batch could not be stored: its intake rows then stay unhandled, to be rebuilt later. */
  onInbound?(batch: RawInbound[]): boolean | void;
  /** A message could not be decrypted (the count is in `decryptFailures`); called at most once per log interval. */
  onDecryptFailure(): void;
}

export class InboundListener {
  decryptFailures = 0;
  lastDecryptFailureAt: number | null = null;
  private loggedAt = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Pass `intake.repository()` as makeWASocket's makeSignalRepository. */
  readonly intake: DurableIntake;
  private readonly backlog = new BacklogFlush();

  constructor(private readonly opts: InboundListenerOptions) {
    this.intake = new DurableIntake(opts.db, opts.accountId, opts.log, () => this.backlog.decrypted());
  }

  /** A new socket: its stanzas are captured from the first frame, and messages a crash left behind go first. */
  attach(sock: WASocket): void {
    this.intake.capture(sock);
    this.backlog.watch(sock);
    this.chain = this.chain.then(async () => {
      try {
        for (const { messages, type } of await this.intake.rebuild(sock))
          await this.take(sock, messages, type);
      } catch (err) {
        this.opts.log.error({ accountId: this.opts.accountId, err }, 'could not take in stored messages');
      }
      this.intake.prune();
    });
  }

  handle(sock: WASocket, messages: WAMessage[], type: string): void {
    this.chain = this.chain
      .then(() => this.take(sock, messages, type))
      // One upsert that fails must not stop the chain for every later one.
      .catch((err: unknown) =>
        this.opts.log.error({ accountId: this.opts.accountId, err }, 'could not take in inbound messages'),
      );
  }

  private async take(sock: WASocket, messages: WAMessage[], type: string): Promise<void> {
    const onInbound = this.opts.onInbound;
    if (onInbound) {
      const upsertType = type === 'append' ? 'append' : 'notify';
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
      // Not stored (a database error, logged by the pipeline): the rows stay unhandled, so the next socket start
      // rebuilds these messages from their stored plaintext instead of losing them.
      if (batch.length > 0 && onInbound(batch) === false) return;
    }
    // Stored (or deliberately skipped) now: their plaintexts only answer redeliveries from here on.
    this.intake.handled(messages.flatMap((m) => (m.key.id ? [m.key.id] : [])));
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
