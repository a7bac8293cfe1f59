// Follows edits to the config file made outside the gateway. Watches directories, not the file: an atomic save
// (ours or an editor's) renames a new inode into place, and a watch on the old inode would never fire again.
// A config that is a symbolic link (dotfile managers do this) is followed to its target: an edit there changes
// nothing in the link's directory, so the target's directory is watched too, and re-resolved when the link
// itself is replaced or pointed elsewhere.
import { watch, promises as fsp, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

export class ConfigFileWatcher {
  private linkWatcher: FSWatcher | undefined;
  private targetWatcher: FSWatcher | undefined;
  /** The file the link resolved to last time (the config path itself when it is not a link). */
  private target: string;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly onChange: () => void,
    private readonly log: Logger,
  ) {
    this.target = file;
  }

  async start(): Promise<void> {
    const dir = path.dirname(this.file);
    // Create it if needed, but never tighten an existing one: it may be the user's home directory.
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    if (this.closed) return;
    this.linkWatcher = this.watchDir(dir, path.basename(this.file), () => {
      void this.retarget().then(this.onChange);
    });
    await this.retarget();
  }

  close(): void {
    this.closed = true;
    this.linkWatcher?.close();
    this.targetWatcher?.close();
    this.linkWatcher = this.targetWatcher = undefined;
  }

  /** The file that edits land in: the link's target, or the config path itself. */
  static async resolve(file: string): Promise<string> {
    try {
      return await fsp.realpath(file);
    } catch {
      return file; // Missing (or a dangling link): nothing to follow yet.
    }
  }

  private async retarget(): Promise<void> {
    const real = await ConfigFileWatcher.resolve(this.file);
    if (this.closed || (real === this.target && (this.targetWatcher || real === this.file))) return;
    this.targetWatcher?.close();
    this.targetWatcher = undefined;
    this.target = real;
    if (real === this.file) return;
    this.log.info(
      { file: this.file, target: real },
      'the config file is a link; following edits to its target',
    );
    this.targetWatcher = this.watchDir(path.dirname(real), path.basename(real), this.onChange);
  }

  private watchDir(dir: string, base: string, onEvent: () => void): FSWatcher | undefined {
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (_event, filename) => {
        if (filename === null || filename.toString() === base) onEvent();
      });
    } catch (err) {
      this.log.warn({ err, dir }, 'cannot watch this directory; restart the gateway to pick up config edits');
      return undefined;
    }
    watcher.on('error', (err) => {
      this.log.warn(
        { err, dir },
        'stopped watching a config directory; restart the gateway to pick up edits',
      );
      watcher.close();
      if (this.linkWatcher === watcher) this.linkWatcher = undefined;
      if (this.targetWatcher === watcher) this.targetWatcher = undefined;
    });
    return watcher;
  }
}
