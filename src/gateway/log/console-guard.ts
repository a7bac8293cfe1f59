// Dependencies print to the console on their own, and one of them prints secrets: libsignal (under Baileys)
// narrates every Signal session it closes or opens with the whole SessionEntry, private and root keys included.
// While a gateway runs, console.* is therefore routed through the gateway's logger (subsystem `console`), so it
// gets the same redaction, file and levels as everything else, and byte arrays and key-carrying objects are
// replaced before anything is even formatted. Installed by startGateway, so it covers the CLI and Electron's main
// process alike (the terminal is the console of both); stopping the gateway puts the console back.
import { formatWithOptions, inspect } from 'node:util';
import type { Logger } from 'pino';
import { redactedBytes } from './redact';

type Method = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace' | 'dir';
type Level = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_OF: Record<Method, Level> = {
  log: 'info',
  info: 'info',
  dir: 'info',
  warn: 'warn',
  error: 'error',
  debug: 'debug',
  trace: 'debug',
};
const METHODS = Object.keys(LEVEL_OF) as Method[];

/**
 * libsignal's narration of routine session changes, and its decryption complaints, which Baileys reports itself
 * (through its logger, with the message context) when they matter: debug, not noise at info or error.
 */
const LIBSIGNAL_NOISE =
  /^(Closing session|Opening session|Removing old closed session|Session already (closed|open)|Closing open session in favor of incoming prekey bundle|Closing stale open session|Migrating session to|Decrypted message with closed session|Failed to decrypt message with any known session|Session error)/;

/** Property names that mark an object as carrying key material (or a credential): it is never printed. */
const KEYISH_PROPERTY = /key|secret|token|password|ratchet|registration|creds|chain/i;
/** How deep into console arguments values are examined; anything deeper is not printed at all. */
const MAX_DEPTH = 4;
const MAX_ITEMS = 50;
/** Text that can only be encoded bytes of key size or more (32 bytes as hex or base64): a key printed as text. */
const ENCODED_BYTES = /[A-Za-z0-9+/]{43,}={0,2}|[0-9a-fA-F]{64,}/g;

/** Prints as its text, unquoted, wherever util.inspect meets it. */
class Shown {
  constructor(private readonly text: string) {}
  [inspect.custom](): string {
    return this.text;
  }
}

/** Each gateway in this process that routes the console; the newest gets the lines. */
const active: Logger[] = [];
let originals: Partial<Record<Method, Console[Method]>> | null = null;
let routing = false;

/**
 * Routes the console of `target` to `log` until the returned function is called. Gateways may overlap (tests run
 * several in one process): the console goes back to its original methods when the last one uninstalls.
 */
export function installConsoleGuard(log: Logger, target: Console = globalThis.console): () => void {
  active.push(log);
  if (!originals) {
    const saved: Partial<Record<Method, Console[Method]>> = {};
    for (const method of METHODS) {
      saved[method] = target[method];
      target[method] = routed(method) as Console[typeof method];
    }
    originals = saved;
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    active.splice(active.lastIndexOf(log), 1);
    if (active.length > 0 || !originals) return;
    for (const method of METHODS) {
      // Someone who replaced a method after us (a test's spy) keeps theirs; only our wrappers are taken back.
      if ((target[method] as { consoleGuard?: true }).consoleGuard) target[method] = originals[method]!;
    }
    originals = null;
  };
}

function routed(method: Method): (...args: unknown[]) => void {
  const fn = (...args: unknown[]): void => {
    const log = active.at(-1);
    // A line logged while routing one (a logger that prints to the console) would loop: dropped.
    if (!log || routing) return;
    routing = true;
    try {
      const text = formatConsoleArgs(args);
      const level = LIBSIGNAL_NOISE.test(text) ? 'debug' : LEVEL_OF[method];
      log[level](text);
    } finally {
      routing = false;
    }
  };
  return Object.assign(fn, { consoleGuard: true as const });
}

/** One line of text from console arguments, with byte arrays and key-carrying objects replaced first. */
export function formatConsoleArgs(args: unknown[]): string {
  const safe = args.map((arg) => censorValue(arg, 0, new WeakSet()));
  return formatWithOptions(
    { depth: MAX_DEPTH, breakLength: Infinity, maxArrayLength: MAX_ITEMS, colors: false },
    ...safe,
  );
}

function censorText(text: string): string {
  return text.replace(ENCODED_BYTES, (run) => `<redacted ${run.length} chars>`);
}

export function censorValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return censorText(value);
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (typeof value === 'function') return new Shown(`[function ${value.name || 'anonymous'}]`);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    return new Shown(redactedBytes(value.byteLength));
  }
  // An error's own properties can hold anything (libsignal puts the identity key on one); its story is the stack.
  if (value instanceof Error) return new Shown(censorText(value.stack ?? `${value.name}: ${value.message}`));
  if (seen.has(value)) return new Shown('[circular]');
  if (depth >= MAX_DEPTH) return new Shown('[…]');
  seen.add(value);
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => censorValue(v, depth + 1, seen));
  if (value instanceof Map || value instanceof Set) return new Shown(`[${value.constructor.name}]`);
  const name = value.constructor?.name ?? 'Object';
  const keys = Object.keys(value);
  if (keys.some((k) => KEYISH_PROPERTY.test(k))) return new Shown(`<redacted ${name}>`);
  const out: Record<string, unknown> = {};
  for (const key of keys.slice(0, MAX_ITEMS)) {
    out[key] = censorValue((value as Record<string, unknown>)[key], depth + 1, seen);
  }
  return out;
}
