// `openclaw agent --message "…"`: one agent run from the terminal, in the agent's CLI session (or the contact's
// chat session with --to). The answer goes to stdout so it can be piped; what it cost goes to stderr. With
// --deliver the answer is also sent to that contact through the gateway's outbox.
import { E164_RE, ID_RE } from '../../gateway/config/schema';
import { withGateway } from '../client';
import { CliError } from '../errors';
import { locateGateway } from '../locate';
import { dollars, printable, tokens } from '../table';

export interface AgentOptions {
  message?: string;
  agent?: string;
  to?: string;
  deliver?: boolean;
  account?: string;
  timeout?: string;
  json?: boolean;
}

export async function agentAsk(opts: AgentOptions): Promise<number> {
  const message = opts.message?.trim();
  if (!message) throw new CliError('--message is required: the text to ask the agent.');
  if (opts.agent !== undefined && !ID_RE.test(opts.agent)) {
    throw new CliError(
      `--agent must be an agent id of 1-64 letters, digits, "-" or "_" (got ${JSON.stringify(opts.agent)}).`,
    );
  }
  const to = opts.to?.trim().replace(/[\s\-().]/g, '');
  if (to !== undefined && !E164_RE.test(to)) {
    throw new CliError(
      `--to must be a phone number in E.164 form: "+", country code and number, like +15551234567 (got ${JSON.stringify(opts.to)}).`,
    );
  }
  if (opts.deliver && !to) throw new CliError('--deliver needs --to: the contact to send the answer to.');
  if (opts.account !== undefined && !ID_RE.test(opts.account)) {
    throw new CliError(
      `--account must be an account id of 1-64 letters, digits, "-" or "_" (got ${JSON.stringify(opts.account)}).`,
    );
  }
  const seconds = opts.timeout === undefined ? 630 : Number(opts.timeout);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) {
    throw new CliError(
      `--timeout must be a number of seconds from 1 to 3600 (got ${JSON.stringify(opts.timeout)}).`,
    );
  }
  const params = {
    message,
    agentId: opts.agent,
    to,
    deliver: opts.deliver || undefined,
    accountId: opts.account,
  };
  // A run may rightly take minutes (the gateway's own agents.defaults.timeoutSeconds bounds it).
  const result = await withGateway(await locateGateway(), (client) =>
    client.call('agent.ask', params, { timeoutMs: seconds * 1000 }),
  );
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  console.log(printable(result.text, true) || '(no reply)');
  console.error(`— ${result.model} · ${tokens(result.usage)} tokens · ${dollars(result.costUsd)}`);
  if (result.delivered?.length) {
    console.error(`Delivered to ${to}: ${result.delivered.map((d) => d.messageId).join(', ')}`);
  }
  return 0;
}
