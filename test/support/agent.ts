// The agent end to end: one WhatsApp simulator and one model simulator per test file, and gateways configured to
// answer with that model through the official SDKs (either wire format). Tests script the model, let simulated
// contacts write, and assert what the model was sent and what the contacts' devices decrypted.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startModelSim, type ModelSim, type RecordedRequest } from '../../e2e/model-sim/index';
import type { MessageOutcome } from '../../src/shared/contract-agent';
import { waitFor } from './env';
import { inboundSuite, type InboundGateway, type InboundSuite } from './inbound';

export type WireFormat = 'openai' | 'anthropic';

export const SIM_MODEL = 'sim/sim-model';

/** The config text that points the default agent at the model simulator (contacts may write without pairing). */
export function modelConfig(
  model: ModelSim,
  format: WireFormat = 'openai',
  defaults = '',
  choice = `'${SIM_MODEL}'`,
  /** More keys of `agents` (a list of agents). */
  agents = '',
): string {
  const api = format === 'openai' ? 'openai-completions' : 'anthropic-messages';
  const baseUrl = format === 'openai' ? model.openaiBaseUrl : model.anthropicBaseUrl;
  return `
  models: { providers: { sim: { api: '${api}', baseUrl: '${baseUrl}', apiKey: 'sk-test-agent-0123456789',
    models: [{ id: 'sim-model', contextWindow: 16000, maxTokens: 1000 }, { id: 'backup', contextWindow: 16000 }] } } },
  agents: { defaults: { model: ${choice}, ${defaults} }, ${agents} },`;
}

export const OPEN_DMS = `channels: { whatsapp: { dmPolicy: 'open', allowFrom: ['*'] } },`;

export interface AgentSuite extends InboundSuite {
  readonly model: ModelSim;
}

export function agentSuite(seed: string): AgentSuite {
  const inbound = inboundSuite(seed);
  let model: ModelSim | undefined;
  beforeAll(async () => {
    model = await startModelSim();
  });
  afterEach(() => model?.reset());
  afterAll(() => model?.close());
  return {
    get sim() {
      return inbound.sim;
    },
    get model() {
      if (!model) throw new Error('the model simulator starts in beforeAll');
      return model;
    },
    gateway: (number, config) => inbound.gateway(number, config),
  };
}

/** The text of a recorded request's last user message, in either wire format. */
export function lastUserText(req: RecordedRequest): string {
  const users = (req.body.messages as Array<{ role: string; content: unknown }>).filter(
    (m) => m.role === 'user',
  );
  return contentText(users[users.length - 1]?.content);
}

/** Every message's text in a recorded request, in order, as `role: text` (tool results included). */
export function transcript(req: RecordedRequest): string[] {
  return (req.body.messages as Array<{ role: string; content: unknown }>).map(
    (m) => `${m.role}: ${contentText(m.content)}`,
  );
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p: { type: string; text?: string; content?: unknown }) =>
      p.type === 'text' ? (p.text ?? '') : p.type === 'tool_result' ? contentText(p.content) : '',
    )
    .filter(Boolean)
    .join('\n');
}

/** The system prompt as sent: OpenAI's first system message, Anthropic's `system` blocks. */
export function systemOf(req: RecordedRequest): string {
  if (req.format === 'anthropic') {
    const sys = req.body.system as string | Array<{ text: string }>;
    return typeof sys === 'string' ? sys : sys.map((b) => b.text).join('');
  }
  const first = (req.body.messages as Array<{ role: string; content: unknown }>)[0]!;
  return first.role === 'system' || first.role === 'developer' ? contentText(first.content) : '';
}

/** The outcome of an accepted message once it is settled (answered, silent, failed or expired). */
export async function outcomeOf(g: InboundGateway, seq: number, timeoutMs = 15_000): Promise<MessageOutcome> {
  return waitFor(
    async () => {
      const { outcomes } = await g.call<{ outcomes: MessageOutcome[] }>('inbound.outcomes', { seqs: [seq] });
      const o = outcomes[0];
      return o && o.state !== 'waiting' && o.state !== 'running' ? o : null;
    },
    `the outcome of accepted message ${seq}`,
    timeoutMs,
  );
}
