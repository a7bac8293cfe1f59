// `openclaw agent --message`: one run outside WhatsApp, in the agent's CLI session (`agent:<id>:cli`) or, with
// `to`, in that contact's DM session, so what was said there is part of the conversation. With `deliver` the
// answer is staged to the contact through the outbox in the same commit as the turns.
import type { OutboxItem } from '../../shared/contract-outbound';
import { chatJidFor } from '../control/outbound-methods';
import { GatewayError } from '../errors';
import { defaultAgentId, sessionKeyFor } from '../routing/route';
import type { AgentControl } from './control-port';
import { replyPayloads } from './deliver';
import { ModelError } from './providers/types';
import { runAgent } from './run';
import type { AgentService, AgentServiceDeps } from './service';
import { reactionsEnabled } from './tools/whatsapp';

type AskRequest = Parameters<AgentControl['ask']>[0];

export async function askAgent(
  service: AgentService,
  deps: AgentServiceDeps,
  req: AskRequest,
): ReturnType<AgentControl['ask']> {
  const cfg = deps.config();
  const agentId = req.agentId
    ? cfg.agents.list.find((a) => a.id.toLowerCase() === req.agentId!.toLowerCase())?.id
    : defaultAgentId(cfg);
  if (!agentId) throw new GatewayError('agent.unknown', `no agent "${req.agentId}" in agents.list`);
  const chain = deps.models.resolveChain(agentId);
  if (!('refs' in chain)) throw new GatewayError('agent.not_configured', chain.error);
  if (req.deliver && !req.to)
    throw new GatewayError('agent.invalid', 'deliver needs a chat: give "to" as well');
  const accountId = req.accountId ?? deps.defaultAccount();
  const chat = req.to ? chatJidFor(req.to) : null;
  const sessionKey = req.to
    ? sessionKeyFor(cfg, agentId, { accountId, peer: { kind: 'dm', id: req.to } })
    : `agent:${agentId.toLowerCase()}:cli`;

  return service.queue.exclusive(sessionKey, async (signal) => {
    const timeout = AbortSignal.timeout(cfg.agents.defaults.timeoutSeconds * 1000);
    let result;
    try {
      result = await runAgent(
        service.runDeps(),
        {
          agentId,
          sessionKey,
          accountId,
          chat: { kind: 'dm' },
          messages: [{ envelope: req.message, messageId: `cli-${Date.now()}`, chatJid: chat ?? 'cli' }],
          reactIn: null,
          reactionsEnabled: reactionsEnabled(cfg, accountId),
          refs: chain.refs,
        },
        AbortSignal.any([signal, timeout]),
      );
    } catch (err) {
      if (err instanceof ModelError)
        throw new GatewayError('agent.unavailable', `the model did not answer: ${err.message}`, {
          kind: err.kind,
        });
      throw err;
    }
    const payloads =
      req.deliver && chat
        ? await replyPayloads({
            cfg,
            stateDir: deps.stateDir,
            accountId,
            selfChat: deps.self(accountId).pn === chat,
            text: result.text,
            log: deps.log,
          })
        : [];
    const { items } = service.commit({
      sessionKey,
      agentId,
      label: req.to ?? 'CLI',
      runId: `cli-${Date.now()}`,
      turns: result.turns,
      usage: result.usage,
      costUsd: result.costUsd,
      sends: chat ? [{ accountId, chat, payloads }] : [],
      settle: [],
    });
    const delivered: OutboxItem[] | undefined = req.deliver ? items : undefined;
    return {
      text: result.text,
      model: result.model,
      usage: result.usage,
      costUsd: result.costUsd,
      ...(delivered ? { delivered } : {}),
    };
  });
}
