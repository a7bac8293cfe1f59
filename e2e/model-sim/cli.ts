// `npx tsx e2e/model-sim/cli.ts [--port N]`: the model simulator as a process for the demo, answering every
// request by echoing the last user text, so a gateway pointed at it replies without any real model or key.
import { parseArgs } from 'node:util';
import { startModelSim } from './index';
import type { RecordedRequest } from './script';

const HELP = `Usage: npx tsx e2e/model-sim/cli.ts [--port N]

Runs a loopback model server speaking the OpenAI Chat Completions and Anthropic Messages wire formats.
Every request is answered "(simulated model) You said: <last user text>".

Options:
  --port <n>   port on 127.0.0.1 (env MODEL_SIM_PORT, default 0 = any free port)
  -h, --help   show this help
`;

function fail(message: string): never {
  console.error(`model-sim: ${message}\n\n${HELP}`);
  process.exit(2);
}

/** The text of a message's content in either wire format (a string, or text parts/blocks). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: string; text?: unknown }) =>
      part?.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .filter(Boolean)
    .join(' ');
}

/** The last user turn that carries text (a tool result turn has none). */
export function lastUserText(req: RecordedRequest): string {
  const messages: unknown = req.body?.messages;
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: string; content?: unknown };
    if (m?.role !== 'user') continue;
    const text = textOf(m.content).trim();
    if (text) return text;
  }
  return '';
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    console.log(HELP);
    return;
  }
  const raw = args.port ?? process.env.MODEL_SIM_PORT ?? '0';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port: not a port number: ${raw}`);

  const sim = await startModelSim({ port });
  sim.respond((req) => ({ text: `(simulated model) You said: ${lastUserText(req) || '(nothing)'}` }));
  console.log(
    [
      `Model simulator running at ${sim.url} (Ctrl-C to stop)`,
      `  OpenAI-compatible baseUrl   ${sim.openaiBaseUrl}`,
      `  Anthropic baseUrl           ${sim.anthropicBaseUrl}`,
      'Any model name and any API key are accepted; every answer is an echo of the last user text.',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the model simulator`);
    // If a client holds a connection open, still go away rather than hang the demo's shutdown.
    setTimeout(() => {
      console.error('model-sim: shutdown took longer than 5 s; exiting anyway');
      process.exit(1);
    }, 5_000).unref();
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`model-sim: error while stopping: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`model-sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
