// The gateway's Prometheus metrics. Each gateway has its own registry (never prom-client's global one), so several
// gateways in one process — tests, the desktop app restarting its gateway — never share or collide on counters.
// Labels are low-cardinality by construction: account ids, states, kinds, reason codes and configured model refs;
// never a phone number, a JID or free text.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ACCOUNT_STATES, type AccountStatus } from '../../shared/contract';

export interface MetricsSources {
  /** Runs at each scrape before the numbers are read (the inbox scan). */
  beforeScrape(): void;
  accounts(): AccountStatus[];
  /** Open outbox items by state. */
  outboxDepth(): Array<{ state: string; count: number }>;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly r = [this.registry];

  readonly messagesIn = new Counter({
    name: 'openclaw_messages_in_total',
    help: 'Inbound WhatsApp messages stored by this gateway run (duplicates are not counted)',
    labelNames: ['account'] as const,
    registers: this.r,
  });
  readonly accepted = new Counter({
    name: 'openclaw_inbound_accepted_total',
    help: 'Inbound messages accepted and handed to the agent',
    labelNames: ['account'] as const,
    registers: this.r,
  });
  readonly rejected = new Counter({
    name: 'openclaw_inbound_rejected_total',
    help: 'Inbound messages not handed to the agent, by reason code',
    labelNames: ['account', 'reason'] as const,
    registers: this.r,
  });
  readonly messagesOut = new Counter({
    name: 'openclaw_messages_out_total',
    help: 'Messages sent through the outbox (acknowledged by WhatsApp), by kind',
    labelNames: ['account', 'kind'] as const,
    registers: this.r,
  });
  readonly outboxFailures = new Counter({
    name: 'openclaw_outbox_failures_total',
    help: 'Outbox items that failed for good (failed), expired unsent (expired), or failed an attempt and wait to retry (retry)',
    labelNames: ['account', 'reason'] as const,
    registers: this.r,
  });
  readonly reconnects = new Counter({
    name: 'openclaw_whatsapp_reconnects_total',
    help: 'Times an account lost its connection and began reconnecting',
    labelNames: ['account'] as const,
    registers: this.r,
  });
  readonly modelRuns = new Counter({
    name: 'openclaw_model_runs_total',
    help: 'Requests to a model (each retry and fallback counts), by result: ok or the error kind',
    labelNames: ['model', 'result'] as const,
    registers: this.r,
  });
  readonly tokens = new Counter({
    name: 'openclaw_model_tokens_total',
    help: 'Tokens reported by the model, by kind (input, output, cache_read, cache_write)',
    labelNames: ['model', 'kind'] as const,
    registers: this.r,
  });
  readonly cost = new Counter({
    name: 'openclaw_model_cost_usd_total',
    help: "US dollars spent, from each model's configured cost",
    labelNames: ['model'] as const,
    registers: this.r,
  });
  readonly runSeconds = new Histogram({
    name: 'openclaw_model_run_duration_seconds',
    help: 'How long one model request took, to its last token or its error',
    labelNames: ['model'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: this.r,
  });

  constructor(sources: MetricsSources) {
    const r = this.r;
    new Gauge({
      name: 'openclaw_outbox_depth',
      help: 'Outbox items waiting to be sent (pending) or being sent (sending)',
      labelNames: ['state'] as const,
      registers: r,
      collect() {
        this.reset();
        for (const state of ['pending', 'sending']) this.set({ state }, 0);
        for (const { state, count } of sources.outboxDepth()) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'openclaw_whatsapp_account_state',
      help: "1 for each account's current connection state, 0 for the others",
      labelNames: ['account', 'state'] as const,
      registers: r,
      collect() {
        this.reset();
        for (const a of sources.accounts())
          for (const state of ACCOUNT_STATES)
            this.set({ account: a.accountId, state }, a.state === state ? 1 : 0);
      },
    });
    new Counter({
      name: 'openclaw_whatsapp_decrypt_failures_total',
      help: 'Messages Baileys could not decrypt ("Bad MAC") since the gateway started',
      labelNames: ['account'] as const,
      registers: r,
      collect() {
        this.reset();
        for (const a of sources.accounts()) this.inc({ account: a.accountId }, a.decryptFailures ?? 0);
      },
    });
    this.beforeScrape = sources.beforeScrape;
  }

  private readonly beforeScrape: () => void;

  async render(): Promise<{ contentType: string; body: string }> {
    this.beforeScrape();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
