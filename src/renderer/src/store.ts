// App-wide UI state (zustand): the link to the gateway, its health, the config file's status, the log buffer,
// the WhatsApp accounts, pairing requests and accepted messages. Screens read it through useApp; the controllers
// (app-controller, log-tail, channels-controller, pairing-controller, inbound-controller) write it.
import { createStore, useStore, type StoreApi } from 'zustand';
import type {
  AcceptedMessage,
  AccountStatus,
  ConfigStatus,
  Health,
  LogEntry,
  PairingSnapshot,
  QrEvent,
} from '../../shared/contract';
import type { AgentStatus } from '../../shared/contract-agent';
import type { ApiError } from '../../shared/result';
import type { ConnectionState } from './api/connection';
import { isOnline } from './connection-model';
import {
  applyQr,
  applySnapshot,
  applyStatus,
  EMPTY_CHANNELS,
  type ChannelsSnapshot,
  type ChannelsState,
} from './channels-state';
import { EMPTY_INBOUND, mergeMessages, type InboundState } from './inbound-model';
import { appendBounded, MAX_LOG_LINES, subsystemsOf } from './logs-model';
import { applyPairingEvent, applyPairingList, EMPTY_PAIRING, type PairingState } from './pairing-model';

export interface AppState {
  transport: 'ipc' | 'ws';
  connection: ConnectionState;
  health: Health | null;
  healthError: ApiError | null;
  /** The config file's status, from health and then every config.changed event. */
  config: ConfigStatus | null;
  /** The config file's text as last read from the gateway (null: no file yet). */
  configRaw: string | null;
  logs: LogEntry[];
  logFile: string | null;
  /** Every subsystem seen since the UI opened (not only those still in the buffer). */
  subsystems: string[];
  /** WhatsApp accounts, their QR codes while linking, the default account and the simulator. */
  channels: ChannelsState;
  /** Pending pairing requests and approved senders. */
  pairing: PairingState;
  /** Messages handed on to the agent stage, oldest first. */
  inbound: InboundState;
  /** Whether the agent can answer and what waits (null until the gateway has said, or when it has no agent). */
  agent: AgentStatus | null;

  setTransport(transport: 'ipc' | 'ws'): void;
  setConnection(connection: ConnectionState): void;
  setHealth(health: Health | null, error?: ApiError | null): void;
  setConfigStatus(status: ConfigStatus): void;
  setConfigRaw(raw: string | null): void;
  setLogs(entries: LogEntry[], file: string | null): void;
  appendLogs(entries: LogEntry[]): void;
  clearLogs(): void;
  /** A channels.status answer to a request made when `channels.seq` was `requestedAt`. */
  setChannels(snapshot: ChannelsSnapshot, requestedAt: number): void;
  setChannelsError(error: ApiError): void;
  setAccountStatus(status: AccountStatus): void;
  setQr(event: QrEvent): void;
  /** A pairing.list answer to a request made when `pairing.seq` was `requestedAt`. */
  setPairingList(snapshot: PairingSnapshot, requestedAt: number): void;
  setPairingEvent(snapshot: PairingSnapshot): void;
  setPairingError(error: ApiError): void;
  /** Messages from inbound.recent (`loaded`) or inbound.accepted events, merged by seq. */
  addInbound(messages: AcceptedMessage[], loaded?: boolean): void;
  setInboundError(error: ApiError): void;
  setAgentStatus(status: AgentStatus | null): void;
}

export type AppStore = StoreApi<AppState>;

const pickStatus = (s: ConfigStatus): ConfigStatus => ({
  file: s.file,
  hash: s.hash,
  valid: s.valid,
  errors: s.errors,
  warnings: s.warnings,
  usingLastGood: s.usingLastGood,
});

export function createAppStore(maxLogs = MAX_LOG_LINES): AppStore {
  return createStore<AppState>()((set) => ({
    transport: 'ws',
    connection: { status: 'connecting', attempt: 1 },
    health: null,
    healthError: null,
    config: null,
    configRaw: null,
    logs: [],
    logFile: null,
    subsystems: [],
    channels: EMPTY_CHANNELS,
    pairing: EMPTY_PAIRING,
    inbound: EMPTY_INBOUND,
    agent: null,

    setTransport: (transport) => set({ transport }),
    setConnection: (connection) => set({ connection }),
    setHealth: (health, error = null) =>
      set((s) => ({ health, healthError: error, config: health ? pickStatus(health.config) : s.config })),
    // Event payloads carry extra fields (source); keep the status shape only.
    setConfigStatus: (status) => set({ config: pickStatus(status) }),
    setConfigRaw: (configRaw) => set({ configRaw }),
    setLogs: (entries, logFile) =>
      set((s) => ({
        logs: entries.slice(-maxLogs),
        logFile,
        subsystems: subsystemsOf(entries, s.subsystems),
      })),
    appendLogs: (entries) =>
      set((s) => {
        if (entries.length === 0) return s;
        const known = entries.every((e) => s.subsystems.includes(e.subsystem));
        return {
          logs: appendBounded(s.logs, entries, maxLogs),
          subsystems: known ? s.subsystems : subsystemsOf(entries, s.subsystems),
        };
      }),
    clearLogs: () => set({ logs: [] }),
    setChannels: (snapshot, requestedAt) =>
      set((s) => ({ channels: applySnapshot(s.channels, snapshot, requestedAt) })),
    setChannelsError: (error) => set((s) => ({ channels: { ...s.channels, error } })),
    setAccountStatus: (status) => set((s) => ({ channels: applyStatus(s.channels, status) })),
    setQr: (event) => set((s) => ({ channels: applyQr(s.channels, event) })),
    setPairingList: (snapshot, requestedAt) =>
      set((s) => ({ pairing: applyPairingList(s.pairing, snapshot, requestedAt) })),
    setPairingEvent: (snapshot) => set((s) => ({ pairing: applyPairingEvent(s.pairing, snapshot) })),
    setPairingError: (error) => set((s) => ({ pairing: { ...s.pairing, error } })),
    addInbound: (messages, loaded) =>
      set((s) => ({
        inbound: {
          loaded: loaded ?? s.inbound.loaded,
          messages: mergeMessages(s.inbound.messages, messages),
          error: loaded ? null : s.inbound.error,
        },
      })),
    setInboundError: (error) => set((s) => ({ inbound: { ...s.inbound, error } })),
    setAgentStatus: (agent) => set({ agent }),
  }));
}

/** The one store the UI renders from. */
export const appStore = createAppStore();

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

/** Can a button's call reach the gateway now? Buttons that need it are disabled while it cannot. */
export function useOnline(): boolean {
  return useApp((s) => isOnline(s.connection));
}
