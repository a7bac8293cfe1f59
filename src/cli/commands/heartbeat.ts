// `openclaw heartbeat status|run`: when each agent's heartbeat runs next and what its last run did (ok, an alert
// delivered, skipped and why, failed and why, with the tokens it spent), and a run on demand.
import type { HeartbeatRun } from '../../shared/contract-heartbeat';
import { withGateway } from '../client';
import { CliError } from '../errors';
import { locateGateway } from '../locate';
import { ago, dollars, printTable } from '../table';

const AGENT_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
/** A run is one model call at most, bounded by the gateway's own timeoutSeconds (600 s by default). */
const RUN_TIMEOUT_MS = 630_000;

function checkAgent(agent: string | undefined): string | undefined {
  if (agent !== undefined && !AGENT_RE.test(agent)) {
    throw new CliError(
      `--agent must be an agent id of 1-64 letters, digits, "-" or "_" (got ${JSON.stringify(agent)}).`,
    );
  }
  return agent;
}

/** "alert delivered to …", "skipped: outside active hours (…)". */
export function describeRun(run: HeartbeatRun): string {
  const what =
    run.result === 'alert'
      ? `alert delivered${run.target ? ` to ${run.target}` : ''}`
      : run.result === 'ok' && !run.reason
        ? 'ok (nothing to report)'
        : run.result;
  return run.reason ? `${what}: ${run.reason}` : what;
}

export async function heartbeatStatus(opts: { agent?: string; json?: boolean }): Promise<number> {
  const agent = checkAgent(opts.agent);
  const status = await withGateway(await locateGateway(), (client) => client.call('heartbeat.status'));
  const agents = agent
    ? status.agents.filter((a) => a.agentId.toLowerCase() === agent.toLowerCase())
    : status.agents;
  if (opts.json) {
    console.log(JSON.stringify({ agents }, null, 2));
    return 0;
  }
  if (agents.length === 0) {
    console.log(agent ? `Agent "${agent}" has no heartbeat.` : 'No agent has a heartbeat.');
    return agent ? 1 : 0;
  }
  const now = Date.now();
  printTable(
    ['AGENT', 'EVERY', 'NEXT RUN', 'TARGET', 'LAST RUN', 'LAST RESULT', 'TOKENS', 'COST'],
    agents.map((a) => [
      a.agentId,
      a.enabled ? a.every + (a.activeHours ? ` (${a.activeHours})` : '') : 'off',
      a.nextRunAt ? `in ${Math.max(0, Math.round((Date.parse(a.nextRunAt) - now) / 1000))}s` : '-',
      a.target,
      ago(a.last?.at, now),
      a.last ? describeRun(a.last) : '-',
      a.last ? String(a.last.tokens) : '-',
      a.last ? dollars(a.last.costUsd) : '-',
    ]),
  );
  return 0;
}

export async function heartbeatRun(opts: { agent?: string; json?: boolean }): Promise<number> {
  const agent = checkAgent(opts.agent);
  const run = await withGateway(await locateGateway(), (client) =>
    client.call('heartbeat.run', agent ? { agentId: agent } : {}, { timeoutMs: RUN_TIMEOUT_MS }),
  );
  if (opts.json) {
    console.log(JSON.stringify(run, null, 2));
    return run.result === 'failed' ? 1 : 0;
  }
  console.log(
    `Heartbeat of ${run.agentId}: ${describeRun(run)} (${run.tokens} tokens, ${dollars(run.costUsd)})`,
  );
  return run.result === 'failed' ? 1 : 0;
}
