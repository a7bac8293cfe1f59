import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema';
import {
  BOOTSTRAP_FILES,
  bootstrapCacheSize,
  capContent,
  ensureWorkspace,
  loadBootstrap,
  workspaceDir,
  workspaceFiles,
} from './workspace';

const cfg = (raw: unknown) => ConfigSchema.parse(raw);
const state = '/var/lib/oc-state';
let dir: string;

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'oc-workspace-'));
});
afterEach(async () => {
  await fsp.chmod(path.join(dir, 'SOUL.md'), 0o600).catch(() => undefined);
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('workspaceDir', () => {
  it('gives the default agent <state>/workspace and every other agent its own folder', () => {
    const c = cfg({ agents: { list: [{ id: 'main' }, { id: 'Work' }] } });
    expect(workspaceDir(c, state, 'main')).toBe('/var/lib/oc-state/workspace');
    expect(workspaceDir(c, state, 'Work')).toBe('/var/lib/oc-state/workspace-work');
    expect(workspaceDir(cfg({}), state, 'main')).toBe('/var/lib/oc-state/workspace');
  });

  it('uses agents.list[].workspace first, then agents.defaults.workspace for the default agent only', () => {
    const c = cfg({
      agents: {
        defaults: { workspace: '~/assistant' },
        list: [{ id: 'main' }, { id: 'work', workspace: 'ws/work' }, { id: 'home' }],
      },
    });
    expect(workspaceDir(c, state, 'main')).toBe(path.join(os.homedir(), 'assistant'));
    expect(workspaceDir(c, state, 'work')).toBe('/var/lib/oc-state/ws/work');
    expect(workspaceDir(c, state, 'home')).toBe('/var/lib/oc-state/workspace-home');
    const own = cfg({ agents: { defaults: { workspace: '/d' }, list: [{ id: 'main', workspace: '/own' }] } });
    expect(workspaceDir(own, state, 'main')).toBe('/own');
  });

  it('refuses two agents sharing one folder, naming both', () => {
    const c = cfg({
      agents: { list: [{ id: 'main' }, { id: 'work', workspace: '/var/lib/oc-state/workspace' }] },
    });
    expect(() => workspaceDir(c, state, 'work')).toThrow(/agents "work" and "main" both use the workspace/);
    expect(() => workspaceDir(c, state, 'main')).toThrow(/agents "main" and "work"/);
  });

  it('refuses an agent id that could leave the state folder', () => {
    expect(() => workspaceDir(cfg({}), state, '../etc')).toThrow(/agent id "\.\.\/etc" must be/);
  });
});

describe('ensureWorkspace', () => {
  it('seeds a missing folder with the six short templates and no HEARTBEAT.md', async () => {
    const ws = path.join(dir, 'new', 'ws');
    expect(await ensureWorkspace(ws, { agentName: 'Molly' })).toEqual({ created: true });
    expect((await fsp.readdir(ws)).sort()).toEqual([...BOOTSTRAP_FILES].sort());
    const agents = await fsp.readFile(path.join(ws, 'AGENTS.md'), 'utf8');
    expect(agents).toContain('NO_REPLY');
    expect(agents).toMatch(/no markdown tables/i);
    expect(agents).toMatch(/react/i);
    expect(await fsp.readFile(path.join(ws, 'IDENTITY.md'), 'utf8')).toContain('Molly');
    for (const f of BOOTSTRAP_FILES) expect((await fsp.stat(path.join(ws, f))).size).toBeLessThan(1200);
  });

  it('seeds an empty folder (hidden files aside) but leaves a used one alone', async () => {
    await fsp.writeFile(path.join(dir, '.keep'), '');
    expect(await ensureWorkspace(dir)).toEqual({ created: true });
    await fsp.writeFile(path.join(dir, 'SOUL.md'), 'mine');
    await fsp.rm(path.join(dir, 'AGENTS.md'));
    expect(await ensureWorkspace(dir)).toEqual({ created: false });
    expect(await fsp.readFile(path.join(dir, 'SOUL.md'), 'utf8')).toBe('mine');
    expect(fs.existsSync(path.join(dir, 'AGENTS.md'))).toBe(false);
  });
});

describe('loadBootstrap', () => {
  it('returns the files in the fixed order, skipping missing ones', async () => {
    await fsp.writeFile(path.join(dir, 'MEMORY.md'), 'remember');
    await fsp.writeFile(path.join(dir, 'AGENTS.md'), '\uFEFFbehave\r\nwell');
    await fsp.writeFile(path.join(dir, 'HEARTBEAT.md'), 'not part of the prompt');
    const files = await loadBootstrap(dir, 1000);
    expect(files.map((f) => f.name)).toEqual(['AGENTS.md', 'MEMORY.md']);
    expect(files[0]).toEqual({ name: 'AGENTS.md', content: 'behave\nwell', truncated: false, chars: 11 });
    expect(files.skipped).toEqual([]);
  });

  it('caps a long file keeping head and tail around a marker saying how much was cut', async () => {
    const text = `HEAD${'x'.repeat(5000)}TAIL`;
    await fsp.writeFile(path.join(dir, 'USER.md'), text);
    const f = (await loadBootstrap(dir, 1000))[0]!;
    expect(f.truncated).toBe(true);
    expect(f.chars).toBe(5008);
    expect(f.content.startsWith('HEAD')).toBe(true);
    expect(f.content.endsWith('TAIL')).toBe(true);
    expect(f.content).toContain('[… 4008 characters of USER.md cut here to fit the prompt …]');
    expect(f.content.replace(/\n?\[….*…\]\n?/, '').length).toBe(1000);
  });

  it('never splits a surrogate pair at the cut', () => {
    const text = '😀'.repeat(100);
    const { content } = capContent('X.md', text, 11);
    expect(content).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('skips a directory and a file that cannot be opened (a symlink loop) with the reason, never throwing', async () => {
    await fsp.mkdir(path.join(dir, 'TOOLS.md'));
    await fsp.symlink('SOUL.md', path.join(dir, 'SOUL.md'));
    await fsp.writeFile(path.join(dir, 'IDENTITY.md'), 'me');
    const files = await loadBootstrap(dir, 1000);
    expect(files.map((f) => f.name)).toEqual(['IDENTITY.md']);
    expect(files.skipped).toEqual([
      { name: 'SOUL.md', reason: expect.stringMatching(/^cannot be read: ELOOP/) },
      { name: 'TOOLS.md', reason: 'is a directory, not a file' },
    ]);
  });

  it('skips a file it may not read (EACCES) with the reason (needs a non-root user: root reads a 0o000 file)', async (ctx) => {
    // Printed with the skip: as root the chmod does not stop the read, so there is nothing to test here.
    ctx.skip(
      process.getuid?.() === 0,
      'running as root, which reads a 0o000 file anyway (ELOOP test covers the branch)',
    );
    await fsp.writeFile(path.join(dir, 'SOUL.md'), 'secret');
    await fsp.chmod(path.join(dir, 'SOUL.md'), 0o000);
    const files = await loadBootstrap(dir, 1000);
    expect(files).toEqual([]);
    expect(files.skipped).toEqual([{ name: 'SOUL.md', reason: expect.stringMatching(/EACCES/) }]);
  });

  it('does not re-read an unchanged file and returns an equal result; a change is seen', async () => {
    const p = path.join(dir, 'AGENTS.md');
    await fsp.writeFile(p, 'version one');
    await fsp.utimes(p, 1_700_000_000, 1_700_000_000);
    const first = await loadBootstrap(dir, 1000);
    // Same size and mtime but other bytes: only a cached answer still says "version one".
    await fsp.writeFile(p, 'version two');
    await fsp.utimes(p, 1_700_000_000, 1_700_000_000);
    const second = await loadBootstrap(dir, 1000);
    expect(second).toEqual(first);
    expect(second[0]).toBe(first[0]);
    expect(second[0]!.content).toBe('version one');
    await fsp.utimes(p, 1_700_000_100, 1_700_000_100);
    expect((await loadBootstrap(dir, 1000))[0]!.content).toBe('version two');
  });

  it('keeps its cache bounded', async () => {
    for (let i = 0; i < 50; i++) {
      const d = path.join(dir, `ws${i}`);
      await fsp.mkdir(d);
      for (const f of BOOTSTRAP_FILES) await fsp.writeFile(path.join(d, f), f);
      await loadBootstrap(d, 1000);
    }
    expect(bootstrapCacheSize()).toBeLessThanOrEqual(256);
  });

  it('refuses a nonsensical cap', async () => {
    await expect(loadBootstrap(dir, 0)).rejects.toThrow(/bootstrapMaxChars must be a positive whole number/);
  });
});

describe('workspaceFiles (per run)', () => {
  it('yields the same objects while nothing changed, and shows an edit or a removed folder in the very next run', async () => {
    const ws = path.join(dir, 'ws');
    const first = await workspaceFiles(ws, { agentName: 'Molly', maxChars: 20_000 });
    expect(first.map((f) => f.name)).toEqual([...BOOTSTRAP_FILES]);
    // Unchanged: the very same array, so the prompt stays byte-identical.
    expect(await workspaceFiles(ws, { agentName: 'Molly', maxChars: 20_000 })).toBe(first);
    // An edit right away shows at once.
    const soul = path.join(ws, 'SOUL.md');
    const before = await fsp.stat(soul);
    await fsp.writeFile(soul, 'edited');
    const edited = await workspaceFiles(ws, { agentName: 'Molly', maxChars: 20_000 });
    expect(edited).not.toBe(first);
    expect(edited.find((f) => f.name === 'SOUL.md')?.content).toBe('edited');
    // Another edit of the same length, its mtime put back where it was: the size still tells them apart…
    await fsp.writeFile(soul, 'EDITED AGAIN');
    await fsp.utimes(soul, before.atime, before.mtime);
    expect((await workspaceFiles(ws, { maxChars: 20_000 })).find((f) => f.name === 'SOUL.md')?.content).toBe(
      'EDITED AGAIN',
    );
    // A removed file is gone from the next run; a removed folder is seeded afresh.
    await fsp.rm(path.join(ws, 'MEMORY.md'));
    expect((await workspaceFiles(ws, { maxChars: 20_000 })).map((f) => f.name)).not.toContain('MEMORY.md');
    await fsp.rm(ws, { recursive: true });
    const seeded = await workspaceFiles(ws, { agentName: 'Molly', maxChars: 20_000 });
    expect(seeded.map((f) => f.name)).toEqual([...BOOTSTRAP_FILES]);
    expect(seeded.find((f) => f.name === 'SOUL.md')?.content).not.toBe('EDITED AGAIN');
    // A folder in a file's place is skipped with the reason, in the next run too.
    await fsp.rm(path.join(ws, 'TOOLS.md'));
    await fsp.mkdir(path.join(ws, 'TOOLS.md'));
    const withDir = await workspaceFiles(ws, { maxChars: 20_000 });
    expect(withDir.skipped).toEqual([{ name: 'TOOLS.md', reason: 'is a directory, not a file' }]);
    expect(await workspaceFiles(ws, { maxChars: 20_000 })).toBe(withDir);
    // Another cap is another prompt: read at once.
    const capped = await workspaceFiles(ws, { maxChars: 3 });
    expect(capped.find((f) => f.name === 'SOUL.md')?.truncated).toBe(true);
  });

  it('does not remember a failed look', async () => {
    const file = path.join(dir, 'a-file');
    await fsp.writeFile(file, 'not a folder');
    await expect(workspaceFiles(file, { maxChars: 100 })).rejects.toThrow();
    await fsp.rm(file);
    const files = await workspaceFiles(file, { maxChars: 100 });
    expect(files.length).toBe(BOOTSTRAP_FILES.length);
  });
});
