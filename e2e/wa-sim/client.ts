// Wiring the real Baileys client to the simulator. `trustSimulator` is the one test hook: it makes this process
// accept the simulator's certificate root instead of WhatsApp's. Only ever call it when the simulator is
// explicitly selected.
import makeWASocket, {
  BufferJSON,
  WA_CERT_DETAILS,
  initAuthCreds,
  type AuthenticationCreds,
  type AuthenticationState,
  type ConnectionState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type UserFacingSocketConfig,
  type WASocket,
} from '@whiskeysockets/baileys';
import pino from 'pino';

export function trustSimulator(rootPublicKey: Uint8Array): void {
  (WA_CERT_DETAILS as { PUBLIC_KEY: Uint8Array }).PUBLIC_KEY = Buffer.from(rootPublicKey);
}

export interface MemoryAuth {
  state: AuthenticationState;
  /** A JSON copy of the creds, as a file-backed store would persist them. */
  snapshot(): string;
}

/** Auth state in memory (round-tripped through BufferJSON like a real store, so nothing relies on identity). */
export function memoryAuth(): MemoryAuth {
  const creds: AuthenticationCreds = initAuthCreds();
  const data = new Map<string, string>();
  const keys = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const raw = data.get(`${type}:${id}`);
        if (raw) out[id] = JSON.parse(raw, BufferJSON.reviver) as SignalDataTypeMap[T];
      }
      return out;
    },
    async set(update: SignalDataSet) {
      for (const [type, entries] of Object.entries(update)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value) data.set(`${type}:${id}`, JSON.stringify(value, BufferJSON.replacer));
          else data.delete(`${type}:${id}`);
        }
      }
    },
  };
  return { state: { creds, keys }, snapshot: () => JSON.stringify(creds, BufferJSON.replacer) };
}

export interface SimClient {
  sock: WASocket;
  updates: Partial<ConnectionState>[];
  /** Resolves with the first connection.update (past or future) that `match` accepts. */
  waitFor(
    match: (u: Partial<ConnectionState>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Partial<ConnectionState>>;
  closeCode(): number | undefined;
  end(): void;
}

export function connect(
  url: string,
  auth: MemoryAuth,
  config: Partial<UserFacingSocketConfig> = {},
): SimClient {
  const sock = makeWASocket({
    waWebSocketUrl: url,
    auth: auth.state,
    logger: pino({ level: process.env.WA_SIM_BAILEYS_LOG ?? 'silent' }),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    ...config,
  });
  const updates: Partial<ConnectionState>[] = [];
  const waiters = new Set<() => void>();
  sock.ev.on('creds.update', (update) => Object.assign(auth.state.creds, update));
  sock.ev.on('connection.update', (u) => {
    updates.push(u);
    for (const w of waiters) w();
  });
  const closeCode = () => {
    const last = [...updates].reverse().find((u) => u.connection === 'close');
    return (last?.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output
      ?.statusCode;
  };
  return {
    sock,
    updates,
    closeCode,
    waitFor(match, what, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = updates.find(match);
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting for ${what}; updates: ${JSON.stringify(updates.map((u) => ({ ...u, qr: u.qr ? '…' : undefined })))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    end: () => sock.end(undefined),
  };
}
