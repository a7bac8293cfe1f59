// The models the config names, their clients and keys, and one entry point for a completion through a chain of
// fallbacks. Implements ModelControl (models.list / models.test / models.setKey) and what the agent loop needs.
// Clients are cached per provider and rebuilt when that provider's config or key changes.
import type { Logger } from 'pino';
import { FALLBACK_AGENT_ID } from '../../routing/route';
import type { OpenClawConfig, ProviderConfig } from '../../config/schema';
import type { ModelInfo } from '../../../shared/contract-agent';
import type { ModelControl, ModelTestRequest } from '../control-port';
import { AnthropicClient } from './anthropic';
import { completeChain, type ChainTarget } from './chain';
import { ZERO_USAGE } from './cost';
import { explainFailure } from './explain';
import { KeyStore, type KeyCipher } from './keys';
import { OpenAIClient } from './openai';
import { DEFAULT_BACKOFF_BASE_MS, DEFAULT_MAX_RETRIES, MAX_RETRY_AFTER_MS } from './retry-policy';
import { ModelError, type ModelAttempt, type ModelRequest, type ModelResult } from './types';
import type { WireClient } from './wire';

/** e2e/model-sim sends this on every response; a provider whose server sent it is labelled simulated. */
export const SIM_HEADER = 'x-openclaw-model-sim';
/** Local servers need no key, but both SDKs refuse to start without one. */
const NO_KEY_PLACEHOLDER = 'no-key';
const MAX_IDLE_MS = 120_000;
const TEST_TIMEOUT_MS = 30_000;
const TEST_MAX_TOKENS = 16;

export interface ModelRegistryOptions {
  config: () => OpenClawConfig;
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Censors each key in use from every later log line (LogHub.addSecret). */
  addSecret?: (value: string) => void;
  /** Silence on a stream before it counts as stalled; default min(timeoutSeconds, 120 s). */
  idleTimeoutMs?: number;
  backoffBaseMs?: number;
  maxRetries?: number;
  maxRetryAfterMs?: number;
  testTimeoutMs?: number;
  /** Seals stored API keys (the desktop app's safeStorage); headless keeps them in the 0600 file as they are. */
  keyCipher?: KeyCipher;
}

interface Resolved {
  ref: string;
  providerId: string;
  provider: ProviderConfig;
  modelId: string;
  contextWindow: number;
  maxTokens: number;
  input: Array<'text' | 'image'>;
  cost: ChainTarget['cost'];
  name?: string;
}

export function parseModelRef(ref: string): { provider: string; model: string } | undefined {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return undefined;
  return { provider: ref.slice(0, slash), model: ref.slice(slash + 1) };
}

function choiceRefs(choice: string | { primary: string; fallbacks: string[] } | undefined): string[] {
  if (choice === undefined) return [];
  return typeof choice === 'string' ? [choice] : [choice.primary, ...choice.fallbacks];
}

export class ModelRegistry implements ModelControl {
  readonly keys: KeyStore;
  private readonly clients = new Map<string, { fingerprint: string; client: WireClient }>();
  private readonly simulatedUrls = new Set<string>();

  constructor(private readonly opts: ModelRegistryOptions) {
    this.keys = new KeyStore(opts.stateDir, opts.env ?? process.env, opts.keyCipher);
  }

  /** The agent's models, primary first: agents.list[].model, else agents.defaults.model. */
  resolveChain(agentId: string): { refs: string[] } | { error: string } {
    const cfg = this.opts.config();
    const agent = cfg.agents.list.find((a) => a.id === agentId);
    const refs = choiceRefs(agent?.model ?? cfg.agents.defaults.model);
    if (refs.length === 0) {
      return { error: 'No model configured: set agents.defaults.model to "provider/model"' };
    }
    const problems = refs.map((r) => this.lookup(r)).filter((r) => r instanceof ModelError);
    if (problems.length === refs.length) return { error: problems[0]!.message };
    return { refs };
  }

  configured(agentId: string): boolean {
    return 'refs' in this.resolveChain(agentId);
  }

  modelInfo(
    ref: string,
  ): { input: Array<'text' | 'image'>; contextWindow: number; maxTokens: number } | undefined {
    const r = this.lookup(ref);
    return r instanceof ModelError
      ? undefined
      : { input: r.input, contextWindow: r.contextWindow, maxTokens: r.maxTokens };
  }

  /** True once a configured provider's server has answered as the model simulator (it sends SIM_HEADER). */
  simulated(): boolean {
    const providers = Object.values(this.opts.config().models.providers);
    return providers.some((p) => this.simulatedUrls.has(p.baseUrl));
  }

  async complete(refs: string[], req: ModelRequest): Promise<ModelResult & { attempts: ModelAttempt[] }> {
    const cfg = this.opts.config();
    const runMs = cfg.agents.defaults.timeoutSeconds * 1000;
    return completeChain(refs, (ref) => this.target(ref), req, {
      maxRetries: this.opts.maxRetries ?? DEFAULT_MAX_RETRIES,
      backoffBaseMs: this.opts.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS,
      maxRetryAfterMs: this.opts.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS,
      idleMs: this.opts.idleTimeoutMs ?? Math.min(runMs, MAX_IDLE_MS),
      deadline: Date.now() + runMs,
      onHeaders: (ref, h) => this.noticeHeaders(this.lookup(ref), h),
      logger: this.opts.logger,
    });
  }

  list(): ModelInfo[] {
    const cfg = this.opts.config();
    const usedBy = new Map<string, ModelInfo['usedBy']>();
    const agents = cfg.agents.list.length
      ? cfg.agents.list.map((a) => ({ id: a.id, choice: a.model ?? cfg.agents.defaults.model }))
      : [{ id: FALLBACK_AGENT_ID, choice: cfg.agents.defaults.model }];
    for (const a of agents) {
      choiceRefs(a.choice).forEach((ref, i) => {
        const list = usedBy.get(ref) ?? [];
        list.push({ agentId: a.id, role: i === 0 ? 'primary' : 'fallback' });
        usedBy.set(ref, list);
      });
    }
    const refs = new Set<string>();
    for (const [id, p] of Object.entries(cfg.models.providers))
      for (const m of p.models) refs.add(`${id}/${m.id}`);
    for (const ref of usedBy.keys()) if (!(this.lookup(ref) instanceof ModelError)) refs.add(ref);
    return [...refs].map((ref) => {
      const r = this.lookup(ref) as Resolved;
      return {
        ref,
        provider: r.providerId,
        api: r.provider.api,
        ...(r.name ? { name: r.name } : {}),
        input: r.input,
        contextWindow: r.contextWindow,
        keySource: this.keys.resolve(r.providerId, r.provider).source,
        usedBy: usedBy.get(ref) ?? [],
      };
    });
  }

  async test(req: ModelTestRequest): Promise<{ ok: boolean; message: string; ms: number; kind?: string }> {
    const started = Date.now();
    const timeoutMs = this.opts.testTimeoutMs ?? TEST_TIMEOUT_MS;
    let r: Resolved;
    let key: { key?: string; source: string; envVar?: string };
    if (req.draft) {
      const d = req.draft;
      const providerId = d.provider ?? 'draft';
      // A draft of an existing provider keeps its extra headers (a proxy's, OpenRouter's attribution).
      const headers = this.opts.config().models.providers[providerId]?.headers;
      const provider: ProviderConfig = {
        api: d.api,
        baseUrl: d.baseUrl,
        models: [],
        ...(headers ? { headers } : {}),
      };
      r = this.defaultsFor(providerId, provider, d.model);
      const typed = d.apiKey?.trim();
      key = typed ? { key: typed, source: 'form' } : this.keys.resolve(providerId, provider);
    } else {
      const found = req.ref ? this.lookup(req.ref) : new ModelError('not_configured', 'Name a model to test');
      if (found instanceof ModelError) return { ok: false, message: found.message, ms: 0, kind: found.kind };
      r = found;
      key = this.keys.resolve(r.providerId, r.provider);
    }
    const client = this.buildClient(r.provider, key.key, timeoutMs);
    const signal = AbortSignal.timeout(timeoutMs);
    let simulated = false;
    const explainCtx = {
      provider: r.providerId,
      modelId: r.modelId,
      baseUrl: r.provider.baseUrl,
      keySource: key.source,
      envVar: key.envVar,
      timeoutMs,
    };
    try {
      await client.call(
        r.modelId,
        { system: '', messages: [{ role: 'user', content: 'Reply with OK.' }], tools: [], signal },
        {
          ref: r.ref,
          maxTokens: TEST_MAX_TOKENS,
          idleMs: timeoutMs,
          onHeaders: (h) => {
            simulated = h.get(SIM_HEADER) === '1';
            if (!req.draft) this.noticeHeaders(r, h);
          },
        },
      );
      const ms = Date.now() - started;
      const sim = simulated ? ' (simulated model)' : '';
      return { ok: true, message: `Answered in ${ms} ms${sim}.`, ms };
    } catch (err) {
      const e = err instanceof ModelError ? err : new ModelError('server', String(err));
      return { ok: false, message: explainFailure(e, explainCtx), ms: Date.now() - started, kind: e.kind };
    }
  }

  async setKey(provider: string, apiKey: string): Promise<{ provider: string; stored: boolean }> {
    if (apiKey.trim()) this.opts.addSecret?.(apiKey.trim());
    const stored = await this.keys.setKey(provider, apiKey);
    return { provider, stored };
  }

  /** Drops the cached clients (their sockets close with the SDKs' keep-alive agents). */
  close(): void {
    this.clients.clear();
  }

  private lookup(ref: string): Resolved | ModelError {
    const parsed = parseModelRef(ref);
    if (!parsed) {
      return new ModelError('not_configured', `"${ref}" is not a model reference like "openai/gpt-4o-mini"`);
    }
    const provider = this.opts.config().models.providers[parsed.provider];
    if (!provider) {
      return new ModelError(
        'not_configured',
        `"${ref}" names the provider "${parsed.provider}", which models.providers does not define`,
        { model: ref },
      );
    }
    return this.defaultsFor(parsed.provider, provider, parsed.model);
  }

  /** A model missing from the provider's `models` list still works (Ollama users pull models freely), with defaults. */
  private defaultsFor(providerId: string, provider: ProviderConfig, modelId: string): Resolved {
    const m = provider.models.find((x) => x.id === modelId);
    return {
      ref: `${providerId}/${modelId}`,
      providerId,
      provider,
      modelId,
      contextWindow: m?.contextWindow ?? 128_000,
      maxTokens: m?.maxTokens ?? 4096,
      input: m?.input ?? ['text'],
      cost: m?.cost ?? { ...ZERO_USAGE },
      ...(m?.name ? { name: m.name } : {}),
    };
  }

  private target(ref: string): ChainTarget | ModelError {
    const r = this.lookup(ref);
    if (r instanceof ModelError) return r;
    const key = this.keys.resolve(r.providerId, r.provider).key;
    const runMs = this.opts.config().agents.defaults.timeoutSeconds * 1000;
    const fingerprint = JSON.stringify([r.provider.api, r.provider.baseUrl, r.provider.headers, key, runMs]);
    let entry = this.clients.get(r.providerId);
    if (entry?.fingerprint !== fingerprint) {
      entry = { fingerprint, client: this.buildClient(r.provider, key, runMs) };
      this.clients.set(r.providerId, entry);
    }
    // Providers removed from the config leave the cache with them, so it never outgrows the config.
    const ids = new Set(Object.keys(this.opts.config().models.providers));
    for (const id of this.clients.keys()) if (!ids.has(id)) this.clients.delete(id);
    return { ref, modelId: r.modelId, client: entry.client, maxTokens: r.maxTokens, cost: r.cost };
  }

  private buildClient(provider: ProviderConfig, key: string | undefined, timeoutMs: number): WireClient {
    if (key) this.opts.addSecret?.(key);
    const o = {
      baseUrl: provider.baseUrl,
      apiKey: key ?? NO_KEY_PLACEHOLDER,
      headers: provider.headers,
      timeoutMs,
      logger: this.opts.logger,
    };
    return provider.api === 'anthropic-messages' ? new AnthropicClient(o) : new OpenAIClient(o);
  }

  private noticeHeaders(r: Resolved | ModelError, headers: Headers): void {
    if (r instanceof ModelError || this.simulatedUrls.has(r.provider.baseUrl)) return;
    if (headers.get(SIM_HEADER) !== '1') return;
    // Bounded: only configured providers' URLs are ever added, once each.
    this.simulatedUrls.add(r.provider.baseUrl);
    this.opts.logger?.info({ baseUrl: r.provider.baseUrl }, 'model provider is the loopback model simulator');
  }
}
