#!/usr/bin/env node
// `openclaw`: talks to the running gateway over its loopback control API. Never imports Baileys.
import { Command, CommanderError } from 'commander';
import { GatewayError } from '../gateway/errors';
import { VERSION } from '../gateway/version';
import { agentAsk, type AgentOptions } from './commands/agent';
import { channelsLogin, channelsLogout, channelsReconnect, channelsStatus } from './commands/channels';
import { configGet, configSet, configUnset, configValidate } from './commands/config';
import { dashboard } from './commands/dashboard';
import { doctor } from './commands/doctor';
import { gatewayRun } from './commands/gateway-run';
import { gatewayRestart, gatewayStart, gatewayStatus, gatewayStop } from './commands/gateway-background';
import { gatewayInstall, gatewayUninstall } from './commands/gateway-install';
import { logs } from './commands/logs';
import { messageSend, type MessageSendOptions } from './commands/message';
import { modelsList, modelsTest } from './commands/models';
import { onboard, type OnboardOptions } from './commands/onboard';
import { pairingApprove, pairingDeny, pairingList, pairingRevoke } from './commands/pairing';
import { sessionsList, sessionsReset, sessionsShow } from './commands/sessions';
import { heartbeatRun, heartbeatStatus } from './commands/heartbeat';
import { status } from './commands/status';
import { CliError } from './errors';

export function buildProgram(): Command {
  const program = new Command('openclaw')
    .description('OpenClaw: a WhatsApp gateway for your personal AI assistant')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  const gateway = program.command('gateway').description('run the gateway');
  gateway
    .command('run')
    .description('run the headless gateway in the foreground (Ctrl-C stops it)')
    .option('--port <port>', 'listen on this port of 127.0.0.1 (default: gateway.port, 18789)')
    .action(async (opts: { port?: string }) => gatewayRun(opts));
  gateway
    .command('start')
    .description(
      `run the gateway in the background (output in <state>/logs/gateway.out.log); waits until it answers`,
    )
    .option('--port <port>', 'listen on this port of 127.0.0.1 (default: gateway.port, 18789)')
    .option('--timeout <seconds>', 'how long to wait for it to answer', '60')
    .action(async (opts: { port?: string; timeout?: string }) => exit(await gatewayStart(opts)));
  gateway
    .command('stop')
    .description(
      'stop the running gateway (SIGTERM, then SIGKILL after --timeout); leaves no process or port',
    )
    .option('--timeout <seconds>', 'how long to wait for a clean stop before killing it', '20')
    .action(async (opts: { timeout?: string }) => exit(await gatewayStop(opts)));
  gateway
    .command('restart')
    .description('stop the running gateway (if any), then start it in the background')
    .option('--port <port>', 'listen on this port of 127.0.0.1 (default: gateway.port, 18789)')
    .option('--timeout <seconds>', 'how long to wait for it to answer', '60')
    .action(async (opts: { port?: string; timeout?: string }) => exit(await gatewayRestart(opts)));
  gateway
    .command('status')
    .description('what `openclaw status` says, with the pid and the background log')
    .action(async () => exit(await gatewayStatus()));
  gateway
    .command('install')
    .description('write a systemd user unit (Linux) or a launchd agent (macOS) that runs `gateway run`')
    .option('--now', 'also enable and start it (systemctl --user / launchctl)')
    .action(async (opts: { now?: boolean }) => exit(await gatewayInstall(opts)));
  gateway
    .command('uninstall')
    .description('remove the systemd user unit or launchd agent written by `gateway install`')
    .option('--now', 'also stop and disable it first (systemctl --user / launchctl)')
    .action(async (opts: { now?: boolean }) => exit(await gatewayUninstall(opts)));

  program
    .command('status')
    .description('is a gateway running; its version, uptime, config path and config errors')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => exit(await status(opts)));

  const config = program.command('config').description('read and change the config file');
  config
    .command('get [path]')
    .description('print a value (defaults applied), or the whole config')
    .option('--json', 'always print JSON')
    .action(async (path: string | undefined, opts: { json?: boolean }) => exit(await configGet(path, opts)));
  config
    .command('set <path> <value> [more...]')
    .description(
      'set a value, or several at once in one validated write (set <path> <value> <path> <value>…); ' +
        'JSON5 values (true, 42, ["+15551234567"]) are parsed, text keys take the text as typed, and a list ' +
        'of texts takes a single entry as a one-entry list; unknown keys are refused',
    )
    .option('--json', 'each value must parse as JSON5 and is taken as written')
    .action(async (path: string, value: string, more: string[], opts: { json?: boolean }) =>
      exit(await configSet([path, value, ...more], opts)),
    );
  config
    .command('unset <path>')
    .description('remove a key (its default applies again)')
    .action(async (path: string) => exit(await configUnset(path)));
  config
    .command('validate')
    .description('check the config file and list every problem with its key path')
    .option('--file <file>', 'validate this file instead of the configured one')
    .action(async (opts: { file?: string }) => exit(await configValidate(opts)));

  const channels = program.command('channels').description('link, unlink and inspect WhatsApp accounts');
  channels
    .command('login')
    .description('link a WhatsApp account: prints a QR code to scan, refreshes it, waits until linked')
    .option('--account <id>', 'the account (default: the default account)')
    .option('--force', 'link again even if the account is already linked')
    .option('--timeout <seconds>', 'how long to wait for the scan', '180')
    .action(async (opts: { account?: string; force?: boolean; timeout?: string }) =>
      exit(await channelsLogin(opts)),
    );
  channels
    .command('logout')
    .description('unlink an account and remove its WhatsApp credentials (keeps the shared oauth.json)')
    .option('--account <id>', 'the account (default: the default account)')
    .action(async (opts: { account?: string }) => exit(await channelsLogout(opts)));
  channels
    .command('reconnect')
    .description('try a reconnecting, degraded or conflicted account again now, with a fresh set of attempts')
    .option('--account <id>', 'the account (default: the default account)')
    .option('--timeout <seconds>', 'how long to wait for it to connect', '30')
    .action(async (opts: { account?: string; timeout?: string }) => exit(await channelsReconnect(opts)));
  channels
    .command('status')
    .description('linked / running / connected / last error per account, with warnings')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => exit(await channelsStatus(opts)));

  const pairing = program
    .command('pairing')
    .description('approve, deny and revoke who may message the assistant (dmPolicy "pairing")');
  pairing
    .command('list [channel]')
    .description('pending pairing requests (number, name, code, age, expiry) and approved senders')
    .option('--account <id>', 'only this account (default: all accounts)')
    .option('--json', 'machine-readable output')
    .action(async (channel: string | undefined, opts: { account?: string; json?: boolean }) =>
      exit(await pairingList(channel, opts)),
    );
  pairing
    .command('approve <channel> <code>')
    .description('let the sender of this code talk to the assistant, and tell them so')
    .option('--account <id>', 'the account the code must belong to')
    .option('--json', 'machine-readable output')
    .action(async (channel: string, code: string, opts: { account?: string; json?: boolean }) =>
      exit(await pairingApprove(channel, code, opts)),
    );
  pairing
    .command('deny <channel> <code>')
    .description('drop a pending request without approving it')
    .option('--account <id>', 'the account the code must belong to')
    .option('--json', 'machine-readable output')
    .action(async (channel: string, code: string, opts: { account?: string; json?: boolean }) =>
      exit(await pairingDeny(channel, code, opts)),
    );
  pairing
    .command('revoke <channel> <e164>')
    .description('remove an approved sender; their next message is from an unknown sender again')
    .option('--account <id>', 'the account (default: the default account)')
    .option('--json', 'machine-readable output')
    .action(async (channel: string, e164: string, opts: { account?: string; json?: boolean }) =>
      exit(await pairingRevoke(channel, e164, opts)),
    );

  const message = program.command('message').description('send WhatsApp messages through the gateway');
  message
    .command('send')
    .description(
      'send a text and/or media (image, video, voice note, document) to a contact or group through the outbox; ' +
        'prints the WhatsApp id of each message, then waits until each is sent or has failed',
    )
    .requiredOption(
      '--to <number|jid>',
      'a phone number in E.164 form (+15551234567) or a group JID (…@g.us)',
    )
    .option('--message <text>', 'the text (the caption when media is given)')
    .option(
      '--media <path|url>',
      'a local file, file:// or http(s) URL; repeat for several',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--gif-playback', 'play a video inline and looping, like a GIF')
    .option('--account <id>', 'the account to send from (default: the default account)')
    .option('--no-wait', 'return once the messages are stored in the outbox')
    .option('--timeout <seconds>', 'how long to wait for the sends', '60')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExit status: 0 when every message was sent (or is still queued), 1 when one failed or the account is not connected.',
    )
    .action(async (opts: MessageSendOptions) => exit(await messageSend(opts)));

  program
    .command('agent')
    .description(
      "ask the agent once from the terminal (its CLI session, or the contact's chat session with --to); " +
        'prints the answer, and with --deliver also sends it to that contact',
    )
    .requiredOption('--message <text>', 'what to ask')
    .option('--agent <id>', 'which agent (default: the default agent)')
    .option('--to <e164>', "answer in this contact's session (a phone number in E.164 form)")
    .option('--deliver', 'also send the answer to --to on WhatsApp, through the outbox')
    .option('--account <id>', 'the account to deliver from (default: the default account)')
    .option('--timeout <seconds>', 'how long to wait for the answer', '630')
    .option('--json', 'machine-readable output')
    .action(async (opts: AgentOptions) => exit(await agentAsk(opts)));

  const sessions = program
    .command('sessions')
    .description("the agent's conversations, their turns and costs");
  sessions
    .command('list')
    .description('sessions with their last activity, turns and cost, newest first')
    .option('--agent <id>', 'only this agent')
    .option('--limit <n>', 'at most this many')
    .option('--json', 'machine-readable output')
    .action(async (opts: { agent?: string; limit?: string; json?: boolean }) =>
      exit(await sessionsList(opts)),
    );
  sessions
    .command('show <key>')
    .description("a session's transcript: user, assistant and tool turns with tokens and cost")
    .option('--limit <n>', 'only the last n turns')
    .option('--json', 'machine-readable output')
    .action(async (key: string, opts: { limit?: string; json?: boolean }) =>
      exit(await sessionsShow(key, opts)),
    );
  sessions
    .command('reset <key>')
    .description('start the session afresh, as /new does in the chat: the next turn carries no earlier ones')
    .option('--json', 'machine-readable output')
    .action(async (key: string, opts: { json?: boolean }) => exit(await sessionsReset(key, opts)));

  const heartbeat = program
    .command('heartbeat')
    .description("the agent's scheduled check-ins (HEARTBEAT.md): next run, last result, a run now");
  heartbeat
    .command('status')
    .description('per agent: how often, the next run, and the last result with its tokens and cost')
    .option('--agent <id>', 'only this agent')
    .option('--json', 'machine-readable output')
    .action(async (opts: { agent?: string; json?: boolean }) => exit(await heartbeatStatus(opts)));
  heartbeat
    .command('run')
    .description("run a heartbeat now (the default agent's unless --agent) and print what it did")
    .option('--agent <id>', 'which agent')
    .option('--json', 'machine-readable output')
    .action(async (opts: { agent?: string; json?: boolean }) => exit(await heartbeatRun(opts)));

  const models = program.command('models').description('the configured models and whether they answer');
  models
    .command('list')
    .description('configured models: API, where the key comes from (never the key), who uses them')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => exit(await modelsList(opts)));
  models
    .command('test [ref]')
    .description("make one real tiny request to a model (default: the default agent's primary model)")
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExit status: 0 when the model answered, 1 when it did not (the reason is printed).',
    )
    .action(async (ref: string | undefined, opts: { json?: boolean }) => exit(await modelsTest(ref, opts)));

  program
    .command('onboard')
    .description(
      'first-run setup: dedicated or personal number, your number, the model (tested), then link the phone; ' +
        'asks in a terminal, or takes every answer as a flag',
    )
    .option(
      '--mode <mode>',
      'dedicated (recommended: a number just for the assistant) or personal (self-chat)',
    )
    .option('--owner <number>', 'the phone you will message from, with country code (+15551234567)')
    .option('--dm-policy <policy>', 'dedicated only: pairing (default), allowlist, open or disabled')
    .option('--provider-preset <id>', 'anthropic, openai, openrouter, ollama, lmstudio or custom')
    .option('--provider <id>', "save the provider under this id (default: the preset's)")
    .option('--api <api>', "openai-completions or anthropic-messages (default: the preset's)")
    .option('--base-url <url>', "the provider's address (default: the preset's)")
    .option('--model <id>', 'the model id, as the provider names it')
    .option('--api-key <key>', 'the API key (stored write-only in the credentials file)')
    .option('--api-key-env <name>', 'read the API key from this environment variable instead')
    .option('--skip-model', 'leave the model as it is')
    .option('--skip-model-test', 'save the model without a test request')
    .option('--yes', 'replace values already in the config without asking')
    .option('--no-link', 'do not link a phone now')
    .option('--account <id>', 'the WhatsApp account to link (default: the default account)')
    .option('--timeout <seconds>', 'how long to wait for the QR scan', '180')
    .addHelpText(
      'after',
      '\nWithout a terminal (or with CI set), a missing answer is an error naming its flag.',
    )
    .action(async (opts: OnboardOptions) => exit(await onboard(opts)));

  program
    .command('logs')
    .description('recent gateway log lines')
    .option('-f, --follow', 'keep printing new lines')
    .option('--subsystem <name>', 'only this subsystem (e.g. gateway, config, control)')
    .option('--level <level>', 'only this level and above')
    .option('-n, --lines <n>', 'how many recent lines', '100')
    .option('--json', 'one JSON object per line')
    .action(async (opts) => exit(await logs(opts)));

  program
    .command('doctor')
    .description('check config, files, permissions, port and native modules; print a fix for each problem')
    .addHelpText(
      'after',
      '\nExit status: 0 when every check passed, 1 when a problem (✗) was found, 2 when there are warnings (!) but no problems.',
    )
    .action(async () => exit(await doctor()));

  program
    .command('dashboard')
    .description('print a one-time link that opens the UI of the running gateway in a browser')
    .action(async () => exit(await dashboard()));

  return program;
}

function exit(code: number): void {
  process.exitCode = code;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
    } else if (err instanceof CliError) {
      console.error(err.message);
      process.exitCode = err.exitCode;
    } else if (err instanceof GatewayError) {
      // A coded error says what went wrong in its message; a stack trace is only for real bugs.
      console.error(`openclaw: ${err.message}`);
      process.exitCode = 1;
    } else {
      console.error(`openclaw: unexpected error: ${(err as Error).stack ?? String(err)}`);
      process.exitCode = 1;
    }
  }
}

await main(process.argv);
