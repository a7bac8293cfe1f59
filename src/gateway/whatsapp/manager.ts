// All WhatsApp accounts of one gateway: which exist (config), the default one, and the control operations on
// them. Each account owns its socket; the manager only routes and reports.
import { Agent } from 'node:https';
import { Agent as FetchAgent } from 'undici';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AccountStatus, QrEvent } from '../../shared/contract';
import { defaultAccountId, listAccountIds, resolveAccount } from '../config/account';
import type { OpenClawConfig } from '../config/schema';
import { GatewayError } from '../errors';
import type { LogHub } from '../log/hub';
import { WhatsAppAccount } from './account';
import { accountStatus } from './account-status';
import { startFailedSentence } from './lifecycle';
import { migrateLegacyCredentials } from './auth/legacy';
import type { SimulatorSelection } from './simulator';
import type { InboundPort } from '../inbound/port';
import type { RawInbound } from '../inbound/types';
import type { OutboundPort } from '../outbound/port';
import { createOutboundSocket } from './outbound-socket';
import { baileysLogger } from './baileys-log';
import { installFastAgreement } from './x25519-agreement';
import { installSessionTrialCopies } from './session-trial';
import { installNativeVerify } from './xeddsa-verify';
import { storedSentMessage } from './resend-source';
import { deviceCache } from './device-cache';

export interface ManagerDeps {
  config(): OpenClawConfig;
  stateDir: string;
  db: Database.Database;
  logs: LogHub;
  simulator: SimulatorSelection | null;
  onStatus(status: AccountStatus): void;
  onQr(qr: QrEvent): void;
  /** Inbound messages of any account, converted from Baileys' form, one batch per upsert. */
  onInbound?(batch: RawInbound[]): boolean | void;
  /** Writes `channels.whatsapp.accounts.<id>: {}` to the config, so an account added for linking survives a restart. */
  persistAccounts(ids: string[]): Promise<void>;
  /** Tests shorten the connect timeout (account-socket.ts); the default is Baileys' own. */
  connectTimeoutMs?: number;
}

export class WhatsAppManager {
  private readonly accounts = new Map<string, WhatsAppAccount>();
  /** Accounts whose start failed (an unreadable credentials folder), with the reason; the others run on. */
  private readonly failed = new Map<string, string>();
  /** Outbound's port per account id (one small object each; as many as configured accounts). */
  private readonly outbound = new Map<string, OutboundPort>();
  private readonly log: Logger;
  /**
   * Baileys downloads media through global fetch; our own dispatcher lets a download be cut off at the size cap
   * and survive a dropped connection (see media-download.ts), and trusts the simulator's media host in simulator
   * mode. One pool for all accounts, closed with the manager.
   */
  private readonly mediaDispatcher: FetchAgent;

  constructor(private readonly deps: ManagerDeps) {
    this.log = deps.logs.child('whatsapp');
    this.mediaDispatcher = new FetchAgent({
      connect: deps.simulator?.mediaCa ? { ca: deps.simulator.mediaCa } : {},
      headersTimeout: 30_000,
      bodyTimeout: 60_000,
    });
  }

  async start(): Promise<void> {
    installNativeVerify();
    installFastAgreement();
    installSessionTrialCopies();
    const cfg = this.deps.config();
    if (!cfg.web.enabled) {
      this.log.info('WhatsApp is disabled (web.enabled is false); no account connects');
      return;
    }
    const defaultId = defaultAccountId(cfg);
    const defaultAuth = resolveAccount(cfg, defaultId, this.deps.stateDir).authDir;
    await migrateLegacyCredentials({
      credentialsDir: `${this.deps.stateDir}/credentials`,
      accountId: defaultId,
      authDir: defaultAuth,
      db: this.deps.db,
      log: this.log,
    }).catch((err: NodeJS.ErrnoException) =>
      // The old files stay where they are; the accounts (and the gateway) start regardless.
      this.log.error(
        { credentialsDir: `${this.deps.stateDir}/credentials`, code: err.code },
        `could not move the old WhatsApp credentials: ${err.message}`,
      ),
    );
    // Accounts are independent: one slow disk, handshake or unreadable folder must not hold the others back.
    // A failed start is logged and shown in status() by ensure(); nothing more to do with it here.
    await Promise.all(listAccountIds(cfg).map((id) => this.ensure(id).catch(() => undefined)));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.accounts.values()].map((a) => a.stop()));
    this.accounts.clear();
    this.failed.clear();
  }

  /** Releases the media connection pool; the manager is not started again after this. */
  async close(): Promise<void> {
    await this.stop();
    await this.mediaDispatcher.close();
  }

  defaultAccount(): string {
    return defaultAccountId(this.deps.config());
  }

  status(): AccountStatus[] {
    const cfg = this.deps.config();
    if (!cfg.web.enabled) {
      return listAccountIds(cfg).map((accountId) => ({
        accountId,
        linked: false,
        running: false,
        connected: false,
        state: 'stopped' as const,
        sentence: 'WhatsApp is disabled (web.enabled is false).',
        reconnectAttempts: 0,
        warnings: [],
        timeline: [],
      }));
    }
    const failed = [...this.failed].filter(([id]) => !this.accounts.has(id));
    return [
      ...[...this.accounts.values()].map((a) => a.status()),
      ...failed.map(([id, r]) => this.failedStatus(id, r)),
    ].sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  async loginStart(
    accountId: string | undefined,
    force: boolean,
  ): Promise<{ accountId: string; state: AccountStatus['state']; qr: QrEvent | null }> {
    const configured = Object.keys(this.deps.config().channels.whatsapp.accounts);
    if (
      accountId &&
      !configured.includes(accountId) &&
      !(configured.length === 0 && accountId === 'default')
    ) {
      // The implicit "default" account becomes explicit too, or adding a second account would hide it.
      const implicit = configured.length === 0 && this.accounts.has('default') ? ['default'] : [];
      await this.deps.persistAccounts([...implicit, accountId]);
    }
    const account = await this.accountFor(accountId, true);
    const qr = await account.startLogin(force);
    return { accountId: account.id, state: account.status().state, qr };
  }

  async loginWait(accountId: string | undefined, timeoutMs: number): Promise<AccountStatus> {
    const account = await this.accountFor(accountId, false);
    return account.waitUntilSettled(timeoutMs);
  }

  async logout(accountId: string | undefined): Promise<{ accountId: string; removed: boolean }> {
    const account = await this.accountFor(accountId, false);
    return { accountId: account.id, removed: await account.logout() };
  }

  /**
   * Reconnect now: one account (a person asked; an account that is not linked is an error), or every account
   * waiting to reconnect (a network change or a wake). Returns the accounts that started connecting.
   */
  async reconnect(accountId: string | undefined, waiting: boolean): Promise<{ accounts: AccountStatus[] }> {
    if (waiting) {
      const stalled = [...this.accounts.values()].filter((a) =>
        ['reconnecting', 'degraded'].includes(a.status().state),
      );
      return { accounts: stalled.filter((a) => a.reconnect()).map((a) => a.status()) };
    }
    const account = await this.accountFor(accountId, false);
    if (!account.status().linked) {
      throw new GatewayError(
        'whatsapp.not_linked',
        `account "${account.id}" is not linked, so there is nothing to reconnect: link it with \`openclaw channels login --account ${account.id}\``,
      );
    }
    return { accounts: account.reconnect() ? [account.status()] : [] };
  }

  /** The inbound pipeline's handle on an account (sends, receipts, media), or null for an unknown account. */
  port(accountId: string): InboundPort | null {
    return this.accounts.get(accountId)?.port ?? null;
  }

  /** Outbound's handle on an account (the only way anything is sent), or null for an account not running. */
  outboundPort(accountId: string): OutboundPort | null {
    if (!this.accounts.has(accountId)) return null;
    let port = this.outbound.get(accountId);
    if (!port) {
      // Sends only while open: outbound holds automatic replies until then rather than racing the offline backlog.
      // The socket is looked up on each call, so a restarted account (a new object) is picked up.
      port = createOutboundSocket({
        accountId,
        socket: () => this.accounts.get(accountId)?.socket() ?? null,
        logger: baileysLogger(this.baileysLogOf(accountId)),
      });
      this.outbound.set(accountId, port);
    }
    return port;
  }

  /** The live socket of an open account, or null. */
  account(accountId: string): WhatsAppAccount | undefined {
    return this.accounts.get(accountId);
  }

  private async accountFor(accountId: string | undefined, create: boolean): Promise<WhatsAppAccount> {
    const cfg = this.deps.config();
    if (!cfg.web.enabled)
      throw new GatewayError('whatsapp.disabled', 'WhatsApp is disabled: set web.enabled to true first');
    const id = accountId ?? this.defaultAccount();
    const existing = this.accounts.get(id);
    if (existing) return existing;
    // A failed account is started again: it works now, or the caller hears why not.
    if (!create && !this.failed.has(id)) {
      throw new GatewayError(
        'whatsapp.unknown_account',
        `no WhatsApp account "${id}" (configured: ${listAccountIds(cfg).join(', ')})`,
      );
    }
    return this.ensure(id);
  }

  /** Where Baileys' own lines about an account go: warnings and worse. */
  private baileysLogOf(accountId: string) {
    return this.deps.logs.child('baileys').child({ accountId }, { level: 'warn' });
  }

  private async ensure(id: string): Promise<WhatsAppAccount> {
    const existing = this.accounts.get(id);
    if (existing) return existing;
    const cfg = this.deps.config();
    const resolved = resolveAccount(cfg, id, this.deps.stateDir);
    const { logs, simulator } = this.deps;
    const mediaAgent = simulator?.mediaCa ? new Agent({ ca: simulator.mediaCa }) : undefined;
    const devices = deviceCache();
    const account = new WhatsAppAccount({
      accountId: id,
      name: resolved.name,
      authDir: resolved.authDir,
      db: this.deps.db,
      log: this.log,
      heartbeatLog: logs.child('web-heartbeat'),
      reconnectLog: logs.child('web-reconnect'),
      baileysLog: this.baileysLogOf(id),
      policy: () => this.deps.config().web.reconnect,
      heartbeatSeconds: () => this.deps.config().web.heartbeatSeconds,
      connectTimeoutMs: this.deps.connectTimeoutMs,
      socketOptions: () => {
        const web = this.deps.config().web;
        return {
          ...(simulator ? { waWebSocketUrl: simulator.url } : {}),
          ...(mediaAgent ? { fetchAgent: mediaAgent } : {}),
          ...(web.whatsappVersion
            ? { version: web.whatsappVersion.split('.').map(Number) as [number, number, number] }
            : {}),
          browser: ['OpenClaw', 'Desktop', '0.1.0'],
          markOnlineOnConnect: false,
          syncFullHistory: false,
          // Baileys sleeps this long after each retry receipt (its ask for a resend of a message it could not
          // decrypt) while holding the lock every incoming message of the account waits on: any pause here
          // stalls all contacts during a Bad MAC burst (at 25 ms, 50 failures a second queue up without end).
          // The pause only spaces retry receipts, which WhatsApp Web sends without one; each message still gets
          // its retry receipt, and Baileys' per-message retry cap still bounds how often a sender resends.
          retryRequestDelayMs: 0,
          getMessage: storedSentMessage(this.deps.db, id, this.log),
          userDevicesCache: devices,
        };
      },
      onStatus: (s) => this.deps.onStatus(s),
      onQr: (q) => this.deps.onQr(q),
      onInbound: this.deps.onInbound,
      inboundLog: logs.child('whatsapp/inbound'),
      mediaDir: join(this.deps.stateDir, 'media', 'inbound', id),
      // undici's own types and the ones Node's fetch is typed with differ in detail; the dispatch interface is the same.
      mediaFetchOptions: { dispatcher: this.mediaDispatcher } as unknown as RequestInit,
    });
    this.accounts.set(id, account);
    try {
      await account.start();
    } catch (err) {
      const reason = (err as Error).message;
      this.accounts.delete(id);
      await account.stop();
      this.failed.set(id, reason);
      this.log.error({ accountId: id }, `WhatsApp account "${id}" did not start: ${reason}`);
      this.deps.onStatus(this.failedStatus(id, reason));
      throw new GatewayError('whatsapp.login_failed', `account "${id}" cannot start: ${reason}`);
    }
    this.failed.delete(id);
    return account;
  }

  private failedStatus(accountId: string, reason: string): AccountStatus {
    const status = accountStatus({
      accountId,
      name: resolveAccount(this.deps.config(), accountId, this.deps.stateDir).name,
      state: 'stopped',
      linked: false,
      attempts: 0,
      maxAttempts: this.deps.config().web.reconnect.maxAttempts,
      openedAt: null,
      nextAttemptAt: null,
      lastInboundAt: null,
      lastError: reason,
      decryptFailures: 0,
      lastDecryptFailureAt: null,
      timeline: [],
    });
    return { ...status, sentence: startFailedSentence(reason), warnings: [`Not running: ${reason}`] };
  }
}
