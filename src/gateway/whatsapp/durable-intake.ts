// Durable before acknowledged. Baileys sends a message's delivery receipt before it emits messages.upsert
// (Socket/messages-recv.js: decrypt, sendReceipt, upsertMessage), and WhatsApp never sends an acknowledged message
// again: a gateway killed between the receipt and its inbox write would lose the message for good. So the message
// is made durable where it is made, at decryption. Our signal repository wraps Baileys' own: each decryption's
// plaintext, with the stanza it came in (seen as the frame arrived, before Baileys' async handler could do anything
// with it), is handed to the key store as the decryption's own key transaction ends, and the store writes it in
// the SQLite transaction that commits the Signal state that very decryption advanced (key-store.ts, withIntake;
// table wa_intake). Baileys sends the receipt only after that commit.
//
// Exactly once, whatever the instant of a crash:
// - before that commit: no state advanced, nothing acknowledged; WhatsApp redelivers and decryption runs again.
// - after the commit, before the receipt: WhatsApp redelivers the same ciphertext, which the advanced session
//   could no longer decrypt; the wrapper finds its plaintext by the ciphertext's hash and returns that instead,
//   so the redelivery takes the normal way (receipt, upsert, inbox).
// - after the receipt, before the inbox row: nothing is redelivered; when the next socket starts, the row (never
//   marked handled) is rebuilt into the very message Baileys would have emitted (Baileys' own decryptMessageNode
//   and cleanMessage, fed the stored plaintext) and goes through the same adapter into the inbox.
// Whatever arrives twice (a rebuilt message and its redelivery) is dropped by the inbox's unique (account, chat,
// message id); from the inbox on, the pipeline's own replay holds. A stanza with several ciphertexts (a group
// message with its sender-key distribution) is rebuilt only once all of them are stored; otherwise it was not
// acknowledged, and its redelivery completes it. Sender-key distributions are processed by Baileys right after
// their decryption, before any receipt, so a rebuild never processes one again.
//
// Rows are marked handled once their upsert has been through intake, and pruned minutes later: until then they
// also answer a redelivery of a message already taken in (a receipt the kill kept from leaving), which would
// otherwise fail to decrypt.
//
// Speed: this is on the path of every message, before its receipt. The row is one more insert in a commit that
// happens anyway (no transaction of our own, no index on the table); the hashes that answer redeliveries are kept
// in memory, bounded with the table.
import { createHash } from 'node:crypto';
import {
  DEFAULT_CONNECTION_CONFIG,
  cleanMessage,
  decryptMessageNode,
  proto,
  BufferJSON,
  type BinaryNode,
  type SignalKeyStoreWithTransaction,
  type SocketConfig,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  insertIntake,
  intakeHashes,
  intakePlaintextAt,
  markIntakeHandled,
  openIntake,
  pruneIntake,
} from '../store/queries/intake';
import { currentIntake, withIntake, type PendingIntake } from './auth/key-store';

type MakeRepository = SocketConfig['makeSignalRepository'];
type Repository = ReturnType<MakeRepository>;

/** Rows rebuilt per socket start; more wait for the next one (the table is pruned long before this matters). */
const REBUILD_LIMIT = 5000;
/** How long a handled row stays to answer a redelivery of its message. */
const HANDLED_KEEP_MS = 10 * 60_000;
/** A row that could never be rebuilt (its stanza's other half never came) is kept this long. */
const OPEN_KEEP_MS = 7 * 24 * 3_600_000;
const MAX_ROWS = 20_000;
const PRUNE_EVERY_MS = 60_000;
/** Messages of this run waiting for their upsert; one dropped past this only means a rebuild the inbox dedupes. */
const MAX_OPEN = 10_000;
/** Handled marks wait at most this long, or until this many, for a decryption's commit to carry them. */
const FLUSH_HANDLED_MS = 1_000;
const MAX_UNMARKED = 1_000;

export interface RebuiltBatch {
  messages: WAMessage[];
  type: 'notify' | 'append';
}

const hashOf = (ciphertext: Uint8Array): Buffer => createHash('sha256').update(ciphertext).digest();

/** A stanza as JSON, bytes in BufferJSON's form (what its reviver turns back into Buffers). */
function plainNode(node: BinaryNode): unknown {
  const c = node.content;
  const content =
    c instanceof Uint8Array
      ? { type: 'Buffer', data: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64') }
      : Array.isArray(c)
        ? c.map(plainNode)
        : c;
  return { tag: node.tag, attrs: node.attrs, content };
}

export class DurableIntake {
  /** Each ciphertext's stanza, from frame arrival until it is garbage (a WeakMap never outgrows what is alive). */
  private readonly stanzas = new WeakMap<Uint8Array, BinaryNode>();
  /** Hash of every stored ciphertext → its row; loaded on first use, kept in step with inserts and prunes. */
  private known: Map<string, number> | null = null;
  /** Rows not yet marked handled, by message id. */
  private readonly open = new Map<string, number[]>();
  /** Rows whose messages went through intake, waiting to be marked handled in a commit that happens anyway. */
  private readonly unmarked: number[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private prunedAt = 0;
  private warnedUnseen = false;

  constructor(
    private readonly db: Database.Database,
    private readonly accountId: string,
    private readonly log: Logger,
    /** Called as each decryption returns (backlog-flush.ts). */
    private readonly onDecrypted: () => void = () => {},
  ) {}

  /** makeSignalRepository for makeWASocket: Baileys' own (or `base`), whose decryptions are stored as they commit. */
  repository(base: MakeRepository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository): MakeRepository {
    return (auth, logger, pnToLid) => {
      // makeWASocket passes its transaction-capable wrapper of our key store. A decryption is one transaction of
      // it; as that transaction's work returns the plaintext, the plaintext joins the commit that follows.
      const keys = auth.keys as SignalKeyStoreWithTransaction;
      const tracked: SignalKeyStoreWithTransaction = {
        ...keys,
        transaction: (work, key) =>
          keys.transaction(async () => {
            const result = await work();
            const pending = currentIntake(this.db, this.accountId);
            if (pending && !pending.record && result instanceof Uint8Array) this.describe(pending, result);
            return result;
          }, key),
      };
      const repo = base({ ...auth, keys: tracked }, logger, pnToLid);
      return {
        ...repo,
        decryptMessage: (args) => this.decrypt(args.ciphertext, () => repo.decryptMessage(args)),
        decryptGroupMessage: (args) => this.decrypt(args.msg, () => repo.decryptGroupMessage(args)),
      };
    };
  }

  /**
   * Remembers every message stanza of `sock` as its frame arrives. 'frame' is emitted before the stanza's
   * CB:message handlers, all synchronously, so the stanza is known before Baileys decrypts anything in it.
   */
  capture(sock: WASocket): void {
    const onFrame = (frame: BinaryNode | Uint8Array) => {
      if (frame instanceof Uint8Array || frame.tag !== 'message' || !Array.isArray(frame.content)) return;
      for (const child of frame.content)
        if (child.tag === 'enc' && child.content instanceof Uint8Array)
          this.stanzas.set(child.content, frame);
    };
    sock.ws.on('frame', onFrame);
    sock.registerSocketEndHandler(() => void sock.ws.off('frame', onFrame));
  }

  private async decrypt(ciphertext: Uint8Array, run: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const hash = hashOf(ciphertext);
    const hex = hash.toString('hex');
    const stanza = this.stanzas.get(ciphertext);
    const seq = this.index().get(hex);
    const kept = seq === undefined ? null : intakePlaintextAt(this.db, seq);
    if (kept) {
      this.track(stanza?.attrs.id, seq!);
      this.onDecrypted();
      return kept;
    }
    // Handled marks waiting for a commit ride along with this decryption's.
    const handled = this.unmarked.splice(0);
    const pending: PendingIntake & { hash: Buffer; stanza?: BinaryNode } = {
      record: null,
      seq: null,
      handled,
      hash,
      stanza,
    };
    let plaintext: Uint8Array;
    try {
      plaintext = await withIntake(this.db, this.accountId, pending, run);
    } finally {
      if (pending.seq === null) this.unmarked.unshift(...handled);
    }
    if (pending.record && pending.seq === null) {
      // The decryption's transaction committed nothing of its own: the plaintext is stored now, still before any
      // receipt (the state it would have gone with did not change, so a redelivery decrypts again anyway).
      pending.seq = insertIntake(this.db, this.accountId, pending.record, Date.now());
    }
    if (pending.seq !== null) {
      this.index().set(hex, pending.seq);
      this.track(stanza?.attrs.id, pending.seq);
    }
    this.onDecrypted();
    return plaintext;
  }

  private describe(
    pending: PendingIntake & { hash?: Buffer; stanza?: BinaryNode },
    plaintext: Uint8Array,
  ): void {
    if (!pending.hash) return;
    if (!pending.stanza && !this.warnedUnseen) {
      // Should never happen ('frame' comes first); if it does, it would for every message: said once.
      this.warnedUnseen = true;
      this.log.warn(
        { accountId: this.accountId },
        'decrypted a ciphertext whose stanza was not seen; such messages cannot be rebuilt after a crash',
      );
    }
    pending.record = {
      hash: pending.hash,
      messageId: pending.stanza?.attrs.id ?? '',
      node: pending.stanza ? JSON.stringify(plainNode(pending.stanza)) : null,
      plaintext,
    };
  }

  private index(): Map<string, number> {
    if (!this.known) {
      // Kept only once complete: a failed read must not leave an index that misses rows.
      const known = new Map<string, number>();
      for (const [seq, hex] of intakeHashes(this.db, this.accountId)) known.set(hex, seq);
      this.known = known;
    }
    return this.known;
  }

  private track(messageId: string | undefined, seq: number): void {
    if (!messageId) return;
    const seqs = this.open.get(messageId);
    if (seqs) seqs.push(seq);
    else this.open.set(messageId, [seq]);
    if (this.open.size > MAX_OPEN) this.open.delete(this.open.keys().next().value!);
  }

  /**
   * The messages of rows not yet handled (a crash came between receipt and intake), as Baileys would have emitted
   * them, in arrival order. A stanza not wholly stored is left for its redelivery.
   */
  async rebuild(sock: WASocket): Promise<RebuiltBatch[]> {
    const me = sock.authState.creds.me;
    const rows = me?.id ? openIntake(this.db, this.accountId, REBUILD_LIMIT) : [];
    if (!me?.id || rows.length === 0) return [];
    const plaintexts = new Map(rows.map((r) => [r.hash.toString('hex'), r.plaintext]));
    const stored = async (ciphertext: Uint8Array): Promise<Uint8Array> => {
      const hex = hashOf(ciphertext).toString('hex');
      const seq = this.index().get(hex);
      const p = plaintexts.get(hex) ?? (seq === undefined ? null : intakePlaintextAt(this.db, seq));
      if (!p) throw new Error('this part of the stanza was not stored');
      return p;
    };
    const repo: Repository = {
      ...sock.signalRepository,
      decryptMessage: ({ ciphertext }) => stored(ciphertext),
      decryptGroupMessage: ({ msg }) => stored(msg),
      processSenderKeyDistributionMessage: async () => undefined,
    };
    const stanzas = new Map<string, OpenRows>();
    for (const row of rows) {
      if (!row.node) continue;
      const entry = stanzas.get(row.node);
      if (entry) entry.seqs.push(row.seq);
      else stanzas.set(row.node, { messageId: row.messageId, seqs: [row.seq] });
    }
    const quiet = this.log.child({}, { level: 'silent' });
    const out: RebuiltBatch[] = [];
    let incomplete = 0;
    for (const [node, { messageId, seqs }] of stanzas) {
      try {
        const stanza = JSON.parse(node, BufferJSON.reviver) as BinaryNode;
        const { fullMessage, decrypt } = decryptMessageNode(stanza, me.id, me.lid ?? '', repo, quiet);
        await decrypt();
        if (fullMessage.messageStubType === proto.WebMessageInfo.StubType.CIPHERTEXT) {
          incomplete += 1;
          continue;
        }
        cleanMessage(fullMessage, me.id, me.lid ?? '');
        for (const seq of seqs) this.track(messageId, seq);
        const type = stanza.attrs.offline ? 'append' : 'notify';
        const last = out.at(-1);
        if (last?.type === type) last.messages.push(fullMessage);
        else out.push({ type, messages: [fullMessage] });
      } catch (err) {
        this.log.error(
          { accountId: this.accountId, id: messageId, err },
          'could not rebuild a stored message',
        );
      }
    }
    const count = out.reduce((n, b) => n + b.messages.length, 0);
    if (count + incomplete > 0)
      this.log.info(
        { accountId: this.accountId, count, incomplete },
        'taking in messages decrypted and acknowledged before a crash',
      );
    return out;
  }

  /**
   * The messages of an upsert have been through intake: their rows now only answer redeliveries. The mark waits
   * for the next decryption's commit (or a flush) instead of costing a commit of its own per upsert; a mark a crash
   * loses only means a rebuild that the inbox drops as a duplicate.
   */
  handled(messageIds: readonly string[]): void {
    for (const id of messageIds) {
      const rows = this.open.get(id);
      if (!rows) continue;
      this.unmarked.push(...rows);
      this.open.delete(id);
    }
    if (this.unmarked.length >= MAX_UNMARKED) this.flushHandled();
    else if (this.unmarked.length > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flushHandled(), FLUSH_HANDLED_MS).unref();
    }
    if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) this.prune();
  }

  /** Writes the handled marks still waiting (a quiet moment, before a prune, and at shutdown). */
  flushHandled(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const seqs = this.unmarked.splice(0);
    try {
      markIntakeHandled(this.db, seqs, Date.now());
    } catch (err) {
      this.log.warn({ accountId: this.accountId, err }, 'could not mark stored messages as taken in');
    }
  }

  /**
   * Drops rows past their time, then loads the hash index if it is not loaded yet. At a socket start this runs
   * while the handshake is under way, so the first decryption of an offline backlog does not wait for a read of
   * the whole table.
   */
  prune(): void {
    this.flushHandled();
    this.prunedAt = Date.now();
    try {
      const gone = pruneIntake(this.db, this.accountId, this.prunedAt, {
        handledMs: HANDLED_KEEP_MS,
        openMs: OPEN_KEEP_MS,
        maxRows: MAX_ROWS,
      });
      for (const hash of gone) this.known?.delete(hash.toString('hex'));
    } catch (err) {
      this.log.warn({ accountId: this.accountId, err }, 'pruning stored inbound plaintexts failed');
    }
    try {
      this.index();
    } catch (err) {
      // The first decryption tries again (and fails loudly there if the table cannot be read).
      this.log.warn({ accountId: this.accountId, err }, 'could not load stored inbound plaintexts');
    }
  }
}

interface OpenRows {
  messageId: string;
  seqs: number[];
}
