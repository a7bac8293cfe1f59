// Feeds the gateway's metrics from what it already says: the events every UI sees (outbox.changed,
// channels.state), the durable inbox (inbound counts and reasons, read at each scrape), the accounts' status
// (state, decrypt failures) and every model request's attempts, observed by wrapping the registry's complete()
// so no agent code changes. Kept out of gateway.ts, which only passes the parts in.
import type Database from 'better-sqlite3';
import type { EventName } from '../../shared/names';
import type { AccountStatus } from '../../shared/contract';
import type { OutboxItem } from '../../shared/contract-outbound';
import { ModelChainError } from '../agent/providers/chain';
import type { ModelAttempt, ModelRequest, ModelResult } from '../agent/providers/types';
import { InboxCounter } from './inbox-counter';
import { GatewayMetrics } from './metrics';
import { inboundRejectReason } from './reasons';

/** What the control HTTP server needs to serve GET /metrics. */
export interface MetricsEndpoint {
  /** The gateway token a scraper must send as `Authorization: Bearer <token>`. */
  token: string;
  render(): Promise<{ contentType: string; body: string }>;
}

type Complete = (refs: string[], req: ModelRequest) => Promise<ModelResult & { attempts: ModelAttempt[] }>;

export interface MetricsDeps {
  db: Database.Database;
  token: string;
  whatsapp: { status(): AccountStatus[] };
  models: { complete: Complete };
  /** Subscribes to the gateway's events for its lifetime (the gateway drops its listeners on stop). */
  onEvent(listener: (event: EventName, payload: unknown) => void): void;
}

/** Outbox items whose last counted state is remembered, so a repeated change event is not counted twice. */
const SEEN_ITEMS = 10_000;

export function wireMetrics(deps: MetricsDeps): MetricsEndpoint {
  const inbox = new InboxCounter(deps.db);
  const outboxDepth = deps.db.prepare(
    `SELECT state, count(*) AS count FROM outbox WHERE state IN ('pending', 'sending') GROUP BY state`,
  );
  const metrics = new GatewayMetrics({
    accounts: () => deps.whatsapp.status(),
    outboxDepth: () => outboxDepth.all() as Array<{ state: string; count: number }>,
    beforeScrape: () =>
      inbox.scan({
        in: (account) => metrics.messagesIn.inc({ account }),
        settled: (row) =>
          row.state === 'accepted' || row.state === 'consumed'
            ? metrics.accepted.inc({ account: row.account })
            : metrics.rejected.inc({
                account: row.account,
                reason: inboundRejectReason(row.state, row.reason),
              }),
      }),
  });

  const seen = new Map<number, string>();
  const accountStates = new Map<string, string>();
  deps.onEvent((event, payload) => {
    if (event === 'outbox.changed') onOutbox(payload as OutboxItem);
    else if (event === 'channels.state') onAccount(payload as AccountStatus);
  });

  function onOutbox(item: OutboxItem): void {
    const key = `${item.state}:${item.attempts}`;
    if (seen.get(item.seq) === key) return;
    seen.delete(item.seq);
    seen.set(item.seq, key);
    if (seen.size > SEEN_ITEMS) seen.delete(seen.keys().next().value!);
    const account = item.accountId;
    if (item.state === 'sent') metrics.messagesOut.inc({ account, kind: item.kind });
    else if (item.state === 'failed' || item.state === 'expired')
      metrics.outboxFailures.inc({ account, reason: item.state });
    else if (item.state === 'pending' && item.error && item.attempts > 0)
      metrics.outboxFailures.inc({ account, reason: 'retry' });
  }

  function onAccount(status: AccountStatus): void {
    const before = accountStates.get(status.accountId);
    accountStates.set(status.accountId, status.state);
    if (status.state === 'reconnecting' && before !== 'reconnecting')
      metrics.reconnects.inc({ account: status.accountId });
  }

  const complete = deps.models.complete.bind(deps.models);
  deps.models.complete = async (refs, req) => {
    try {
      const result = await complete(refs, req);
      attempts(result.attempts);
      const model = result.model;
      const u = result.usage;
      metrics.tokens.inc({ model, kind: 'input' }, u.input);
      metrics.tokens.inc({ model, kind: 'output' }, u.output);
      metrics.tokens.inc({ model, kind: 'cache_read' }, u.cacheRead);
      metrics.tokens.inc({ model, kind: 'cache_write' }, u.cacheWrite);
      metrics.cost.inc({ model }, result.costUsd);
      return result;
    } catch (err) {
      if (err instanceof ModelChainError) attempts(err.attempts);
      throw err;
    }
  };
  function attempts(list: ModelAttempt[]): void {
    for (const a of list) {
      metrics.modelRuns.inc({ model: a.model, result: a.ok ? 'ok' : (a.error?.kind ?? 'error') });
      // A model that was never asked (not configured) took no time worth a latency sample.
      if (a.ok || a.ms > 0) metrics.runSeconds.observe({ model: a.model }, a.ms / 1000);
    }
  }

  return { token: deps.token, render: () => metrics.render() };
}
