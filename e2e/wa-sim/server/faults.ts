// Faults on demand, each the way WhatsApp presents it on the wire, so the client reports the same close code
// or event it would in the field.
import { randomBytes } from 'node:crypto';
import { getBinaryNodeChild, type BinaryNode } from '@whiskeysockets/baileys';
import type { Connection } from './connection';
import type { Account } from './model';
import type { WaSimServer } from './sim';

export class Faults {
  private restartLoop: ((conn: Connection, node: BinaryNode) => void) | null = null;
  private readonly restartTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly sim: WaSimServer) {}

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
