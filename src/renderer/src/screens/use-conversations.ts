// The sessions and the open session's transcript as the Conversations screen sees them: `sessions.list` and
// `sessions.show` when the screen opens, on every (re)connect and when another session is picked, and each
// `sessions.turn` event while it is open. Held by the screen only: nothing is kept or listened to when it is closed.
import { useEffect, useRef, useState } from 'react';
import type { SessionSummary, Turn } from '../../../shared/contract-agent';
import type { ApiError } from '../../../shared/result';
import { useBackend } from '../backend-context';
import {
  applyTurnToSessions,
  MAX_SESSIONS,
  MAX_TURNS,
  mergeTurns,
  sortSessions,
} from '../conversations-model';
import { onEachHealth } from '../health-refresh';
import { appStore } from '../store';

export interface ConversationsView {
  loaded: boolean;
  sessions: SessionSummary[];
  error: ApiError | null;
  /** The open session's turns, oldest first ([] when none is open). */
  turns: Turn[];
  transcriptError: ApiError | null;
}

export function useConversations(selected: string | null): ConversationsView {
  const { api } = useBackend();
  const [list, setList] = useState<{ loaded: boolean; sessions: SessionSummary[]; error: ApiError | null }>({
    loaded: false,
    sessions: [],
    error: null,
  });
  const [transcript, setTranscript] = useState<{ key: string | null; turns: Turn[]; error: ApiError | null }>(
    {
      key: null,
      turns: [],
      error: null,
    },
  );
  // The event listener outlives renders; it reads the open session from here.
  const open = useRef(selected);
  open.current = selected;

  useEffect(() => {
    let live = true;
    const known = new Set<string>();
    const offTurn = api.on('sessions.turn', (turn) => {
      setList((s) => ({ ...s, sessions: applyTurnToSessions(s.sessions, turn) }));
      if (turn.sessionKey === open.current) {
        setTranscript((t) => (t.key === turn.sessionKey ? { ...t, turns: mergeTurns(t.turns, [turn]) } : t));
      }
      // A new session shows at once under a label made from its key; the gateway's list names it properly.
      if (!known.has(turn.sessionKey)) {
        known.add(turn.sessionKey);
        void refresh().catch(() => undefined);
      }
    });
    const refresh = async () => {
      const result = await api.sessions.list({ limit: MAX_SESSIONS });
      if (!live) return;
      if (result.ok) {
        for (const session of result.value.sessions) known.add(session.key);
        setList({ loaded: true, sessions: sortSessions(result.value.sessions), error: null });
      } else setList((s) => ({ ...s, loaded: true, error: result.error }));
    };
    const offHealth = onEachHealth(appStore, () => void refresh().catch(() => undefined));
    return () => {
      live = false;
      offTurn();
      offHealth();
    };
  }, [api]);

  useEffect(() => {
    if (!selected) {
      setTranscript({ key: null, turns: [], error: null });
      return;
    }
    let live = true;
    setTranscript((t) => (t.key === selected ? t : { key: selected, turns: [], error: null }));
    const refresh = async () => {
      const result = await api.sessions.show({ key: selected, limit: MAX_TURNS });
      if (!live) return;
      setTranscript((t) =>
        result.ok
          ? // Events that arrived while the call was on its way are kept: merging is by seq.
            {
              key: selected,
              turns: mergeTurns(t.key === selected ? t.turns : [], result.value.turns),
              error: null,
            }
          : { ...t, error: result.error },
      );
    };
    const offHealth = onEachHealth(appStore, () => void refresh().catch(() => undefined));
    return () => {
      live = false;
      offHealth();
    };
  }, [api, selected]);

  return {
    ...list,
    turns: transcript.key === selected ? transcript.turns : [],
    transcriptError: transcript.key === selected ? transcript.error : null,
  };
}
