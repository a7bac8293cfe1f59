// Composition root of the gateway: config → logs → store → control server. Runs under plain Node (CLI) and inside
// Electron's main process alike. Everything opened here is closed by stop(), and on a failed start too.
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { EventName } from '../shared/names';
import type { Result } from '../shared/result';
import type { Health } from '../shared/contract';
import { resolvePaths } from './config/paths';
import { ConfigService } from './config/service';
import { createDispatcher, type CallerContext } from './control/dispatcher';
import { createHttpHandler } from './control/http-server';
import { createHandlers } from './control/methods';
import { removeRuntimeInfo, writeRuntimeInfo } from './control/runtime-file';
import {
  closerFor,
  describeLockHolder,
  connectTimeoutMs,
  faultDelay,
  findUiDir,
  GatewayStartError,
  listen,
  parsePort,
} from './start-support';
import { lockStateDir } from './fs/state-lock';
import { ensureGatewayToken } from './control/token';
import { UiAuth } from './control/ui-auth';
import { attachControlSocket } from './control/ws-server';
import { createLogHub } from './log/hub';
import { installConsoleGuard } from './log/console-guard';
import { logFallbackDir } from './log/log-folder';
import { openStore } from './store/db';
import { lastRun, recordRunStart, recordRunStop } from './store/queries/runs';
import { VERSION } from './version';
import { WhatsAppManager } from './whatsapp/manager';
import { PairingService } from './access/pairing-service';
import { pairingHandlers } from './control/pairing-methods';
import { outboundHandlers } from './control/outbound-methods';
import { agentHandlers } from './control/agent-methods';
import { heartbeatHandlers } from './control/heartbeat-methods';
import { wireAgent, type AgentWiring } from './agent/wire';
import type { KeyCipher } from './agent/providers/keys';
import { wireMetrics } from './metrics/wire';
import { Outbox } from './outbound/outbox';
import { autoReplies } from './outbound/auto-replies';
import { DEFAULT_PACING, NO_PACING } from './outbound/pacing';
import { resolveAccount } from './config/account';
import { InboundPipeline } from './inbound/pipeline';
import { importLegacyPairing, sendPairingConfirmation } from './inbound/pairing-glue';
import { selectSimulator, type SimulatorSelection } from './whatsapp/simulator';

/** How long a request still in progress at shutdown may take before its connection is cut. */
const SERVER_CLOSE_GRACE_MS = 1000;

export type { CallerContext } from './control/dispatcher';
export { GatewayStartError } from './start-support';

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides OPENCLAW_GATEWAY_PORT and gateway.port. */
  port?: number;
  /** Serve the built UI over HTTP (headless mode). Electron loads it from disk instead. */
  serveUi?: boolean;
  /** Where the built renderer lives; found next to the bundle or in out/renderer when omitted. */
  uiDir?: string | null;
  /** Human-readable log lines go here too (the foreground `openclaw gateway run`). */
  console?: NodeJS.WritableStream | null;
  /** Seals stored model API keys at rest: the desktop app passes Electron's safeStorage. */
  keyCipher?: KeyCipher;
}

export interface Gateway {
  readonly port: number;
  readonly stateDir: string;
  readonly configPath: string;
  call(method: string, params: unknown, caller: CallerContext): Promise<Result<unknown>>;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  health(): Health;
  /** A one-time link that signs a browser into the served UI. */
  uiLink(): { url: string; expiresAt: string };
  stop(): Promise<void>;
}

export async function startGateway(opts: StartOptions = {}): Promise<Gateway> {
  const env = opts.env ?? process.env;
  const { stateDir, configPath } = resolvePaths(env);
  const startedAt = new Date();
  // First of all: a second gateway on this state folder must not touch its config, store or credentials.
  const lock = lockStateDir(stateDir);
  if (!lock) throw new GatewayStartError(await describeLockHolder(stateDir));
  const cleanups: Array<() => Promise<void> | void> = [() => lock.release()];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  };

  const logs = createLogHub({ console: opts.console ?? null, fallbackDir: logFallbackDir(stateDir) });
  cleanups.push(() => logs.close());
  cleanups.push(installConsoleGuard(logs.child('console')));
  const log = logs.child('gateway');
  try {
    const config = await ConfigService.open({ configPath, stateDir, log: logs.child('config') });
    cleanups.push(() => config.close());
    const applyLogging = () => {
      const { level, file, consoleLevel, maxFiles } = config.config.logging;
      logs.configure({ level, file, consoleLevel, maxFiles });
    };
    applyLogging();

    const store = openStore(join(stateDir, 'state.db'), {
      onCheckpointProblem: (reason) =>
        logs
          .child('store')
          .warn({ reason }, 'state.db checkpoints run on the main thread (the worker thread failed)'),
    });
    cleanups.push(() => store.close());
    const previous = lastRun(store.db);
    const runId = recordRunStart(store.db, { pid: process.pid, version: VERSION, now: startedAt.getTime() });
    cleanups.push(() => recordRunStop(store.db, runId, Date.now()));
    if (previous && !previous.clean) {
      log.warn(
        { pid: previous.pid, startedAt: new Date(previous.startedAt).toISOString() },
        'the previous gateway run did not shut down cleanly',
      );
    }

    const { token, source, fixedMode } = await ensureGatewayToken({
      env,
      configToken: config.config.gateway.auth.token,
      stateDir,
    });
    logs.addSecret(token);
    if (fixedMode) log.warn('gateway.token was readable by other users; its mode is now 0600');

    const portOverride = opts.port ?? parsePort(env.OPENCLAW_GATEWAY_PORT);
    const port = portOverride ?? config.config.gateway.port;
    const auth = new UiAuth();
    const uiLink = () => {
      const { code, expiresAt } = auth.issueCode();
      return {
        url: `http://127.0.0.1:${port}/login?code=${code}`,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    };
    const health = (): Health => ({
      version: VERSION,
      pid: process.pid,
      startedAt: startedAt.toISOString(),
      uptimeMs: Date.now() - startedAt.getTime(),
      stateDir,
      port,
      config: config.status(),
    });

    const listeners = new Set<(event: EventName, payload: unknown) => void>();
    const emit = (event: EventName, payload: unknown) => {
      for (const listener of listeners) {
        try {
          listener(event, payload);
        } catch (err) {
          // Not logged through the hub: a failing log listener would recurse.
          opts.console?.write(`event listener failed: ${(err as Error).message}\n`);
        }
      }
    };
    let simulator: SimulatorSelection | null;
    try {
      simulator = await selectSimulator(env, logs.child('whatsapp'));
    } catch (err) {
      throw new GatewayStartError((err as Error).message);
    }
    const inboundLog = logs.child('whatsapp/inbound');
    // Declared before the manager so its callbacks can reach the pipeline; both exist before any socket opens.
    let pipeline: InboundPipeline | null = null;
    let outbox: Outbox | null = null;
    let agent: AgentWiring | null = null;
    const whatsapp: WhatsAppManager = new WhatsAppManager({
      config: () => config.config,
      stateDir,
      db: store.db,
      logs,
      simulator,
      onStatus: (status) => {
        emit('channels.state', status);
        // Held automatic replies go out once the account is back.
        if (status.state === 'open') outbox?.accountConnected(status.accountId);
      },
      onQr: (qr) => emit('channels.qr', qr),
      onInbound: (batch) => pipeline?.intakeMany(batch),
      persistAccounts: async (ids) => {
        for (const id of ids) await config.set(`channels.whatsapp.accounts.${id}`, {});
      },
      connectTimeoutMs: connectTimeoutMs(env),
    });
    const sending = new Outbox({
      db: store.db,
      log: logs.child('whatsapp/outbound'),
      port: (accountId) => whatsapp.outboundPort(accountId),
      maxAgeMs: (accountId) => resolveAccount(config.config, accountId, stateDir).replyMaxAgeMinutes * 60_000,
      onChange: (item) => emit('outbox.changed', item),
      // Tests and benchmarks that count hundreds of sends switch pacing off; people never need to.
      pacing: env.OPENCLAW_OUTBOUND_PACING === 'off' ? NO_PACING : DEFAULT_PACING,
    });
    outbox = sending;
    const replies = autoReplies(sending);
    const pairing = new PairingService({
      db: store.db,
      log: logs.child('pairing'),
      emit: (event, payload) => emit(event, payload),
      confirm: (accountId, request) =>
        sendPairingConfirmation(
          config.config,
          replies,
          (id) => whatsapp.account(id)?.status().linked ?? false,
          stateDir,
          accountId,
          request,
        ),
      defaultAccount: () => whatsapp.defaultAccount(),
    });
    pipeline = new InboundPipeline({
      db: store.db,
      log: inboundLog,
      config: () => config.config,
      stateDir,
      pairing,
      port: (accountId) => whatsapp.port(accountId),
      replies,
      emit: (event, payload) => {
        emit(event, payload);
        agent?.service.kick();
      },
      processDelayMs: faultDelay(env, inboundLog),
    });
    const inbound = pipeline;
    // Stopped in this order (cleanups run in reverse): sockets first, so nothing new arrives, then the pipeline.
    cleanups.push(() => inbound.stop());
    cleanups.push(() => whatsapp.close());
    // Stopped before the sockets close, so a send in flight settles on its socket rather than in a teardown.
    cleanups.push(() => sending.stop());
    // Stopped before the outbox: an aborted run leaves its messages unconsumed for the next start.
    const agentWiring = wireAgent(store.db, sending, {
      config,
      stateDir,
      env,
      logs,
      whatsapp,
      emit,
      keyCipher: opts.keyCipher,
    });
    agent = agentWiring;
    cleanups.push(() => agentWiring.stop());
    const dispatch = createDispatcher(
      {
        ...createHandlers({
          config,
          logs,
          health,
          uiLink,
          whatsapp,
          simulator: simulator?.url ?? null,
          db: store.db,
        }),
        ...pairingHandlers(pairing),
        ...outboundHandlers({
          outbox: sending,
          whatsapp,
          config: () => config.config,
          stateDir,
          log: logs.child('whatsapp/outbound'),
        }),
        ...agentHandlers({ agent: agentWiring.service, models: agentWiring.models }),
        ...heartbeatHandlers(agentWiring.heartbeats),
      },
      logs.child('control'),
    );

    const uiDir = opts.serveUi === false ? null : opts.uiDir !== undefined ? opts.uiDir : findUiDir();
    const metrics = wireMetrics({
      db: store.db,
      token,
      whatsapp,
      models: agentWiring.models,
      onEvent: (l) => listeners.add(l),
    });
    const server = createServer(createHttpHandler({ uiDir, port: () => port, auth, metrics }));
    const closeServer = closerFor(server, SERVER_CLOSE_GRACE_MS);
    await listen(server, port);
    cleanups.push(closeServer);
    const sockets = attachControlSocket({
      server,
      port: () => port,
      token,
      version: VERSION,
      auth,
      dispatch,
      log: logs.child('control'),
    });
    cleanups.push(() => sockets.close());
    listeners.add((event, payload) => sockets.broadcast(event, payload));

    cleanups.push(logs.onEntry((entry) => emit('log', entry)));
    // Said once per change of gateway.port, not on every save; and only as a warning when the config is where
    // this gateway's port came from (with --port or OPENCLAW_GATEWAY_PORT a restart would not move it either).
    let configuredPort = config.config.gateway.port;
    cleanups.push(
      config.onChange((status) => {
        applyLogging();
        const configured = config.config.gateway.port;
        if (status.valid && configured !== configuredPort) {
          configuredPort = configured;
          if (portOverride !== undefined) {
            log.info(
              { configured, listening: port },
              'gateway.port changed; this gateway takes its port from --port or OPENCLAW_GATEWAY_PORT instead',
            );
          } else if (configured !== port) {
            log.warn({ configured, listening: port }, 'gateway.port changed: restart the gateway to move it');
          }
        }
        emit('config.changed', status);
      }),
    );
    await config.startWatching();
    // The runtime file (an fsynced write) goes first so it does not compete with the accounts' handshakes; a CLI
    // that finds it this early sees the accounts as they appear, which the control API already allows for.
    await writeRuntimeInfo(stateDir, {
      pid: process.pid,
      port,
      startedAt: startedAt.toISOString(),
      version: VERSION,
    });
    cleanups.push(() => removeRuntimeInfo(stateDir, process.pid));
    importLegacyPairing(pairing, config.config, stateDir, logs.child('pairing'));
    // Messages a previous run stored but did not finish are handed on before new ones arrive.
    inbound.replay();
    // Items a previous run stored but did not send (or left in flight) resume with their ids.
    sending.start();
    // After both: messages a previous run left unanswered are answered once their chats' state is known.
    agentWiring.start();
    await whatsapp.start();
    log.info({ port, configPath, stateDir, tokenSource: source, ui: uiDir !== null }, 'gateway started');

    let stopping: Promise<void> | null = null;
    return {
      port,
      stateDir,
      configPath,
      call: dispatch,
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      health,
      uiLink,
      stop() {
        stopping ??= (async () => {
          log.info('gateway stopping');
          listeners.clear();
          await cleanup();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
