// `npm run sim`: the WhatsApp Web simulator as a standalone process for people (and for a gateway pointed at it
// with OPENCLAW_WA_SIMULATOR), with the admin page beside it. Fixed default ports so a bookmarked admin page and
// an env var keep working between runs; a busy port falls back to a free one and says so.
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { startAdmin, type AdminServer } from './admin/server';
import { startSim, type Sim } from './index';
import type { Account, Companion } from './server/model';
import type { Connection } from './server/connection';

const DEFAULT_PORT = 18790;
const DEFAULT_ADMIN_PORT = 18791;

const HELP = `Usage: npm run sim -- [options]

Runs a loopback WhatsApp Web server that the real Baileys client can link to, plus an admin page.

Options:
  --port <n>        WhatsApp socket port (env WA_SIM_PORT, default ${DEFAULT_PORT}; 0 = any free port)
  --admin-port <n>  admin page and API port (env WA_SIM_ADMIN_PORT, default ${DEFAULT_ADMIN_PORT}; 0 = any free port)
  --seed <text>     derive every simulated device's keys from this, for reproducible runs
  --no-demo         do not create the demo phone and contacts
  -h, --help        show this help
`;

function fail(message: string): never {
  console.error(`wa-sim: ${message}\n\n${HELP}`);
  process.exit(2);
}

function portFrom(flag: string | undefined, env: string | undefined, fallback: number, name: string): number {
  const raw = flag ?? (env === undefined || env === '' ? undefined : env);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`${name}: not a port number: ${raw}`);
  return port;
}

/** Whether 127.0.0.1:port can be bound now (the simulator's own listen has no error path to fall back from). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function freeOrAny(port: number, what: string): Promise<number> {
  if (port === 0 || (await isFree(port))) return port;
  console.log(`note: port ${port} is busy; the ${what} uses a free port instead`);
  return 0;
}

async function startAdminOn(sim: Sim, port: number): Promise<AdminServer> {
  try {
    return await startAdmin(sim, { port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
    console.log(`note: port ${port} is busy; the admin page uses a free port instead`);
    return startAdmin(sim, { port: 0 });
  }
}

function watch(sim: Sim): void {
  // A person running this wants to see links and logins happen without opening the page.
  sim.server.on('linked', (a: Account, c: Companion) =>
    console.log(`linked: +${a.user} device ${c.device} (${c.platform || 'unknown platform'})`),
  );
  sim.server.on('login', (a: Account, c: Companion) => console.log(`login: +${a.user} device ${c.device}`));
  sim.server.on('close', (conn: Connection) => {
    if (conn.user) console.log(`disconnected: +${conn.user} device ${conn.device}`);
  });
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        seed: { type: 'string' },
        'no-demo': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    console.log(HELP);
    return;
  }
  const wantedPort = portFrom(args.port, process.env.WA_SIM_PORT, DEFAULT_PORT, '--port');
  const wantedAdmin = portFrom(
    args['admin-port'],
    process.env.WA_SIM_ADMIN_PORT,
    DEFAULT_ADMIN_PORT,
    '--admin-port',
  );

  const sim = await startSim({ port: await freeOrAny(wantedPort, 'WhatsApp socket'), seed: args.seed });
  let admin: AdminServer;
  try {
    admin = await startAdminOn(sim, wantedAdmin);
  } catch (err) {
    await sim.close();
    throw err;
  }

  if (!args['no-demo']) {
    sim.phone('+15550001111', { name: 'Demo phone' });
    sim.contact('+15551234567', { name: 'Alice' });
    sim.contact('+15557654321', { name: 'Bob' });
  }

  const rootKey = Buffer.from(sim.rootPublicKey).toString('hex');
  console.log(
    [
      'WhatsApp Web simulator running (Ctrl-C to stop)',
      '',
      `  WhatsApp socket   ${sim.url}`,
      `  Admin page        ${admin.url}/`,
      `  Root public key   ${rootKey}`,
      `  Media host CA     ${sim.mediaHost.caFile}`,
      '',
      args['no-demo']
        ? 'No demo data (--no-demo): add phones and contacts on the admin page.'
        : 'Demo: phone +15550001111, contacts Alice +15551234567 and Bob +15557654321.',
      '',
      'To point a gateway at it (instead of WhatsApp):',
      `  OPENCLAW_WA_SIMULATOR=${sim.url}`,
      `  NODE_EXTRA_CA_CERTS=${sim.mediaHost.caFile}`,
      '  A gateway started that way fetches the root public key above from the socket port',
      `  (GET http://127.0.0.1:${sim.server.port}/trust) and trusts it instead of WhatsApp’s certificate root;`,
      `  tests call trustSimulator(rootPublicKey). The admin API has the same at ${admin.url}/api/trust.`,
      '',
      'Link a client: show its QR, paste the QR text on the admin page and press Scan.',
    ].join('\n'),
  );
  watch(sim);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the simulator…`);
    // If something hangs, still go away rather than leave a half-closed server behind.
    setTimeout(() => {
      console.error('wa-sim: shutdown took longer than 5 s; exiting anyway');
      process.exit(1);
    }, 5_000).unref();
    void (async () => {
      await admin.close();
      await sim.close();
      console.log('stopped');
      process.exit(0);
    })().catch((err: unknown) => {
      console.error(`wa-sim: error while stopping: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`wa-sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
