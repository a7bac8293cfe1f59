// A stream that stops sending is not an answer that is slow: without a watchdog a stalled server would hold a run
// until the whole-run timeout (10 minutes by default). Each chunk re-arms the timer; silence past the limit aborts
// the request and the call reports a timeout.

export class StreamWatchdog {
  private readonly idle = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** Aborts on the caller's signal or on silence, whichever comes first; hand this one to the SDK. */
  readonly signal: AbortSignal;

  constructor(
    readonly idleMs: number,
    parent?: AbortSignal,
  ) {
    this.signal = parent ? AbortSignal.any([parent, this.idle.signal]) : this.idle.signal;
    this.touch();
  }

  /** True when the silence limit, not the caller, ended the request. */
  get stalled(): boolean {
    return this.idle.signal.aborted;
  }

  /** Data arrived: the silence starts over. */
  touch(): void {
    clearTimeout(this.timer);
    if (this.idle.signal.aborted) return;
    this.timer = setTimeout(() => this.idle.abort(new Error('stream idle')), this.idleMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
