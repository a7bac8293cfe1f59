// Faults on demand, each the way WhatsApp presents it on the wire, so the client reports the same close code
// or event it would in the field.
import { randomBytes } from 'node:crypto';
import { getBinaryNodeChild, type BinaryNode } from '@whiskeysockets/baileys';
import type { Connection } from './connection';
import { S_WHATSAPP_NET, type Account } from './model';
import type { WaSimServer } from './sim';

export class Faults {
  private restartLoop: ((conn: Connection, node: BinaryNode) => void) | null = null;
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  /** Sends still to be refused with rate-overlimit, per account (see rateOverlimit). */
  private readonly overlimit = new Map<Account, number>();
  private overlimitInstalled = false;

  constructor(private readonly sim: WaSimServer) {}

  /**
   * WhatsApp's answer to an account sending too fast: the next `count` sends from `account`'s companions are
   * refused instead of relayed. A message stanza gets its server ack with `error="429"` (Baileys reports it as a
   * `messages.update` with status ERROR and `messageStubParameters: ['429']`); a device-list query (usync, which
   * Baileys makes before a send to a chat it has no devices cached for) gets `<error code="429"
   * text="rate-overlimit">`, so that `sendMessage` rejects with "rate-overlimit". Each refusal uses one of
   * `count`; 0 lifts the fault.
   */
  rateOverlimit(account: Account, count: number): void {
    if (count > 0) this.overlimit.set(account, count);
    else this.overlimit.delete(account);
    if (this.overlimitInstalled) return;
    this.overlimitInstalled = true;
    this.sim.prependHandler((conn, node) => {
      const account = conn.user ? this.sim.accounts.get(conn.user) : undefined;
      const left = account ? (this.overlimit.get(account) ?? 0) : 0;
      if (!account || left <= 0) return false;
      const usync = node.tag === 'iq' && node.attrs.xmlns === 'usync';
      if (node.tag !== 'message' && !usync) return false;
      if (left === 1) this.overlimit.delete(account);
      else this.overlimit.set(account, left - 1);
      this.sim.emit('rate-overlimit', { account: account.jid, tag: node.tag, id: node.attrs.id });
      void conn.send(
        usync
          ? {
              tag: 'iq',
              attrs: { id: node.attrs.id!, type: 'error', from: S_WHATSAPP_NET },
              content: [{ tag: 'error', attrs: { code: '429', text: 'rate-overlimit' } }],
            }
          : {
              tag: 'ack',
              attrs: {
                class: 'message',
                id: node.attrs.id!,
                from: node.attrs.to ?? S_WHATSAPP_NET,
                error: '429',
                t: String(Math.floor(Date.now() / 1000)),
              },
            },
      );
      return true;
    });
  }

  /** Sends `account` will still have refused by rateOverlimit. */
  overlimitLeft(account: Account): number {
    return this.overlimit.get(account) ?? 0;
  }

  /**
   * WhatsApp's notice that the account's new-chat messages are capped (Baileys: `message-capping.update`), sent as
   * the `mex` notification `MessageCappingInfoNotification` with the fields WhatsApp uses.
   */
  messageCapping(
    account: Account,
    info: {
      capping_status?: string;
      total_quota?: number;
      used_quota?: number;
      cycle_end_timestamp?: string;
    },
    device?: number,
  ): Promise<void> {
    return this.mex(
      account,
      'MessageCappingInfoNotification',
      {
        xwa2_notify_new_chat_messages_capping_info_update: {
          server_sent_timestamp: String(Math.floor(Date.now() / 1000)),
          ...info,
        },
      },
      device,
    );
  }

  /**
   * WhatsApp restricting (or, with `active: false`, freeing) the account's reach-out to new contacts until
   * `endsAt` (Baileys: `connection.update` with `reachoutTimeLock`).
   */
  reachoutTimelock(
    account: Account,
    lock: { active: boolean; endsAt?: Date; enforcementType?: string },
    device?: number,
  ): Promise<void> {
    return this.mex(
      account,
      'NotificationUserReachoutTimelockUpdate',
      {
        xwa2_notify_account_reachout_timelock: {
          is_active: lock.active,
          ...(lock.endsAt ? { time_enforcement_ends: String(Math.floor(lock.endsAt.getTime() / 1000)) } : {}),
          ...(lock.enforcementType ? { enforcement_type: lock.enforcementType } : {}),
        },
      },
      device,
    );
  }

  private mex(account: Account, opName: string, data: unknown, device?: number): Promise<void> {
    return this.sim.companionConn(account, device).send({
      tag: 'notification',
      attrs: { id: randomBytes(8).toString('hex').toUpperCase(), type: 'mex', from: S_WHATSAPP_NET },
      content: [
        { tag: 'update', attrs: { op_name: opName }, content: Buffer.from(JSON.stringify({ data })) },
      ],
    });
  }

  /** 440: another session took over (what two clients on one set of credentials do to each other). */
  conflict(account: Account, device?: number): Promise<void> {
    return this.sim
      .companionConn(account, device)
      .streamError({}, { tag: 'conflict', attrs: { type: 'replaced' } });
  }

  /** 401: the user removed this linked device on the phone; its credentials are dead. */
  deviceRemoved(account: Account, device?: number): Promise<void> {
    const conn = this.sim.companionConn(account, device);
    account.companions.delete(conn.device!);
    return conn.streamError({ code: '401' }, { tag: 'conflict', attrs: { type: 'device_removed' } });
  }

  /** 515: restart required. */
  restartRequired(account: Account, device?: number): Promise<void> {
    return this.sim.companionConn(account, device).streamError({ code: '515' });
  }

  /**
   * A server stuck asking for restarts: every login from now on is told 515 `ms` after the client reported it
   * open (Baileys sends its `unified_session` telemetry right after emitting `open`). `null` turns it off.
   */
  restartAfterEachLogin(ms: number | null): void {
    if (this.restartLoop) this.sim.off('node', this.restartLoop);
    this.restartLoop = null;
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    if (ms === null) return;
    this.restartLoop = (conn, node) => {
      if (!conn.user || node.tag !== 'ib' || !getBinaryNodeChild(node, 'unified_session')) return;
      const timer = setTimeout(() => {
        this.restartTimers.delete(timer);
        void conn.streamError({ code: '515' });
      }, ms);
      timer.unref();
      this.restartTimers.add(timer);
    };
    this.sim.on('node', this.restartLoop);
  }

  /** The TCP connection drops without a close frame. */
  abruptClose(account: Account, device?: number): void {
    this.sim.companionConn(account, device).terminate();
  }

  /** New connections are dropped at once (WhatsApp unreachable) for `ms`, or until acceptConnections(). */
  refuseConnections(ms = Number.POSITIVE_INFINITY): void {
    this.sim.refuseConnectionsFor(ms);
  }

  acceptConnections(): void {
    this.sim.refuseConnectionsFor(0);
  }

  /**
   * New connections are accepted and their hello never answered (a server that hangs mid-handshake) for `ms`, or
   * until answerHandshakes(). A hello that arrived meanwhile stays unanswered.
   */
  silentHandshakes(ms = Number.POSITIVE_INFINITY): void {
    this.sim.silenceHandshakesFor(ms);
  }

  answerHandshakes(): void {
    this.sim.silenceHandshakesFor(0);
  }

  /** WhatsApp refuses outdated clients with 405; `null` accepts every version again. */
  rejectClientVersions(predicate: ((version: string) => boolean) | null): void {
    this.sim.rejectVersion = predicate;
  }

  /** Every node the server sends waits this long first (0 to stop). */
  slowResponses(ms: number): void {
    this.sim.setSlowResponses(ms);
  }

  /** Well-formed nodes with the wrong shape: a message without sender or id, a notification of no known type. */
  malformedStanza(account: Account, device?: number): void {
    const conn = this.sim.companionConn(account, device);
    void conn.send({
      tag: 'message',
      attrs: {},
      content: [{ tag: 'enc', attrs: {}, content: randomBytes(8) }],
    });
    void conn.send({ tag: 'notification', attrs: { id: 'bogus', type: 'no-such-type' }, content: 'x' });
  }

  /** Bytes that decrypt fine at the transport layer but are not a binary node at all. */
  garbageFrame(account: Account, device?: number): void {
    this.sim.companionConn(account, device).sendRaw(Buffer.concat([Buffer.from([0]), randomBytes(32)]));
  }
}
