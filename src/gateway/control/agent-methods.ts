// The agent.*, sessions.*, models.* and inbound.outcomes methods. The contract has validated the params; each
// handler is one call into the agent service or the model registry (control-port.ts), which throw coded
// GatewayErrors themselves. Either may be missing while the gateway is built without them: the methods then say so
// with one stable code instead of failing as internal errors.
import type { AgentControl, ModelControl } from '../agent/control-port';
import { GatewayError } from '../errors';
import type { Handlers } from './dispatcher';

export type AgentHandlers = Pick<
  Handlers,
  | 'agent.status'
  | 'agent.ask'
  | 'sessions.list'
  | 'sessions.show'
  | 'sessions.reset'
  | 'inbound.outcomes'
  | 'models.list'
  | 'models.test'
  | 'models.setKey'
>;

export interface AgentMethodDeps {
  agent: AgentControl | null;
  models: ModelControl | null;
}

export function agentHandlers(deps: AgentMethodDeps): AgentHandlers {
  const agent = (): AgentControl => {
    if (!deps.agent) throw new GatewayError('agent.unavailable', 'the agent does not run in this gateway');
    return deps.agent;
  };
  const models = (): ModelControl => {
    if (!deps.models)
      throw new GatewayError('agent.unavailable', 'the model registry does not run in this gateway');
    return deps.models;
  };

  return {
    'agent.status': () => agent().status(),
    'agent.ask': (p) => {
      if (p.deliver && !p.to) {
        throw new GatewayError('agent.invalid', 'deliver needs a chat to deliver to: give "to" as well');
      }
      return agent().ask(p);
    },
    'sessions.list': (p) => ({ sessions: agent().listSessions(p ?? {}) }),
    'sessions.show': (p) => agent().showSession(p.key, p.limit),
    'sessions.reset': (p) => agent().resetSession(p.key),
    'inbound.outcomes': (p) => ({ outcomes: agent().outcomes(p.seqs) }),
    'models.list': () => ({ models: models().list() }),
    'models.test': (p) => {
      if (p.ref && p.draft) {
        throw new GatewayError(
          'models.invalid',
          'models.test takes either "ref" (a configured provider/model) or "draft" (an unsaved provider), not both',
        );
      }
      if (p.ref || p.draft) return models().test(p);
      // Nothing named: the model people mean is the one answering, the default agent's primary.
      const primary = models()
        .list()
        .find((m) => m.usedBy.some((u) => u.role === 'primary'));
      if (!primary) {
        throw new GatewayError(
          'agent.not_configured',
          'no model is configured: set agents.defaults.model to "provider/model" (and models.providers.<provider>)',
        );
      }
      return models().test({ ref: primary.ref });
    },
    'models.setKey': (p) => models().setKey(p.provider, p.apiKey),
  };
}
