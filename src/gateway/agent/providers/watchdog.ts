// A stream that stops sending is not an answer that is slow: without a watchdog a stalled server would hold a run
// until the whole-run timeout (10 minutes by default). Silence past the limit aborts the request and the call
// reports a timeout. A chunk only notes the time: one timer checks it when it is due and waits out the rest of the
// limit if data came meanwhile, rather than a timer cleared and set again for each of hundreds of chunks.

export class StreamWatchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private lastData = 0;
  private idled = false;
  /** Aborts on the caller's signal or on silence, whichever comes first; hand this one to the SDK. */
  readonly signal: AbortSignal;

  constructor(
    readonly idleMs: number,
    private readonly parent?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    // A listener, not AbortSignal.any: that one is kept for the garbage collector to sort out, per request.
    if (parent?.aborted) this.controller.abort(parent.reason);
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
    this.lastData = performance.now();
    if (!this.signal.aborted) this.arm(idleMs);
  }

  /** True when the silence limit, not the caller, ended the request. */
  get stalled(): boolean {
    return this.idled;
  }

  /** Data arrived: the silence starts over. */
  touch(): void {
    this.lastData = performance.now();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.check, ms);
  }

  private readonly check = (): void => {
    this.timer = undefined;
    if (this.signal.aborted) return;
    const quiet = performance.now() - this.lastData;
    if (quiet < this.idleMs) return this.arm(this.idleMs - quiet);
    this.idled = true;
    this.controller.abort(new Error('stream idle'));
  };

  private readonly onParentAbort = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller.abort(this.parent!.reason);
  };
}
