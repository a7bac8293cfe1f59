// The outbox as the Outbox screen sees it: `outbox.list` when the screen opens and on every (re)connect (to fill in
// what changed while the link was down), and each `outbox.changed` event while it is open. Held by the screen only:
// nothing is kept or listened to when the screen is closed.
import { useCallback, useEffect, useState } from 'react';
import type { OutboxItem } from '../../../shared/contract';
import type { ApiError } from '../../../shared/result';
import { useBackend } from '../backend-context';
import { onEachHealth } from '../health-refresh';
import { MAX_OUTBOX_ITEMS, mergeItems } from '../outbox-model';
import { appStore } from '../store';

export interface OutboxView {
  loaded: boolean;
  items: OutboxItem[];
  error: ApiError | null;
  /** Retries or cancels an item; resolves with the gateway's error, or null when it did it. */
  act(action: 'retry' | 'cancel', seq: number): Promise<ApiError | null>;
}

export function useOutbox(): OutboxView {
  const { api } = useBackend();
  const [state, setState] = useState<{ loaded: boolean; items: OutboxItem[]; error: ApiError | null }>({
    loaded: false,
    items: [],
    error: null,
  });

  useEffect(() => {
    let live = true;
    const add = (items: OutboxItem[], loaded = false) =>
      setState((s) => ({
        loaded: s.loaded || loaded,
        items: mergeItems(s.items, items),
        error: loaded ? null : s.error,
      }));
    const offChanged = api.on('outbox.changed', (item) => add([item]));
    const refresh = async () => {
      const result = await api.outbox.list({ limit: MAX_OUTBOX_ITEMS });
      if (!live) return;
      if (result.ok) add(result.value.items, true);
      else setState((s) => ({ ...s, error: result.error }));
    };
    const offHealth = onEachHealth(appStore, () => void refresh().catch(() => undefined));
    return () => {
      live = false;
      offChanged();
      offHealth();
    };
  }, [api]);

  const act = useCallback(
    async (action: 'retry' | 'cancel', seq: number): Promise<ApiError | null> => {
      const result = await (action === 'retry' ? api.outbox.retry({ seq }) : api.outbox.cancel({ seq }));
      if (!result.ok) return result.error;
      setState((s) => ({ ...s, items: mergeItems(s.items, [result.value]) }));
      return null;
    },
    [api],
  );

  return { ...state, act };
}
