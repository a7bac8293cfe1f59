// Claiming outbox items for a send: the items a chat's queue is about to write are marked `sending` and their ids
// recorded as ours (so an echo of one, should WhatsApp or Baileys ever hand it back, is never taken as inbound) in
// one commit, before the first of them is written. A claim covers every item that may leave now (the ack window's room, pacing
// and retry times allowing), so a queued burst costs one commit instead of one per item. Items claimed but not
// written (a failure stopped the burst, or the outbox stopped) are released: pending again, the attempt uncounted.
// A crash before that leaves them `sending`, which a restart resends under the same ids like any item in flight.
import type Database from 'better-sqlite3';
import { recordSent } from '../store/queries/inbox';
import { markHeld, markSending, type OutboxRow } from '../store/queries/outbox';

export interface Claims {
  claim(rows: readonly OutboxRow[], at: number): void;
  release(rows: readonly OutboxRow[]): void;
}

/** Built once per outbox: db.transaction() makes new wrapper functions on every call. */
export function makeClaims(db: Database.Database): Claims {
  return {
    claim: db.transaction((rows: readonly OutboxRow[], at: number) => {
      for (const row of rows) {
        markSending(db, row.seq);
        recordSent(db, row.account, row.message_id, row.chat, at);
      }
    }),
    release: db.transaction((rows: readonly OutboxRow[]) => {
      for (const row of rows) markHeld(db, row.seq);
    }),
  };
}
