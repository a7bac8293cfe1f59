// The logger handed to Baileys. Baileys picks its levels for its own debugging, and two of its routine messages
// would otherwise alarm people reading our logs: every link ends with WhatsApp asking for a restart (515), which
// Baileys logs as an error, and every connect of an account without a push name warns "no name present". The
// account logs the 515 itself (web-reconnect, info); here each message goes out at the level it deserves.
import type { UserFacingSocketConfig } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

export type BaileysLogger = NonNullable<UserFacingSocketConfig['logger']>;
type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const RESTART_REQUIRED = '515';

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

export function baileysLogger(base: Logger): BaileysLogger {
  const at =
    (level: Level) =>
    (obj: unknown, msg?: string): void => {
      const target = levelFor(level, obj, msg);
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
    child: (bindings) => baileysLogger(base.child(bindings)),
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
