import { loadConfigFile } from '../../gateway/config/service';
import type { AgentStatus } from '../../shared/contract-agent';
import { GatewayNotAnsweringError, RemoteError, withGateway, type ControlClient } from '../client';
import { demoGatewayHint } from '../demo-hint';
import { GatewayNotRunningError } from '../errors';
import { locateGateway } from '../locate';
import type { ConfigIssue } from '../../shared/contract';
import { formatDuration, printIssues } from '../output';

// Warnings (unknown keys, deprecated ones) do not stop the gateway, but a setting that does nothing must be seen.
const asWarnings = (issues: ConfigIssue[]): ConfigIssue[] =>
  issues.map((i) => ({ ...i, message: `warning: ${i.message}` }));

export async function status(opts: { json?: boolean }): Promise<number> {
  const where = await locateGateway();
  try {
    const [health, agent] = await withGateway(where, (client) =>
      Promise.all([client.call('health'), agentStatus(client)]),
    );
    if (opts.json) {
      console.log(JSON.stringify({ running: true, ...health, agent }, null, 2));
      return health.config.valid ? 0 : 1;
    }
    console.log(
      `Gateway: running (pid ${health.pid}, version ${health.version}, up ${formatDuration(health.uptimeMs)})`,
    );
    console.log(`Listening: 127.0.0.1:${health.port}`);
    const cfg = health.config;
    console.log(
      `Config: ${cfg.file} (${cfg.valid ? 'valid' : cfg.usingLastGood ? 'INVALID — running on the last good config' : 'INVALID'})`,
    );
    printIssues(cfg.errors, console.log);
    printIssues(asWarnings(cfg.warnings), console.log);
    console.log(`State dir: ${health.stateDir}`);
    if (agent) for (const line of agentLines(agent)) console.log(line);
    return cfg.valid ? 0 : 1;
  } catch (err) {
    if (err instanceof GatewayNotAnsweringError && opts.json) {
      // A script asking for JSON gets JSON here too; the sentence says what to do.
      const { port, pid, message } = err;
      console.log(JSON.stringify({ running: true, answering: false, port, pid, error: message }, null, 2));
      return 1;
    }
    if (!(err instanceof GatewayNotRunningError)) throw err;
    const { result } = await loadConfigFile(where.configPath);
    const errors = result.ok ? [] : result.errors;
    const warnings = result.warnings;
    if (opts.json) {
      console.log(
        JSON.stringify(
          {
            running: false,
            port: where.port,
            configPath: where.configPath,
            configValid: result.ok,
            configErrors: errors,
            configWarnings: warnings,
          },
          null,
          2,
        ),
      );
      return 1;
    }
    console.log(
      `Gateway: not running (nothing answers on 127.0.0.1:${where.port}); start it with \`openclaw gateway run\`.`,
    );
    const demo = await demoGatewayHint(where.stateDir);
    if (demo) console.log(demo);
    console.log(`Config: ${where.configPath} (${result.ok ? 'valid' : 'INVALID'})`);
    printIssues(errors, console.log);
    printIssues(asWarnings(warnings), console.log);
    return 1;
  }
}

/** Null from a gateway built without the agent, which has nothing to say about models. */
async function agentStatus(client: ControlClient): Promise<AgentStatus | null> {
  try {
    return await client.call('agent.status');
  } catch (err) {
    if (err instanceof RemoteError && err.error.code === 'agent.unavailable') return null;
    throw err;
  }
}

export function agentLines(agent: AgentStatus): string[] {
  const simulated = agent.simulated && !agent.sentence.includes('simulated') ? ' (simulated)' : '';
  const lines = [`Agent: ${agent.sentence}${simulated}`];
  const failure = agent.lastFailure;
  if (failure) {
    const model = failure.model ? ` with ${failure.model}` : '';
    lines.push(`Last failure: ${failure.reason} (session ${failure.sessionKey}${model}, at ${failure.at})`);
  }
  return lines;
}
