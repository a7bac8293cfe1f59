// The gateway's single owner of openclaw.json: loads it, keeps the last valid version in force while the file
// is broken, serializes every write through one queue, and follows edits made by people in their editors.
import type { Logger } from 'pino';
import type { ConfigIssue, ConfigStatus } from '../../shared/contract';
import { GatewayError } from '../errors';
import { writeFileAtomic } from '../fs/atomic-write';
import { ConfigFileWatcher } from './file-watch';
import { setInText, unsetInText } from './json5-edit';
import { MAX_NESTING, nestedDeeperThan } from './json5-depth';
import { parseJson5 } from './json5-scan';
import { formatKeyPath, getAtPath, parseKeyPath, type KeySegment } from './key-path';
import { ConfigStartupError, loadConfigFile, readLastGood, sha256, writeLastGood } from './load';
import type { OpenClawConfig } from './schema';
import { maskSecrets, maskSecretsInText, restoreSecrets } from './secrets';
import { refuseUnknownKeys } from './unknown-keys';
import { formatIssues, validateConfigText, type ConfigValidation } from './validate';

export { ConfigStartupError, LAST_GOOD_FILE, loadConfigFile } from './load';

export type ConfigChangeSource = 'file' | 'control' | 'startup';
export type ConfigChange = ConfigStatus & { source: ConfigChangeSource };
export type ConfigChangeListener = (change: ConfigChange) => void;

export interface ConfigServiceOptions {
  configPath: string;
  stateDir: string;
  log: Logger;
  /**
   * For the CLI's edits without a gateway: an invalid file with no earlier valid config opens on the defaults
   * instead of failing, so `config set|unset` can repair it (every write is still validated whole).
   */
  openInvalid?: boolean;
}

const WATCH_DEBOUNCE_MS = 100;

export class ConfigService {
  private effective: OpenClawConfig;
  private rawText: string | null;
  private hash: string;
  private fileResult: ConfigValidation;
  private usingLastGood: boolean;
  private lastGoodSaved: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<ConfigChangeListener>();
  private watcher: ConfigFileWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly opts: ConfigServiceOptions,
    init: { raw: string | null; result: ConfigValidation; effective: OpenClawConfig; usingLastGood: boolean },
  ) {
    this.rawText = init.raw;
    this.hash = sha256(init.raw);
    this.fileResult = init.result;
    this.effective = init.effective;
    this.usingLastGood = init.usingLastGood;
  }

  static async open(opts: ConfigServiceOptions): Promise<ConfigService> {
    const { raw, result } = await loadConfigFile(opts.configPath);
    if (result.ok) {
      const service = new ConfigService(opts, {
        raw,
        result,
        effective: result.config,
        usingLastGood: false,
      });
      await service.saveLastGood(raw ?? '{}');
      service.logWarnings(result.warnings);
      return service;
    }
    const lastGood = await readLastGood(opts.stateDir, opts.configPath, opts.log);
    if (!lastGood && opts.openInvalid) {
      const defaults = validateConfigText(null) as { config: OpenClawConfig };
      return new ConfigService(opts, { raw, result, effective: defaults.config, usingLastGood: false });
    }
    if (!lastGood) throw new ConfigStartupError(opts.configPath, result.errors);
    opts.log.warn(
      { file: opts.configPath, errors: result.errors, lastGoodSavedAt: lastGood.savedAt },
      `the config file is invalid; running on the last valid version from ${lastGood.savedAt}:\n${formatIssues(result.errors)}`,
    );
    const service = new ConfigService(opts, { raw, result, effective: lastGood.config, usingLastGood: true });
    service.lastGoodSaved = lastGood.raw;
    return service;
  }

  /** The config in force: the file's when valid, else the last valid one. */
  get config(): OpenClawConfig {
    return this.effective;
  }

  status(): ConfigStatus {
    return {
      file: this.opts.configPath,
      hash: this.hash,
      valid: this.fileResult.ok,
      errors: this.fileResult.ok ? [] : this.fileResult.errors,
      warnings: this.fileResult.warnings,
      usingLastGood: this.usingLastGood,
    };
  }

  raw(): string | null {
    return this.rawText;
  }

  /** The file's text for people (the Settings editor): secrets masked, comments and layout as they are. */
  maskedRaw(): string | null {
    return this.rawText === null ? null : maskSecretsInText(this.rawText);
  }

  /** The effective value at `keyPath` (or all of it) for people: secrets masked. */
  get(keyPath?: string): unknown {
    if (keyPath === undefined || keyPath === '') return maskSecrets(this.effective);
    const segments = parseKeyPath(keyPath);
    return maskSecrets(getAtPath(this.effective, segments), segments);
  }

  async set(keyPath: string, value: unknown, baseHash?: string): Promise<ConfigStatus> {
    return this.setMany([{ path: keyPath, value }], baseHash);
  }

  /**
   * Sets several keys in one validated write, so keys that depend on each other (dmPolicy and allowFrom) change
   * together without an invalid state in between. Keys the schema does not know are refused.
   */
  async setMany(
    entries: ReadonlyArray<{ path: string; value: unknown }>,
    baseHash?: string,
  ): Promise<ConfigStatus> {
    const edits = entries.map((e) => ({ segments: parseKeyPath(e.path), value: e.value }));
    for (const e of edits) {
      // The file as a whole may nest MAX_NESTING deep; the value alone already past that would overflow the writer.
      if (nestedDeeperThan(e.value, MAX_NESTING - e.segments.length)) {
        const issue = {
          path: formatKeyPath(e.segments),
          message: `the value nests objects and lists too deeply (a config nests at most ${MAX_NESTING} levels)`,
        };
        throw new GatewayError('config.invalid', `${issue.path}: ${issue.message}`, { errors: [issue] });
      }
    }
    return this.mutate((raw) => {
      let text = raw ?? '';
      for (const e of edits) text = setInText(text, e.segments, e.value);
      refuseUnknownKeys(
        text,
        edits.map((e) => e.segments),
      );
      return text;
    }, baseHash);
  }

  async unset(keyPath: string, baseHash?: string): Promise<ConfigStatus> {
    const segments = parseKeyPath(keyPath);
    return this.mutate((raw) => (raw === null ? null : unsetInText(raw, segments)), baseHash);
  }

  async apply(raw: string, baseHash?: string): Promise<ConfigStatus> {
    return this.mutate(() => raw, baseHash);
  }

  async validate(raw?: string): Promise<{ valid: boolean; errors: ConfigIssue[]; warnings: ConfigIssue[] }> {
    let result: ConfigValidation;
    if (raw === undefined) {
      result = (await loadConfigFile(this.opts.configPath)).result;
    } else {
      // The editor's text holds masks: judge it as apply would write it, and refuse masks where apply would.
      let restored: string;
      try {
        restored = restoreSecrets(raw, (at) => this.storedSecret(this.rawText, at), this.rawText);
      } catch (err) {
        const errors = (err as GatewayError).details as { errors?: ConfigIssue[] } | undefined;
        if (!errors?.errors) throw err;
        return { valid: false, errors: errors.errors, warnings: [] };
      }
      result = validateConfigText(restored);
    }
    return { valid: result.ok, errors: result.ok ? [] : result.errors, warnings: result.warnings };
  }

  onChange(listener: ConfigChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows edits made outside the gateway (see file-watch.ts), through a symbolic link to its target. */
  async startWatching(): Promise<void> {
    if (this.watcher || this.closed) return;
    const watcher = new ConfigFileWatcher(this.opts.configPath, () => this.scheduleReload(), this.opts.log);
    this.watcher = watcher;
    await watcher.start();
  }

  close(): void {
    this.closed = true;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  // ---- internals ------------------------------------------------------------------------------------------------

  private scheduleReload(): void {
    if (this.closed) return;
    // Editors save in bursts (truncate, write, rename); act once the burst is over.
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.enqueue(() => this.reloadFromDisk()).catch((err: unknown) => {
        this.opts.log.warn({ err, file: this.opts.configPath }, 'could not reload the config file');
      });
    }, WATCH_DEBOUNCE_MS);
    this.debounce.unref();
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadFromDisk(): Promise<void> {
    if (this.closed) return;
    const { raw, result } = await loadConfigFile(this.opts.configPath);
    // Our own writes land here too; their hash is already current.
    if (sha256(raw) === this.hash) return;
    await this.adopt(raw, result, 'file');
  }

  /** Makes `raw` the known file state; a valid file becomes the effective config, an invalid one does not. */
  private async adopt(
    raw: string | null,
    result: ConfigValidation,
    source: ConfigChangeSource,
  ): Promise<void> {
    this.rawText = raw;
    this.hash = sha256(raw);
    this.fileResult = result;
    if (result.ok) {
      this.effective = result.config;
      this.usingLastGood = false;
      await this.saveLastGood(raw ?? '{}');
      this.opts.log.info(
        { file: this.opts.configPath, warnings: result.warnings.length },
        source === 'file' ? 'config file changed; reloaded' : 'config saved',
      );
      this.logWarnings(result.warnings);
    } else {
      this.usingLastGood = true;
      this.opts.log.warn(
        { file: this.opts.configPath, errors: result.errors },
        `the config file is now invalid; keeping the last valid config:\n${formatIssues(result.errors)}`,
      );
    }
    this.emit(source);
  }

  private mutate(compute: (raw: string | null) => string | null, baseHash?: string): Promise<ConfigStatus> {
    return this.enqueue(async () => {
      const loaded = await loadConfigFile(this.opts.configPath);
      if (loaded.readError) throw new GatewayError('config.write_failed', loaded.readError);
      const current = loaded.raw;
      const currentHash = sha256(current);
      if (baseHash !== undefined && baseHash !== currentHash) {
        throw new GatewayError(
          'config.conflict',
          'the config file changed since you loaded it; reload and try again',
        );
      }
      // Someone edited the file and the watcher has not caught up: take their version in first.
      if (currentHash !== this.hash) await this.adopt(current, loaded.result, 'file');
      if (loaded.encodingError) {
        // Writing the decoded text back would silently replace the bad bytes with U+FFFD.
        const { line, column, message } = loaded.encodingError;
        throw new GatewayError(
          'config.parse_error',
          `${message} (line ${line}, column ${column}); fix it in an editor first`,
          { errors: [loaded.encodingError] },
        );
      }

      const computed = compute(current);
      // Masked secrets coming back (the editor's text, a set of the mask) keep the stored value.
      const next =
        computed === null ? null : restoreSecrets(computed, (at) => this.storedSecret(current, at), current);
      if (next === null || next === current) return this.status();

      const result = validateConfigText(next);
      if (!result.ok) {
        const [first] = result.errors;
        const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
        throw new GatewayError(
          'config.invalid',
          `${first?.path || '(file)'}: ${first?.message ?? 'invalid'}${more}`,
          {
            errors: result.errors,
          },
        );
      }
      try {
        // Through a symbolic link to its target: replacing the link with a file would cut it off from its source.
        const target = await ConfigFileWatcher.resolve(this.opts.configPath);
        await writeFileAtomic(target, next, { mode: 0o600 });
      } catch (err) {
        throw new GatewayError(
          'config.write_failed',
          `could not write ${this.opts.configPath}: ${(err as Error).message}`,
        );
      }
      await this.adopt(next, result, 'control');
      return this.status();
    });
  }

  /** The secret at `at` as stored: in the file when it parses, else in the config in force (the last valid). */
  private storedSecret(fileText: string | null, at: KeySegment[]): unknown {
    const parsed = parseJson5(fileText ?? '');
    return getAtPath(parsed.ok ? parsed.value : this.effective, at);
  }

  private logWarnings(warnings: readonly ConfigIssue[]): void {
    if (warnings.length === 0) return;
    this.opts.log.warn(
      { file: this.opts.configPath, warnings },
      `the config has ${warnings.length} warning(s):\n${formatIssues(warnings)}`,
    );
  }

  private emit(source: ConfigChangeSource): void {
    const change: ConfigChange = { ...this.status(), source };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.opts.log.error({ err }, 'a config change listener failed');
      }
    }
  }

  private async saveLastGood(raw: string): Promise<void> {
    if (this.lastGoodSaved === raw) return;
    try {
      await writeLastGood(this.opts.stateDir, this.opts.configPath, raw);
      this.lastGoodSaved = raw;
    } catch (err) {
      this.opts.log.warn(
        { err },
        'could not save the last valid config; a later invalid edit will have no fallback',
      );
    }
  }
}
