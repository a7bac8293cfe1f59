// One WhatsApp account: its credentials, at most one Baileys socket, and the lifecycle that turns Baileys'
// connection events into one typed health state (see lifecycle.ts for what each close code means).
import {
  DEFAULT_CONNECTION_CONFIG,
  jidDecode,
  type ConnectionState,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { AccountState, AccountStatus, QrEvent } from '../../shared/contract';
import { GatewayError } from '../errors';
import { baileysLogger, type BaileysLogger } from './baileys-log';
import { CONNECT_TIMEOUT_MS, connectTimedOut, makeAccountSocket } from './account-socket';
import { InboundListener } from './inbound-listener';
import { openAuthState, type GatewayAuthState } from './auth/auth-state';
import { createInboundPort, type AccountPort } from './inbound-port';
import { GROUP_EVENTS, GroupMetaCache } from './group-meta-cache';
import { accountStatus, qrEvent } from './account-status';
import { SEND_LIMIT_EVENTS, SendLimitsTracker } from './send-limits';
import { closeOutcome, unreachableReason } from './lifecycle';
import { SocketStorages } from './socket-storages';
import { Waiters } from './waiters';
import { TimerGroup } from './timer-group';
import { ReconnectBudget } from './reconnect-policy';
import type { AccountDeps } from './account-deps';

const TIMELINE_LENGTH = 20;
/** Every socket event the account listens to, all removed with the socket. */
const SOCKET_EVENTS = [
  'creds.update',
  'connection.update',
  'messages.upsert',
  ...GROUP_EVENTS,
  ...SEND_LIMIT_EVENTS,
] as const;

export class WhatsAppAccount {
  private auth!: GatewayAuthState;
  private sock: WASocket | null = null;
  private readonly storages = new SocketStorages<WASocket>();
  private state: AccountState = 'unlinked';
  private readonly budget: ReconnectBudget;
  private connectionId = 0;
  private openedAt: number | null = null;
  /** When the current socket was created (the offline backlog is what arrives from then on). */
  private socketSince: number | null = null;
  private nextAttemptAt: number | null = null;
  private lastError: string | undefined;
  private lastInboundAt: number | null = null;
  private messagesHandled = 0;
  private qrShown = 0;
  private latestQr: QrEvent | null = null;
  private readonly timeline: AccountStatus['timeline'] = [];
  private readonly timers = new TimerGroup();
  /** Timers that watch the current socket (its connect limit, the attempt budget's reset): cleared when it goes,
   * since each holds the socket and, left to run out, would keep a closed one (keys, caches) alive for its term. */
  private readonly socketTimers = new TimerGroup();
  private readonly waiters = new Waiters();
  private readonly sendLimits = new SendLimitsTracker();
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly inbound: InboundListener;
  private readonly baileysLog: BaileysLogger;
  /** Shared by the inbound side and the socket's group sends (group-meta-cache.ts). */
  private readonly groups: GroupMetaCache;
  readonly port: AccountPort;

  constructor(private readonly deps: AccountDeps) {
    this.baileysLog = baileysLogger(deps.baileysLog);
    this.budget = new ReconnectBudget(deps.policy, deps.random);
    this.inbound = new InboundListener({
      accountId: deps.accountId,
      log: deps.inboundLog,
      db: deps.db,
      onInbound: deps.onInbound,
      onDecryptFailure: () => this.deps.onStatus(this.status()),
    });
    this.groups = GroupMetaCache.over(() => this.sock, deps.accountId);
    this.port = createInboundPort({
      accountId: deps.accountId,
      db: deps.db,
      // Offline messages arrive before Baileys reports 'open', on a socket that is already logged in: receipts
      // and replies for them go out on it rather than fail.
      socket: () => this.sock,
      connectedAt: () => this.socketSince,
      mediaDir: deps.mediaDir,
      fetchOptions: deps.mediaFetchOptions,
      log: deps.inboundLog,
      groups: this.groups,
    });
  }

  get id(): string {
    return this.deps.accountId;
  }

  /** Loads credentials and connects if the account is linked; an unlinked account waits for a login. */
  async start(): Promise<void> {
    this.auth = await openAuthState(this.deps);
    this.startHeartbeat();
    // Damaged saved creds leave the account unlinked; its sentence says why (auth-state.ts).
    this.lastError = this.auth.damage;
    if (this.auth.isLinked()) this.connect('connecting');
    else this.setState('unlinked');
  }

  /** Shows a QR for linking; `force` drops existing credentials first (re-link). */
  async startLogin(force: boolean): Promise<QrEvent | null> {
    // Credentials WhatsApp logged out are dead: linking again is the only way forward.
    const relink = force || this.state === 'logged_out';
    if (this.auth.isLinked() && !relink) {
      if (this.state === 'open') {
        throw new GatewayError(
          'whatsapp.already_linked',
          `account "${this.id}" is already linked as ${this.number() ?? 'a device'}; use --force to link again`,
        );
      }
      this.stopped = false;
      this.reconnect();
      return null;
    }
    if (this.auth.isLinked() || relink) await this.resetCredentials();
    this.stopped = false;
    if (this.state !== 'linking' || !this.sock) this.connect('linking');
    return this.latestQr ?? (await this.nextQrOrOpen(15_000));
  }

  /** Resolves when the account is open, or with the state that ended the wait (logged out, conflict…). */
  waitUntilSettled(timeoutMs: number): Promise<AccountStatus> {
    const settled = () =>
      ['open', 'logged_out', 'conflict', 'degraded', 'stopped'].includes(this.state) ||
      (this.state === 'unlinked' && !!this.lastError);
    return this.waiters.wait(settled, () => this.status(), timeoutMs);
  }

  /** Unlinks: tells WhatsApp (when connected), then removes this account's credentials and keys. */
  async logout(): Promise<boolean> {
    const wasLinked = this.auth.isLinked();
    const sock = this.sock;
    if (sock && this.state === 'open')
      await sock
        .logout()
        .catch((err: Error) =>
          this.deps.log.warn({ err: err.message }, 'logout request failed; removing credentials anyway'),
        );
    await this.resetCredentials();
    this.lastError = undefined;
    this.setState('unlinked');
    return wasLinked;
  }

  /** Reconnect, a network change or a wake: a waiting account tries at once, with a fresh set of attempts. */
  reconnect(): boolean {
    if (this.stopped || !this.auth?.isLinked()) return false;
    if (!['reconnecting', 'degraded', 'conflict'].includes(this.state)) return false;
    this.deps.reconnectLog.info({ accountId: this.id, from: this.state }, 'reconnecting now, as asked');
    this.budget.reset();
    this.clearTimers();
    this.connect('connecting');
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.port.close();
    this.closeSocket();
    this.inbound.intake.flushHandled();
    this.storages.releaseRetired();
    this.clearTimers();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.setState('stopped');
    await this.auth?.flush();
  }

  status(): AccountStatus {
    return accountStatus({
      accountId: this.id,
      name: this.deps.name,
      state: this.state,
      linked: this.auth?.isLinked() ?? false,
      number: this.number(),
      attempts: this.budget.attempts,
      maxAttempts: this.deps.policy().maxAttempts,
      openedAt: this.openedAt,
      nextAttemptAt: this.nextAttemptAt,
      lastInboundAt: this.lastInboundAt,
      lastError: this.lastError,
      credsError: this.auth?.writeError(),
      decryptFailures: this.inbound.decryptFailures,
      lastDecryptFailureAt: this.inbound.lastDecryptFailureAt,
      sendLimits: this.sendLimits.snapshot(),
      timeline: this.timeline,
    });
  }

  /** The live socket, for sending (later issues); null unless open. */
  socket(): WASocket | null {
    return this.state === 'open' ? this.sock : null;
  }

  private number(): string | undefined {
    const user = jidDecode(this.auth?.state.creds.me?.id ?? '')?.user;
    return user ? `+${user}` : undefined;
  }

  // ---- connection -----------------------------------------------------------------------------------------

  /** Opens a socket unless one exists: never two sockets (or two connects in flight) for one account. */
  private connect(state: AccountState): void {
    if (this.sock || this.stopped) return;
    this.nextAttemptAt = null;
    this.connectionId += 1;
    // QR codes belong to the socket that showed them: a new socket starts with none.
    this.qrShown = 0;
    this.latestQr = null;
    this.setState(state);
    // What changed in a group while no socket was open may never be told: asked again.
    this.groups.clear();
    const { value: sock, storages } = makeAccountSocket(
      { ...this.deps.socketOptions(), cachedGroupMetadata: (jid) => this.groups.metadata(jid) },
      this.auth,
      this.baileysLog,
      this.inbound.intake,
    );
    this.inbound.attach(sock);
    this.sock = sock;
    this.storages.track(sock, storages);
    this.socketSince = Date.now();
    sock.ev.on('creds.update', () => void this.auth.saveCreds());
    sock.ev.on('connection.update', (update) => void this.onUpdate(sock, update));
    this.sendLimits.watch(sock, this.deps.log, this.id, () => this.deps.onStatus(this.status()));
    this.groups.watch(sock);
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      this.messagesHandled += messages.length;
      if (messages.some((m) => !m.key.fromMe)) this.lastInboundAt = Date.now();
      this.inbound.handle(sock, messages, type);
    });
    // The socket has no connect timeout of its own (account-socket.ts): one that has neither opened nor shown a QR
    // code by now ends as a timed-out connect, and the close handling retries or says why.
    const limitMs = this.deps.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const timedOut = () => {
      if (this.sock === sock && this.state !== 'open' && this.qrShown === 0)
        void sock.end(connectTimedOut(limitMs));
    };
    this.socketTimers.later(timedOut, limitMs);
  }

  private async onUpdate(sock: WASocket, update: Partial<ConnectionState>): Promise<void> {
    if (sock !== this.sock) return;
    if (update.qr) await this.showQr(update.qr);
    if (update.connection === 'open') {
      this.openedAt = Date.now();
      this.lastError = undefined;
      this.latestQr = null;
      this.setState('open');
      void this.port.flushOwedReceipts();
      // A connection that stays up for a heartbeat interval has earned a fresh set of attempts and restarts;
      // until then a close (even a 515) counts against the budget, so a server that drops each login cannot loop.
      const earned = () => {
        if (this.sock === sock && this.state === 'open' && this.budget.reset())
          this.deps.onStatus(this.status());
      };
      this.socketTimers.later(earned, this.deps.heartbeatSeconds() * 1000);
    }
    if (update.connection === 'close') {
      const error = update.lastDisconnect?.error;
      const code = (error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
      this.detach(sock);
      this.onClose(code, error);
    }
  }

  private onClose(code: number | undefined, error: Error | undefined): void {
    if (this.stopped) return;
    const wasLinking = this.state === 'linking';
    const url = this.deps.socketOptions().waWebSocketUrl ?? DEFAULT_CONNECTION_CONFIG.waWebSocketUrl;
    const outcome = closeOutcome(code, {
      wasLinking,
      linked: this.auth.isLinked(),
      qrShown: this.qrShown > 0,
      unreachable: unreachableReason(error, url) ?? undefined,
    });
    this.openedAt = null;
    const message = error?.message;
    this.lastError = outcome.error ?? (message ? `${message}${code ? ` (${code})` : ''}` : undefined);
    const step = this.budget.next(outcome);
    if (step.kind === 'stop') {
      this.deps.reconnectLog.warn(
        { accountId: this.id, code, state: step.state },
        `not reconnecting: ${step.error}`,
      );
      return this.setState(step.state);
    }
    if (step.kind === 'now') {
      this.deps.reconnectLog.info({ accountId: this.id, code }, 'restart required: reconnecting at once');
      return this.connect('connecting');
    }
    this.lastError = step.error ?? this.lastError;
    this.nextAttemptAt = Date.now() + step.delayMs;
    const degraded = step.state === 'degraded';
    this.deps.reconnectLog[degraded ? 'error' : 'warn'](
      { accountId: this.id, code, attempt: this.budget.attempts, delayMs: step.delayMs },
      `${this.lastError ?? 'connection closed'}; ${degraded ? 'reconnect attempts exhausted, trying again at the slow rate' : 'reconnecting'}`,
    );
    this.setState(step.state);
    this.timers.later(() => this.connect('connecting'), step.delayMs);
  }

  private async showQr(qr: string): Promise<void> {
    this.qrShown += 1;
    const event = await qrEvent(this.id, qr, this.qrShown);
    this.latestQr = event;
    if (this.state !== 'linking') this.setState('linking');
    this.deps.onQr(event);
    this.waiters.notify();
  }
  private nextQrOrOpen(timeoutMs: number): Promise<QrEvent | null> {
    return this.waiters.wait(
      () => !!this.latestQr || this.state !== 'linking',
      () => this.latestQr,
      timeoutMs,
    );
  }

  private async resetCredentials(): Promise<void> {
    this.closeSocket();
    this.clearTimers();
    await this.auth.clear();
    this.auth = await openAuthState(this.deps);
    this.budget.reset();
    this.qrShown = 0;
    this.latestQr = null;
  }

  /** Baileys' listeners go with the socket, so restarts never stack handlers. */
  private detach(sock: WASocket): void {
    for (const event of SOCKET_EVENTS) sock.ev.removeAllListeners(event);
    if (this.sock === sock) {
      this.sock = null;
      this.socketTimers.clear();
      this.storages.retire(sock);
      this.socketSince = null;
      // Its close event no longer reaches onClose: a logout or stop must not leave "connected since" behind.
      this.openedAt = null;
    }
  }

  private closeSocket(): void {
    const sock = this.sock;
    if (!sock) return;
    this.detach(sock);
    sock.end(undefined);
  }

  // ---- state, timers, heartbeat -------------------------------------------------------------------------------

  private setState(state: AccountState): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed) {
      // Recorded first, so the status this emits already shows the transition it announces.
      const { sentence } = this.status();
      this.timeline.push({ at: new Date().toISOString(), state, sentence });
      if (this.timeline.length > TIMELINE_LENGTH) this.timeline.shift();
      this.deps.log.info({ accountId: this.id, state }, sentence);
    }
    this.deps.onStatus(this.status());
    this.waiters.notify();
  }

  private clearTimers(): void {
    this.timers.clear();
    this.socketTimers.clear();
    this.nextAttemptAt = null;
  }

  private startHeartbeat(): void {
    const beat = () =>
      this.deps.heartbeatLog.info(
        {
          accountId: this.id,
          connectionId: this.connectionId,
          state: this.state,
          reconnectAttempts: this.budget.attempts,
          messagesHandled: this.messagesHandled,
          decryptFailures: this.inbound.decryptFailures,
          lastInboundAt: this.lastInboundAt ? new Date(this.lastInboundAt).toISOString() : null,
          authAgeMs: this.auth.authAgeMs(),
          uptimeMs: this.openedAt ? Date.now() - this.openedAt : 0,
        },
        'heartbeat',
      );
    this.heartbeat = setInterval(beat, this.deps.heartbeatSeconds() * 1000);
    this.heartbeat.unref();
  }
}
