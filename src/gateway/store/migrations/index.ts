// The ordered list of schema steps. A new step is a new file here with the next version number, appended below;
// a shipped step is never edited, because databases in the field already ran it.
import { migration001 } from './001-initial';
import { migration002 } from './002-whatsapp-keys';
import { migration003 } from './003-inbound';
import { migration004 } from './004-pairing-first-line';
import { migration005 } from './005-inbound-intake';
import { migration006 } from './006-outbox';
import { migration007 } from './007-agent-sessions';
import { migration008 } from './008-heartbeat-runs';
import { migration009 } from './009-sent-content';
import type { Migration } from './migration';

export type { Migration } from './migration';

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
];
