// The inbound pipeline's view of one account (inbound/port.ts), over its live Baileys socket: receipts, media and
// group metadata. Sending is not here: every send goes through the outbox (whatsapp/outbound-socket.ts).
import { jidNormalizedUser, type WAMessageKey, type WASocket } from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { InboundPort, MediaDownload, SelfIdentity } from '../inbound/port';
import type { MediaRef, RawInbound } from '../inbound/types';
import type { GroupMetaCache } from './group-meta-cache';
import { downloadInboundMedia } from './media-download';
import { ReadReceipts } from './read-receipts';

const DOWNLOAD_TIMEOUT_MS = 120_000;

export interface PortDeps {
  accountId: string;
  db: Database.Database;
  /** The logged-in socket (open, or still receiving its offline backlog), or null. */
  socket(): WASocket | null;
  connectedAt(): number | null;
  /** Where this account's inbound media is saved. */
  mediaDir: string;
  /** Extra fetch options for media downloads (the simulator's CA). */
  fetchOptions?: RequestInit;
  log?: Logger;
  /** The account's group metadata, which its socket's sends use too. */
  groups: GroupMetaCache;
}

/** The port plus what only the account calls: owed read receipts after a reconnect, and shutdown. */
export interface AccountPort extends InboundPort {
  flushOwedReceipts(): Promise<void>;
  close(): void;
}

export function selfIdentity(sock: WASocket | null): SelfIdentity {
  const user = sock?.user;
  const pn = user?.id ? jidNormalizedUser(user.id) : null;
  const lid = user?.lid ? jidNormalizedUser(user.lid) : null;
  return { pn, lid, e164: pn ? `+${pn.split('@')[0]}` : null };
}

function keyOf(raw: RawInbound): WAMessageKey {
  return {
    remoteJid: raw.chatJid,
    id: raw.id,
    fromMe: raw.fromMe,
    participant: raw.isGroup ? raw.sender.jid : undefined,
  };
}

export function createInboundPort(deps: PortDeps): AccountPort {
  const reads = new ReadReceipts(deps.socket, deps.log);
  return {
    accountId: deps.accountId,
    self: () => selfIdentity(deps.socket()),
    connectedAt: deps.connectedAt,
    markRead: (raw) => reads.add(keyOf(raw)),
    downloadMedia(ref: MediaRef, messageId: string, maxBytes: number): Promise<MediaDownload> {
      return downloadInboundMedia(ref, {
        dir: deps.mediaDir,
        messageId,
        maxBytes,
        fetchOptions: deps.fetchOptions,
        // A stalled media host must not hold the chat's queue forever.
        signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
      });
    },
    groupInfo: (jid) => deps.groups.info(jid),
    flushOwedReceipts: () => reads.flushOwed(),
    close: () => reads.close(),
  };
}
