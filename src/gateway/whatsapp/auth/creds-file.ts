// creds.json is the one file whose loss unlinks the account (field lessons 3 and 4). Three rules keep it safe:
// every write goes through one promise chain per file (no two writes or a write and a restore ever overlap),
// every write is atomic (readers see the old file or the new one, never a truncated one), and creds.json.bak is
// only ever written with bytes that were just read back from creds.json and parsed, so the backup is always usable.
import { BufferJSON, type AuthenticationCreds } from '@whiskeysockets/baileys';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ensurePrivateDir, writeFileAtomic } from '../../fs/atomic-write';

export const CREDS_FILE = 'creds.json';
export const CREDS_BACKUP = 'creds.json.bak';

/** What reading one creds file found; `text` is kept so a restore copies the exact bytes that parsed. */
export type CredsRead =
  | { ok: true; creds: AuthenticationCreds; text: string }
  | {
      ok: false;
      reason: 'missing' | 'empty' | 'unparsable' | 'incomplete' | 'unreadable';
      /** For people: what is wrong with this file ("has no account identity (me.id)", "EISDIR"…). */
      detail: string;
      error?: unknown;
    };

/** A creds folder or file that cannot be read at all (EACCES, EISDIR, ENOTDIR…): nothing can be judged. */
export class CredsUnreadableError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(`cannot read ${file}: ${code}`);
    this.name = 'CredsUnreadableError';
  }
}

/** Serializes creds the way Baileys' own stores do (Buffers as base64), so files stay interchangeable. */
export function serializeCreds(creds: AuthenticationCreds): string {
  return JSON.stringify(creds, BufferJSON.replacer);
}

/** Parses creds text; null when it is not JSON or is JSON without the keys every linked or unlinked creds has. */
export function parseCreds(text: string): AuthenticationCreds | null {
  let value: unknown;
  try {
    value = JSON.parse(text, BufferJSON.reviver);
  } catch {
    return null;
  }
  // `{}` or `null` parse fine but would make Baileys start over with a fresh identity: treat them as damage.
  const creds = value as Partial<AuthenticationCreds> | null;
  if (!creds || typeof creds !== 'object') return null;
  if (!Buffer.isBuffer(creds.noiseKey?.private) || !Buffer.isBuffer(creds.signedIdentityKey?.private)) {
    return null;
  }
  return creds as AuthenticationCreds;
}

/** Reads and parses one creds file without ever writing anything. */
export async function readCredsFile(file: string): Promise<CredsRead> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    if (code === 'ENOENT') return { ok: false, reason: 'missing', detail: 'is missing', error };
    return { ok: false, reason: 'unreadable', detail: `cannot be read (${code})`, error };
  }
  if (text.trim() === '') return { ok: false, reason: 'empty', detail: 'is empty' };
  const creds = parseCreds(text);
  if (!creds) return { ok: false, reason: 'unparsable', detail: 'is not valid credentials JSON' };
  const lacking = missingIdentity(creds);
  if (lacking.length > 0) return { ok: false, reason: 'incomplete', detail: `has no ${lacking.join(', ')}` };
  return { ok: true, creds, text };
}

const isKeyPair = (v: unknown): boolean => {
  const pair = v as { private?: unknown; public?: unknown } | undefined;
  return Buffer.isBuffer(pair?.private) && Buffer.isBuffer(pair?.public);
};

/**
 * What a linked account's creds lack of what Baileys needs to log in and to encrypt as that device: the account
 * identity (me.id), the noise and identity key pairs, the signed pre-key, the registration id, the ADV secret and
 * the signed device identity (account). Creds without them make Baileys show a QR or fail later, and would
 * silently unlink the account, so a file without any of them counts as damaged. Empty when complete.
 */
export function missingIdentity(creds: AuthenticationCreds): string[] {
  const lacking: string[] = [];
  if (typeof creds.me?.id !== 'string' || !creds.me.id.includes('@'))
    lacking.push('account identity (me.id)');
  if (!isKeyPair(creds.noiseKey)) lacking.push('noiseKey');
  if (!isKeyPair(creds.signedIdentityKey)) lacking.push('signedIdentityKey');
  const spk = creds.signedPreKey as Partial<AuthenticationCreds['signedPreKey']> | undefined;
  if (!isKeyPair(spk?.keyPair) || !Buffer.isBuffer(spk?.signature) || typeof spk?.keyId !== 'number')
    lacking.push('signedPreKey');
  if (typeof creds.registrationId !== 'number') lacking.push('registrationId');
  if (typeof creds.advSecretKey !== 'string' || creds.advSecretKey === '') lacking.push('advSecretKey');
  if (!creds.account || typeof creds.account !== 'object') lacking.push('signed device identity (account)');
  return lacking;
}

/**
 * The write queue of one creds.json. Kept per path for the whole process, not per CredsFile, so two objects for
 * the same folder (say a logout that reopens the account while the old socket still emits creds.update) still
 * write one at a time.
 */
interface Lane {
  /** Tail of the queue; never rejects, so one failed write does not poison later ones. */
  tail: Promise<unknown>;
  /** The newest content handed to save() that no write has picked up yet. */
  latest: string | undefined;
  /** Queued tasks; an idle lane with nothing left to write is dropped. */
  pending: number;
}
const lanes = new Map<string, Lane>();
/**
 * What creds.json holds, as this process last read or wrote it (per path, whichever CredsFile did it). Baileys
 * emits creds.update on every connect, mostly with nothing changed; a save of identical content is skipped
 * instead of costing four fsyncs while the handshake is under way. One entry per account folder.
 */
const onDisk = new Map<string, string>();

export class CredsFile {
  readonly file: string;
  readonly backup: string;
  /** The absolute path: what the lanes and onDisk are keyed by. */
  private readonly key: string;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, CREDS_FILE);
    this.backup = path.join(dir, CREDS_BACKUP);
    this.key = path.resolve(this.file);
  }

  /**
   * Why the last load() found no usable credentials although some were saved ("creds.json has no account identity
   * (me.id); creds.json.bak is missing"); undefined when it found some or none were ever saved.
   */
  problem: string | undefined;

  /**
   * The saved creds; restores a missing, empty, unparsable or incomplete creds.json from the backup; null = not
   * linked (see `problem`). Throws CredsUnreadableError when a file cannot be read and no copy is usable.
   */
  load(): Promise<AuthenticationCreds | null> {
    return this.enqueue(() => this.loadNow());
  }

  /**
   * Persists `creds` as they are at the time of the call. Calls are applied in order, and when several queue up
   * behind a slow disk only the newest content is written: each call resolves once its content (or newer) is on
   * disk, so the last call's content always wins.
   */
  save(creds: AuthenticationCreds): Promise<void> {
    this.lane().latest = serializeCreds(creds);
    return this.enqueue(() => this.flushLatest());
  }

  /**
   * Resolves once every save queued before this call has finished; content left over from a failed write is
   * retried here, so a clean shutdown does not drop the newest creds.
   */
  flush(): Promise<void> {
    return this.enqueue(() => this.flushLatest());
  }

  /** Deletes creds.json and its backup, after every save queued before this call has finished. */
  remove(): Promise<void> {
    return this.enqueue(async () => {
      this.lane().latest = undefined;
      onDisk.delete(this.key);
      await fsp.rm(this.file, { force: true });
      await fsp.rm(this.backup, { force: true });
    });
  }

  private lane(): Lane {
    let lane = lanes.get(this.key);
    if (!lane) {
      lane = { tail: Promise.resolve(), latest: undefined, pending: 0 };
      lanes.set(this.key, lane);
    }
    return lane;
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const lane = this.lane();
    lane.pending += 1;
    const run = lane.tail.then(task);
    lane.tail = run
      .catch(() => undefined)
      .finally(() => {
        lane.pending -= 1;
        if (lane.pending === 0 && lane.latest === undefined && lanes.get(this.key) === lane)
          lanes.delete(this.key);
      });
    return run;
  }

  private async flushLatest(): Promise<void> {
    const lane = this.lane();
    const text = lane.latest;
    // An earlier queued flush already wrote this call's content or a newer one.
    if (text === undefined) return;
    lane.latest = undefined;
    if (onDisk.get(this.key) === text) return;
    try {
      await this.writeVerified(text);
    } catch (err) {
      // Give the content back so the next queued save or flush retries it, unless a newer one arrived meanwhile.
      lane.latest ??= text;
      throw err;
    }
  }

  /** creds.json, then — only once it reads back identical and parses — the backup with the same bytes. */
  private async writeVerified(text: string): Promise<void> {
    if (!parseCreds(text)) throw new Error('refusing to write creds that do not parse back');
    await ensurePrivateDir(this.dir);
    await writeFileAtomic(this.file, text, { mode: 0o600 });
    const written = await fsp.readFile(this.file, 'utf8');
    if (written !== text) throw new Error(`${this.file} did not read back as written; backup left unchanged`);
    await writeFileAtomic(this.backup, text, { mode: 0o600 });
    onDisk.set(this.key, text);
  }

  private async refreshBackup(text: string): Promise<void> {
    if ((await readCredsFile(this.backup)).ok) return;
    await writeFileAtomic(this.backup, text, { mode: 0o600 }).catch((err: unknown) =>
      this.log.warn({ err, file: this.backup }, 'could not refresh the WhatsApp credentials backup'),
    );
  }

  private async loadNow(): Promise<AuthenticationCreds | null> {
    this.problem = undefined;
    const main = await readCredsFile(this.file);
    onDisk.delete(this.key);
    if (main.ok) {
      onDisk.set(this.key, main.text);
      // Installs from before the backup existed (or a damaged backup) get a good one, while creds.json parses.
      // Queued behind this load rather than awaited: connecting need not wait for it, and as a lane task it still
      // runs before any later save, so it can never overwrite a newer backup.
      void this.enqueue(() => this.refreshBackup(main.text));
      return main.creds;
    }

    const bak = await readCredsFile(this.backup);
    if (!bak.ok) {
      if (main.reason === 'missing' && bak.reason === 'missing') return null;
      // A file we cannot read may well be intact: saying "damaged, link again" would invite a re-link that
      // overwrites it. The account fails with the reason instead, and nothing is written.
      const unreadable = [main, bak].find((r) => r.reason === 'unreadable');
      if (unreadable) {
        const file = unreadable === main ? this.file : this.backup;
        const code = (unreadable.error as NodeJS.ErrnoException | undefined)?.code ?? unreadable.detail;
        this.log.error({ file, code }, `cannot read WhatsApp credentials: ${file}: ${code}`);
        throw new CredsUnreadableError(file, code);
      }
      // Nothing usable: report it and write nothing, so whatever is left stays available for manual recovery.
      this.problem = `${CREDS_FILE} ${main.detail}; ${CREDS_BACKUP} ${bak.detail}`;
      this.log.error(
        { file: this.file, reason: main.reason, backupReason: bak.reason, problem: this.problem },
        'WhatsApp credentials are unusable and there is no usable backup; the account must be linked again',
      );
      return null;
    }

    if (main.reason === 'unreadable') {
      // The file may well be fine (a permissions slip): use the backup for now rather than replace it.
      this.log.warn(
        { file: this.file, code: (main.error as NodeJS.ErrnoException | undefined)?.code },
        `creds.json ${main.detail}; using creds.json.bak for this run without replacing creds.json`,
      );
      return bak.creds;
    }
    this.log.warn(
      { file: this.file, reason: main.reason },
      `creds.json ${main.detail}; restoring WhatsApp credentials from creds.json.bak`,
    );
    try {
      await ensurePrivateDir(this.dir);
      await writeFileAtomic(this.file, bak.text, { mode: 0o600 });
      onDisk.set(this.key, bak.text);
    } catch (err) {
      // The backup is good, so the account can still run on it; the next save tries the write again.
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      this.log.error({ file: this.file, code }, `cannot restore ${this.file} from its backup: ${code}`);
    }
    return bak.creds;
  }
}
