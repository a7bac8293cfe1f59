// What WhatsApp tells an account about its sending, kept for the account's health: the new-chat message cap
// (Baileys' `message-capping.update`) and the reach-out timelock (`connection.update.reachoutTimeLock`). Accounts
// are restricted after bursts of automated sends; the owner should see WhatsApp's warning before that, not after.
import type { WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { SendLimits } from '../../shared/contract';

/** The socket events `watch` listens to besides connection.update (the account removes them with the socket). */
export const SEND_LIMIT_EVENTS = ['message-capping.update'] as const;

/** The fields of Baileys' NewChatMessageCapInfo we read (WhatsApp's own names; all optional on the wire). */
export interface CappingInfo {
  capping_status?: string;
  total_quota?: number;
  used_quota?: number;
  cycle_end_timestamp?: string;
}

/** Baileys' ReachoutTimelockState. */
export interface TimelockInfo {
  isActive?: boolean;
  timeEnforcementEnds?: Date;
  enforcementType?: string;
}

/** Holds the latest of each notice; they outlive reconnects, as WhatsApp's limits do. */
export class SendLimitsTracker {
  private capping: SendLimits['capping'];
  private timelock: SendLimits['reachoutTimelock'];

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Follows a socket's notices: each change is a warn line in the account's log, and `onChange` runs so every
   * surface gets the new status (whose warnings say what changed).
   */
  watch(sock: WASocket, log: Logger, accountId: string, onChange: () => void): void {
    const changed = (notice: object) => {
      log.warn({ accountId, notice }, "WhatsApp changed this account's sending limits");
      onChange();
    };
    sock.ev.on('message-capping.update', (info) => {
      if (this.onCapping(info)) changed(info);
    });
    sock.ev.on('connection.update', ({ reachoutTimeLock }) => {
      if (reachoutTimeLock && this.onTimelock(reachoutTimeLock)) changed(reachoutTimeLock);
    });
  }

  /** Returns true when what is shown changed. */
  onCapping(info: CappingInfo): boolean {
    const cycleEnds = Number(info.cycle_end_timestamp);
    const next: NonNullable<SendLimits['capping']> = {
      status: info.capping_status ?? 'NONE',
      ...(typeof info.used_quota === 'number' ? { used: info.used_quota } : {}),
      ...(typeof info.total_quota === 'number' ? { total: info.total_quota } : {}),
      ...(Number.isFinite(cycleEnds) && cycleEnds > 0
        ? { cycleEndsAt: new Date(cycleEnds * 1000).toISOString() }
        : {}),
      at: new Date(this.now()).toISOString(),
    };
    const changed = JSON.stringify({ ...next, at: '' }) !== JSON.stringify({ ...this.capping, at: '' });
    this.capping = next;
    return changed;
  }

  onTimelock(info: TimelockInfo): boolean {
    const next: NonNullable<SendLimits['reachoutTimelock']> = {
      active: !!info.isActive,
      ...(info.isActive && info.timeEnforcementEnds
        ? { endsAt: info.timeEnforcementEnds.toISOString() }
        : {}),
      ...(info.isActive && info.enforcementType && info.enforcementType !== 'DEFAULT'
        ? { enforcementType: info.enforcementType }
        : {}),
      at: new Date(this.now()).toISOString(),
    };
    const changed = JSON.stringify({ ...next, at: '' }) !== JSON.stringify({ ...this.timelock, at: '' });
    this.timelock = next;
    return changed;
  }

  /** What the status shows; a timelock whose end has passed shows as lifted. Undefined when WhatsApp said nothing. */
  snapshot(): SendLimits | undefined {
    if (!this.capping && !this.timelock) return undefined;
    let timelock = this.timelock;
    if (timelock?.active && timelock.endsAt && Date.parse(timelock.endsAt) <= this.now())
      timelock = { active: false, at: timelock.endsAt };
    return {
      ...(this.capping ? { capping: this.capping } : {}),
      ...(timelock ? { reachoutTimelock: timelock } : {}),
    };
  }
}

/** The warnings the account's status carries for these limits (every surface shows warnings). */
export function sendLimitWarnings(limits: SendLimits | undefined): string[] {
  const out: string[] = [];
  const lock = limits?.reachoutTimelock;
  if (lock?.active) {
    out.push(
      `WhatsApp restricts messages to new chats${lock.endsAt ? ` until ${lock.endsAt}` : ''}` +
        `${lock.enforcementType ? ` (${lock.enforcementType})` : ''}; replies in existing chats still go out.`,
    );
  }
  const cap = limits?.capping;
  if (cap && cap.status !== 'NONE') {
    const quota =
      cap.used !== undefined && cap.total !== undefined ? ` (${cap.used} of ${cap.total} used)` : '';
    const when = cap.cycleEndsAt ? `; the quota renews ${cap.cycleEndsAt}` : '';
    out.push(
      cap.status === 'CAPPED'
        ? `WhatsApp capped messages to new chats${quota}${when}.`
        : `WhatsApp warns that messages to new chats are near their cap: ${cap.status}${quota}${when}.`,
    );
  }
  return out;
}
