// `openclaw gateway run`: the headless gateway in the foreground. Ctrl-C (or SIGTERM) stops it cleanly;
// a second Ctrl-C exits at once.
import { CliError } from '../errors';

export async function gatewayRun(opts: { port?: string }): Promise<void> {
  const port = opts.port === undefined ? undefined : parsePortFlag(opts.port);
  // Loaded here, not at the top: no other command needs the gateway's code in its process.
  const { startGateway, GatewayStartError } = await import('../../gateway/gateway');
  const { ConfigStartupError } = await import('../../gateway/config/service');
  const { StoreVersionError } = await import('../../gateway/store/db');

  let gateway;
  try {
    gateway = await startGateway({ port, console: process.stdout });
  } catch (err) {
    if (
      err instanceof ConfigStartupError ||
      err instanceof GatewayStartError ||
      err instanceof StoreVersionError
    ) {
      throw new CliError(`The gateway did not start: ${err.message}`);
    }
    throw err;
  }

  const out = process.stdout;
  // The handlers go in before the banner: a Ctrl-C (or a supervisor's SIGINT) sent the moment "Press Ctrl-C"
  // appears must stop the gateway cleanly, not kill it by the signal's default action.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      out.write('Stopping immediately.\n');
      process.exit(130);
    }
    stopping = true;
    out.write(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping the gateway…\n`);
    void gateway.stop().then(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      out.write('Gateway stopped.\n');
      // Everything of ours is closed and flushed. Baileys leaves a 30 s pre-key upload timer running
      // (socket.js never clears it), which would hold the process open; exit rather than linger.
      process.exit(process.exitCode ?? 0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const health = gateway.health();
  out.write(`OpenClaw gateway ${health.version} listening on 127.0.0.1:${gateway.port}\n`);
  out.write(
    `Config: ${gateway.configPath} (${health.config.valid ? 'valid' : 'INVALID — running on the last good config'})\n`,
  );
  for (const issue of health.config.errors) out.write(`  ${issue.path || '(file)'}: ${issue.message}\n`);
  out.write(
    `Open the UI: ${gateway.uiLink().url}\n  (a one-time link; \`openclaw dashboard\` prints a new one)\n`,
  );
  out.write('Press Ctrl-C to stop.\n');
  await new Promise<never>(() => undefined);
}

export function parsePortFlag(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new CliError(`--port must be a port number from 1 to 65535 (got ${JSON.stringify(value)})`);
  }
  return port;
}
