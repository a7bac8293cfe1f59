// The logger handed to Baileys. Baileys picks its levels for its own debugging, and two of its routine messages
// would otherwise alarm people reading our logs: every link ends with WhatsApp asking for a restart (515), which
// Baileys logs as an error, and every connect of an account without a push name warns "no name present". The
// account logs the 515 itself (web-reconnect, info); here each message goes out at the level it deserves.
// Baileys also logs every message it cannot decrypt, twice: a Bad MAC burst of 50 a second would be 100 error lines
// a second. Those lines are let through once per interval per kind, with a count of the ones held back, as the
// inbound listener does with its own line (its total is in the account's status).
import type { UserFacingSocketConfig } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

export type BaileysLogger = NonNullable<UserFacingSocketConfig['logger']>;
type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const RESTART_REQUIRED = '515';

/** The same interval as the inbound listener's own decrypt-failure line. */
export const REPEAT_LOG_INTERVAL_MS = 10_000;
/** Lines Baileys writes once per undecryptable message (the second from its key store's rolled-back transaction). */
const PER_FAILURE = new Set([
  'failed to decrypt message',
  'transaction failed, rolling back',
  'Failed to send retry',
]);

/** Per kind (one of the fixed PER_FAILURE texts, so the map stays small): when it was last let through. */
class RepeatLimiter {
  private readonly kinds = new Map<string, { loggedAt: number; held: number }>();
  constructor(private readonly now: () => number) {}

  /** null: hold this line back; a number: log it, saying how many were held back since the last one. */
  admit(kind: string): number | null {
    const now = this.now();
    const seen = this.kinds.get(kind);
    if (seen && now - seen.loggedAt < REPEAT_LOG_INTERVAL_MS) {
      seen.held += 1;
      return null;
    }
    this.kinds.set(kind, { loggedAt: now, held: 0 });
    return seen?.held ?? 0;
  }
}

/** Distinct child bindings remembered per logger; Baileys asks for a handful (`{ class: 'ns' }` per socket). */
const MAX_CACHED_CHILDREN = 16;

/**
 * The cache key for bindings made only of primitives (all Baileys passes); null for anything else, which gets a
 * fresh child rather than a key that could collide or throw.
 */
function bindingsKey(bindings: Record<string, unknown>): string | null {
  const values = Object.values(bindings);
  const primitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  return values.every(primitive) ? JSON.stringify(bindings) : null;
}

function levelFor(level: Level, obj: unknown, msg: string | undefined): Level {
  // Baileys also logs a bare sentence, as the only argument.
  const text = msg ?? (typeof obj === 'string' ? obj : undefined);
  if (text === 'stream errored out') {
    const code = (obj as { fullErrorNode?: { attrs?: { code?: unknown } } } | null)?.fullErrorNode?.attrs
      ?.code;
    if (code === RESTART_REQUIRED) return 'info';
  }
  // Baileys skips a presence update it cannot name; nothing is lost, and it says so on every connect.
  if (text?.startsWith('no name present')) return 'debug';
  return level;
}

/** `now` is for tests; the limiter is shared by every child logger of the account. */
export function baileysLogger(
  base: Logger,
  opts: { now?: () => number } = {},
  limiter = new RepeatLimiter(opts.now ?? Date.now),
): BaileysLogger {
  const children = new Map<string, BaileysLogger>();
  const at =
    (level: Level) =>
    (obj: unknown, msg?: string): void => {
      // Baileys logs at debug and trace for nearly every stanza. Every mapping here only lowers a level, so a line
      // whose own level is off is dropped before anything is looked at (nor is it counted as held back).
      if (!base.isLevelEnabled(level)) return;
      const target = levelFor(level, obj, msg);
      if (msg !== undefined && PER_FAILURE.has(msg)) {
        const held = limiter.admit(msg);
        if (held === null) return;
        if (held > 0) {
          const fields = obj !== null && typeof obj === 'object' ? obj : { detail: obj };
          base[target]({ ...fields, heldBack: held }, `${msg} (${held} more like it not logged)`);
          return;
        }
      }
      if (msg === undefined) base[target](obj);
      else base[target](obj, msg);
    };
  return {
    get level() {
      return base.level;
    },
    set level(value: string) {
      base.level = value;
    },
    child: (bindings) => {
      // A pino child copies its parent's settings and bindings; asking twice for the same bindings gets the first.
      const key = bindingsKey(bindings);
      if (key === null) return baileysLogger(base.child(bindings), opts, limiter);
      let child = children.get(key);
      if (!child) {
        child = baileysLogger(base.child(bindings), opts, limiter);
        children.set(key, child);
        if (children.size > MAX_CACHED_CHILDREN) children.delete(children.keys().next().value!);
      }
      return child;
    },
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
