// What became of the listed messages (`inbound.outcomes`), asked again when the list changes and after each turn
// the agent stores (a run that finishes changes its messages' outcomes). A gateway without the agent has no
// outcomes: the map stays empty and the rows show none.
import { useEffect, useState } from 'react';
import type { MessageOutcome } from '../../../shared/contract-agent';
import { useBackend } from '../backend-context';

export function useOutcomes(seqs: readonly number[]): Map<number, MessageOutcome> {
  const { api } = useBackend();
  const [outcomes, setOutcomes] = useState<Map<number, MessageOutcome>>(() => new Map());
  const key = seqs.join(',');

  useEffect(() => {
    if (!key) return;
    const wanted = key.split(',').map(Number);
    let live = true;
    let inFlight = false;
    let again = false;
    const refresh = async () => {
      // One call at a time; turns that land meanwhile ask for one more afterwards, not one each.
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      const result = await api.inbound.outcomes({ seqs: wanted });
      inFlight = false;
      if (!live) return;
      if (result.ok) setOutcomes(new Map(result.value.outcomes.map((o) => [o.acceptedSeq, o])));
      if (again) {
        again = false;
        void refresh().catch(() => undefined);
      }
    };
    void refresh().catch(() => undefined);
    const offTurn = api.on('sessions.turn', () => void refresh().catch(() => undefined));
    const offStatus = api.on('agent.status', () => void refresh().catch(() => undefined));
    return () => {
      live = false;
      offTurn();
      offStatus();
    };
  }, [api, key]);

  return outcomes;
}
