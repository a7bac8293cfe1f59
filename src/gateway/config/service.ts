// The gateway's single owner of openclaw.json: loads it, keeps the last valid version in force while the file
// is broken, serializes every write through one queue, and follows edits made by people in their editors.
import { watch, promises as fsp, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ConfigIssue, ConfigStatus } from '../../shared/contract';
import { GatewayError } from '../errors';
import { writeFileAtomic } from '../fs/atomic-write';
import { setInText, unsetInText } from './json5-edit';
import { getAtPath, parseKeyPath } from './key-path';
import { ConfigStartupError, loadConfigFile, readLastGood, readText, sha256, writeLastGood } from './load';
import type { OpenClawConfig } from './schema';
import { formatIssues, validateConfigText, type ConfigValidation } from './validate';

export { ConfigStartupError, LAST_GOOD_FILE, loadConfigFile } from './load';

export type ConfigChangeSource = 'file' | 'control' | 'startup';
export type ConfigChange = ConfigStatus & { source: ConfigChangeSource };
export type ConfigChangeListener = (change: ConfigChange) => void;

export interface ConfigServiceOptions {
  configPath: string;
  stateDir: string;
  log: Logger;
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
  private watcher: FSWatcher | undefined;
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
      await service.saveLastGood(raw ?? '');
      return service;
    }
    const lastGood = await readLastGood(opts.stateDir, opts.configPath, opts.log);
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

  get(keyPath?: string): unknown {
    if (keyPath === undefined || keyPath === '') return this.effective;
    return getAtPath(this.effective, parseKeyPath(keyPath));
  }

  async set(keyPath: string, value: unknown, baseHash?: string): Promise<ConfigStatus> {
    const segments = parseKeyPath(keyPath);
    return this.mutate((raw) => setInText(raw ?? '', segments, value), baseHash);
  }

  async unset(keyPath: string, baseHash?: string): Promise<ConfigStatus> {
    const segments = parseKeyPath(keyPath);
    return this.mutate((raw) => (raw === null ? null : unsetInText(raw, segments)), baseHash);
  }

  async apply(raw: string, baseHash?: string): Promise<ConfigStatus> {
    return this.mutate(() => raw, baseHash);
  }

  async validate(raw?: string): Promise<{ valid: boolean; errors: ConfigIssue[]; warnings: ConfigIssue[] }> {
    const result =
      raw === undefined ? (await loadConfigFile(this.opts.configPath)).result : validateConfigText(raw);
    return { valid: result.ok, errors: result.ok ? [] : result.errors, warnings: result.warnings };
  }

  onChange(listener: ConfigChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Follows edits made outside the gateway. Watches the directory, not the file: an atomic save (ours or an
   * editor's) renames a new inode into place, and a watch on the old inode would never fire again.
   */
  async startWatching(): Promise<void> {
    if (this.watcher || this.closed) return;
    const dir = path.dirname(this.opts.configPath);
    const base = path.basename(this.opts.configPath);
    // Create it if needed, but never tighten an existing one: it may be the user's home directory.
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    if (this.closed) return;
    const watcher = watch(dir, { persistent: false }, (_event, filename) => {
      if (filename !== null && filename.toString() !== base) return;
      this.scheduleReload();
    });
    watcher.on('error', (err) => {
      this.opts.log.warn(
        { err, dir },
        'stopped watching the config directory; restart the gateway to pick up edits',
      );
      watcher.close();
      if (this.watcher === watcher) this.watcher = undefined;
    });
    this.watcher = watcher;
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
    const raw = await readText(this.opts.configPath);
    // Our own writes land here too; their hash is already current.
    if (sha256(raw) === this.hash) return;
    await this.adopt(raw, validateConfigText(raw ?? ''), 'file');
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
      await this.saveLastGood(raw ?? '');
      this.opts.log.info(
        { file: this.opts.configPath, warnings: result.warnings.length },
        source === 'file' ? 'config file changed; reloaded' : 'config saved',
      );
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
      let current: string | null;
      try {
        current = await readText(this.opts.configPath);
      } catch (err) {
        throw new GatewayError(
          'config.write_failed',
          `could not read ${this.opts.configPath}: ${(err as Error).message}`,
        );
      }
      const currentHash = sha256(current);
      if (baseHash !== undefined && baseHash !== currentHash) {
        throw new GatewayError(
          'config.conflict',
          'the config file changed since you loaded it; reload and try again',
        );
      }
      // Someone edited the file and the watcher has not caught up: take their version in first.
      if (currentHash !== this.hash) await this.adopt(current, validateConfigText(current ?? ''), 'file');

      const next = compute(current);
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
        await writeFileAtomic(this.opts.configPath, next, { mode: 0o600 });
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
