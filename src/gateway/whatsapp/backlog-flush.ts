// Baileys holds the messages of an offline backlog in its event buffer and lets them out on a 100 ms timer
// (Utils/event-buffer.js, flushPendingTimeout): a backlog's last messages sit decrypted, stored and acknowledged
// for up to 100 ms before the gateway hears of them (five 400-message backlogs here: 5, 21, 26, 96 and 97 ms
// between the last decryption and the last upsert). Buffering is there to merge events while a burst is being
// processed; once decryptions go quiet there is nothing left to merge, so the buffer is flushed then. A flush that
// comes early (a pause inside a burst) only makes one batch into two; one that comes before the last message's
// upsert leaves that message to Baileys' own timer, as before.
import type { WASocket } from '@whiskeysockets/baileys';

/** How long decryptions must be quiet: far above the gap between two messages of a burst (~0.5 ms). */
export const QUIET_MS = 2;

export class BacklogFlush {
  private sock: WASocket | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** The socket whose buffer is flushed; released when it ends. */
  watch(sock: WASocket): void {
    this.stop();
    this.sock = sock;
    sock.registerSocketEndHandler(() => {
      if (this.sock === sock) this.stop();
    });
  }

  /** A decryption finished: the flush waits until none has for QUIET_MS. One timer, re-armed. */
  decrypted(): void {
    if (!this.sock) return;
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.fire(), QUIET_MS).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sock = null;
  }

  private fire(): void {
    this.timer = null;
    if (this.sock?.ev.isBuffering()) this.sock.ev.flush();
  }
}
