// `openclaw sessions list|show|reset`: the agent's conversations as the gateway keeps them. `reset` does what
// `/new` does in a chat: the next turn starts without the earlier ones.
import type { SessionSummary, Turn } from '../../shared/contract-agent';
import { withGateway } from '../client';
import { CliError } from '../errors';
import { locateGateway } from '../locate';
import { ago, dollars, printable, printTable, tokens } from '../table';

interface ListOpts {
  agent?: string;
  limit?: string;
  json?: boolean;
}

export async function sessionsList(opts: ListOpts): Promise<number> {
  const limit = checkLimit(opts.limit);
  const { sessions } = await withGateway(await locateGateway(), (client) =>
    client.call('sessions.list', { agentId: opts.agent, limit }),
  );
  if (opts.json) {
    console.log(JSON.stringify({ sessions }, null, 2));
    return 0;
  }
  if (sessions.length === 0) {
    console.log('No sessions yet: they start with the first message the agent answers.');
    return 0;
  }
  const now = Date.now();
  printTable(
    ['KEY', 'LABEL', 'TURNS', 'LAST ACTIVITY', 'COST', ''],
    sessions.map((s: SessionSummary) => [
      s.key,
      printable(s.label) || '-',
      String(s.turns),
      ago(s.lastActivityAt, now),
      dollars(s.costUsd),
      s.running ? 'running' : '',
    ]),
  );
  return 0;
}

export async function sessionsShow(key: string, opts: { limit?: string; json?: boolean }): Promise<number> {
  const limit = checkLimit(opts.limit);
  const shown = await withGateway(await locateGateway(), (client) =>
    client.call('sessions.show', { key: checkKey(key), limit }),
  );
  if (opts.json) {
    console.log(JSON.stringify(shown, null, 2));
    return 0;
  }
  const { session, turns } = shown;
  console.log(
    `Session ${session.key} (${printable(session.label) || session.agentId}): ${session.turns} turns, ` +
      `${tokens(session.usage)} tokens, ${dollars(session.costUsd)}${session.running ? ', running now' : ''}`,
  );
  for (const turn of turns) printTurn(turn);
  return 0;
}

export async function sessionsReset(key: string, opts: { json?: boolean }): Promise<number> {
  const result = await withGateway(await locateGateway(), (client) =>
    client.call('sessions.reset', { key: checkKey(key) }),
  );
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  console.log(
    result.reset
      ? `Session ${result.key} starts afresh: the next message is answered without the earlier turns.`
      : `Session ${result.key} had no turns to forget; nothing changed.`,
  );
  return 0;
}

function printTurn(turn: Turn): void {
  const meta = [
    turn.model,
    turn.usage ? `${tokens(turn.usage)} tokens` : undefined,
    turn.costUsd !== undefined ? dollars(turn.costUsd) : undefined,
  ].filter(Boolean);
  console.log('');
  console.log(`[${turn.at}] ${turn.role}${meta.length ? ` (${meta.join(', ')})` : ''}`);
  const text = printable(turn.text, true);
  if (text) console.log(indent(text));
  for (const call of turn.toolCalls ?? []) console.log(indent(`→ ${call.name} ${printable(call.arguments)}`));
}

const indent = (text: string): string => `  ${text.replaceAll('\n', '\n  ')}`;

function checkKey(key: string): string {
  const trimmed = key.trim();
  if (!trimmed || trimmed.length > 300) {
    throw new CliError(
      `<key> must be a session key as \`openclaw sessions list\` prints it (got ${JSON.stringify(key)}).`,
    );
  }
  return trimmed;
}

function checkLimit(limit: string | undefined): number | undefined {
  if (limit === undefined) return undefined;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new CliError(`--limit must be a whole number from 1 to 1000 (got ${JSON.stringify(limit)}).`);
  }
  return n;
}
