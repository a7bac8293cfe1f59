// Durable before acknowledged. Baileys sends a message's delivery receipt before it emits messages.upsert
// (Socket/messages-recv.js: decrypt, sendReceipt, upsertMessage), and WhatsApp never sends an acknowledged message
// again: a gateway killed between the receipt and its inbox write would lose the message for good. So the message
// is made durable where it is made, at decryption. Our signal repository wraps Baileys' own: each decryption's
// plaintext, with the stanza it came in (seen as the frame arrived, before Baileys' async handler could do anything
// with it), joins the key-store transaction that commits the Signal state that very decryption advanced. One
// SQLite commit holds both (key-store.ts, table wa_intake), and Baileys sends the receipt only after it.
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
import { createHash } from 'node:crypto';
import {
  BufferJSON,
  DEFAULT_CONNECTION_CONFIG,
  cleanMessage,
  decryptMessageNode,
  proto,
  type BinaryNode,
  type SignalDataSet,
  type SignalKeyStoreWithTransaction,
  type SocketConfig,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  intakePlaintext,
  markIntakeHandled,
  openIntake,
  pruneIntake,
  type IntakeRecord,
} from '../store/queries/intake';
import { INTAKE_TYPE } from './auth/key-store';

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

export interface RebuiltBatch {
  messages: WAMessage[];
  type: 'notify' | 'append';
}

const hashOf = (ciphertext: Uint8Array): Buffer => createHash('sha256').update(ciphertext).digest();

export class DurableIntake {
  /** Each ciphertext's stanza, from frame arrival until it is garbage (a WeakMap never outgrows what is alive). */
  private readonly stanzas = new WeakMap<Uint8Array, BinaryNode>();
  private prunedAt = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly accountId: string,
    private readonly log: Logger,
  ) {}

  /** makeSignalRepository for makeWASocket: Baileys' own (or `base`), whose decryptions are stored as they commit. */
  repository(base: MakeRepository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository): MakeRepository {
    return (auth, logger, pnToLid) => {
      const repo = base(auth, logger, pnToLid);
      // makeWASocket passes its transaction-capable wrapper of our key store here.
      const keys = auth.keys as SignalKeyStoreWithTransaction;
      return {
        ...repo,
        decryptMessage: (args) =>
          this.decrypt(args.ciphertext, args.jid, keys, () => repo.decryptMessage(args)),
        decryptGroupMessage: (args) =>
          this.decrypt(args.msg, args.group, keys, () => repo.decryptGroupMessage(args)),
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

  private async decrypt(
    ciphertext: Uint8Array,
    txKey: string,
    keys: SignalKeyStoreWithTransaction,
    run: () => Promise<Uint8Array>,
  ): Promise<Uint8Array> {
    const hash = hashOf(ciphertext);
    const kept = intakePlaintext(this.db, this.accountId, hash);
    if (kept) return kept;
    const stanza = this.stanzas.get(ciphertext);
    if (!stanza)
      this.log.warn({ accountId: this.accountId }, 'decrypting a ciphertext whose stanza was not seen');
    // Baileys' own decryption transaction nests in this one (same key), so its session writes and this row
    // commit together when this one ends.
    return keys.transaction(async () => {
      const plaintext = await run();
      const record: IntakeRecord = {
        hash,
        messageId: stanza?.attrs.id ?? '',
        node: stanza ? JSON.stringify(stanza, BufferJSON.replacer) : null,
        plaintext,
      };
      await keys.set({ [INTAKE_TYPE]: { [hash.toString('hex')]: record } } as unknown as SignalDataSet);
      return plaintext;
    }, txKey);
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
      const hash = hashOf(ciphertext);
      const p = plaintexts.get(hash.toString('hex')) ?? intakePlaintext(this.db, this.accountId, hash);
      if (!p) throw new Error('this part of the stanza was not stored');
      return p;
    };
    const repo: Repository = {
      ...sock.signalRepository,
      decryptMessage: ({ ciphertext }) => stored(ciphertext),
      decryptGroupMessage: ({ msg }) => stored(msg),
      processSenderKeyDistributionMessage: async () => undefined,
    };
    const quiet = this.log.child({}, { level: 'silent' });
    const done = new Set<string>();
    const out: RebuiltBatch[] = [];
    let incomplete = 0;
    for (const row of rows) {
      if (!row.node || done.has(row.node)) continue;
      done.add(row.node);
      try {
        const stanza = JSON.parse(row.node, BufferJSON.reviver) as BinaryNode;
        const { fullMessage, decrypt } = decryptMessageNode(stanza, me.id, me.lid ?? '', repo, quiet);
        await decrypt();
        if (fullMessage.messageStubType === proto.WebMessageInfo.StubType.CIPHERTEXT) {
          incomplete += 1;
          continue;
        }
        cleanMessage(fullMessage, me.id, me.lid ?? '');
        const type = stanza.attrs.offline ? 'append' : 'notify';
        const last = out.at(-1);
        if (last?.type === type) last.messages.push(fullMessage);
        else out.push({ type, messages: [fullMessage] });
      } catch (err) {
        this.log.error(
          { accountId: this.accountId, id: row.messageId, err },
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

  /** The messages of an upsert have been through intake: their rows now only answer redeliveries. */
  handled(messageIds: readonly string[]): void {
    try {
      markIntakeHandled(this.db, this.accountId, messageIds, Date.now());
    } catch (err) {
      this.log.warn({ accountId: this.accountId, err }, 'could not mark stored messages as taken in');
    }
    if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) this.prune();
  }

  prune(): void {
    this.prunedAt = Date.now();
    try {
      pruneIntake(this.db, this.accountId, this.prunedAt, {
        handledMs: HANDLED_KEEP_MS,
        openMs: OPEN_KEEP_MS,
        maxRows: MAX_ROWS,
      });
    } catch (err) {
      this.log.warn({ accountId: this.accountId, err }, 'pruning stored inbound plaintexts failed');
    }
  }
}
