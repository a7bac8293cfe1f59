// A creds.json write can fail for reasons outside the gateway (a full disk, a folder made read-only, creds.json
// replaced by a directory). Baileys fires creds.update and moves on, so a failed write must never become an
// unhandled rejection or a failed shutdown: it is logged with the path and code, shown in the account's status,
// and retried on a bounded backoff. The backup still holds the last good copy meanwhile.
import type { AuthenticationCreds } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { CredsFile } from './creds-file';

/** Retries after a failed write; past the last one the newest creds wait for the next save or the shutdown. */
export const CREDS_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 5_000, 15_000, 30_000];

export class RetryingCredsWriter {
  /** Why the newest creds are not on disk; undefined once a write succeeds. */
  error: string | undefined;
  private retries = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly file: CredsFile,
    private readonly log: Logger,
    private readonly delays: readonly number[] = CREDS_RETRY_DELAYS_MS,
  ) {}

  /** Resolves once this content (or newer) is on disk or the failure is recorded; never rejects. */
  save(creds: AuthenticationCreds): Promise<void> {
    return this.attempt(this.file.save(creds));
  }

  /** Shutdown: no more retries, one last attempt at content a failed write left behind; never rejects. */
  async close(): Promise<void> {
    this.cancel();
    await this.attempt(this.file.flush());
  }

  /** Stops retrying (logout removes the files; a retry would have nothing to write). */
  cancel(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private attempt(write: Promise<void>): Promise<void> {
    return write.then(
      () => this.succeeded(),
      (err: unknown) => this.failed(err),
    );
  }

  private succeeded(): void {
    if (this.error) this.log.info({ file: this.file.file }, 'WhatsApp credentials saved again');
    this.error = undefined;
    this.retries = 0;
  }

  private failed(err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message ?? String(err);
    this.error = `cannot save ${this.file.file}: ${code}`;
    const fields = { file: this.file.file, code, retries: this.retries };
    if (this.closed) {
      this.log.error(fields, `${this.error}; the newest WhatsApp credentials were not saved before stopping`);
      return;
    }
    if (this.timer) return; // a retry is already scheduled and will write the newest content
    const delay = this.delays[this.retries];
    if (delay === undefined) {
      this.log.error(fields, `${this.error}; no more retries until the credentials change again`);
      return;
    }
    this.retries += 1;
    this.log.warn({ ...fields, retryInMs: delay }, `${this.error}; retrying in ${delay / 1000} s`);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt(this.file.flush());
    }, delay);
    // Shutdown clears it (close); it must not be what keeps a process alive either.
    this.timer.unref();
  }
}
