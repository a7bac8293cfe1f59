// The Logs screen's feed: subscribe to `log` first, then read the tail, then merge the two so nothing that
// happened in between is lost or doubled. Live lines are batched so a chatty gateway re-renders a few times a
// second rather than once per line.
import type { OpenClawApi } from '../../shared/api';
import type { LogEntry } from '../../shared/contract';
import type { ApiError } from '../../shared/result';
import { mergeTail } from './logs-model';
import type { AppStore } from './store';

export interface LogTailOptions {
  /** How many lines to ask for at the start. */
  limit?: number;
  flushMs?: number;
  onError?(error: ApiError): void;
}

export function startLogTail(api: OpenClawApi, store: AppStore, opts: LogTailOptions = {}): () => void {
  const flushMs = opts.flushMs ?? 100;
  let loaded = false;
  let stopped = false;
  let buffer: LogEntry[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    timer = null;
    if (stopped || !loaded || buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    store.getState().appendLogs(batch);
  };

  const off = api.on('log', (entry) => {
    buffer.push(entry);
    // Bound the backlog while the tail is still loading.
    if (buffer.length > 5000) buffer.splice(0, buffer.length - 5000);
    if (loaded && timer === null) timer = setTimeout(flush, flushMs);
  });

  void api.logs.tail({ limit: opts.limit ?? 500 }).then((result) => {
    if (stopped) return;
    loaded = true;
    if (result.ok) {
      store.getState().setLogs(mergeTail(result.value.entries, buffer), result.value.file);
    } else {
      opts.onError?.(result.error);
      store.getState().appendLogs(buffer);
    }
    buffer = [];
  });

  return () => {
    stopped = true;
    off();
    if (timer) clearTimeout(timer);
  };
}
