// An agent's workspace: the folder of Markdown files its owner edits to shape it (how to behave, who it is, who the
// owner is, what it remembers). The files become the stable part of the system prompt, so they are read per run but
// cached by (path, mtime, size): an unchanged workspace costs a few stat calls and yields the very same objects,
// which keeps the prompt byte-identical and the provider's prompt cache warm.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { expandHome } from '../config/paths';
import { ID_RE, type OpenClawConfig } from '../config/schema';
import { defaultAgentId } from '../routing/route';

/** One workspace file as the system prompt shows it. */
export interface BootstrapFile {
  name: string;
  /** What the model sees: the whole file, or its head and tail around a marker line when it was too long. */
  content: string;
  truncated: boolean;
  /** Characters in the file as it is on disk (before any cut). */
  chars: number;
}

export interface SkippedFile {
  name: string;
  reason: string;
}

/** The files in prompt order; `skipped` names the ones that exist but could not be read, and why. */
export type BootstrapLoad = BootstrapFile[] & { skipped: SkippedFile[] };

/** Fixed order: behaviour first, then persona, owner, identity, tools, memory. HEARTBEAT.md is the heartbeat's own. */
export const BOOTSTRAP_FILES = [
  'AGENTS.md',
  'SOUL.md',
  'USER.md',
  'IDENTITY.md',
  'TOOLS.md',
  'MEMORY.md',
] as const;

function resolveIn(stateDir: string, p: string): string {
  return path.resolve(stateDir, expandHome(p.trim()));
}

function ownWorkspace(cfg: OpenClawConfig, stateDir: string, agentId: string): string {
  const entry = cfg.agents.list.find((a) => a.id.toLowerCase() === agentId.toLowerCase());
  if (entry?.workspace?.trim()) return resolveIn(stateDir, entry.workspace);
  const isDefault = defaultAgentId(cfg).toLowerCase() === agentId.toLowerCase();
  // agents.defaults.workspace names one folder, so only one agent (the default) may use it.
  if (isDefault && cfg.agents.defaults.workspace?.trim()) {
    return resolveIn(stateDir, cfg.agents.defaults.workspace);
  }
  return path.join(stateDir, isDefault ? 'workspace' : `workspace-${agentId.toLowerCase()}`);
}

/**
 * The absolute workspace folder of an agent. Throws (naming the agents) when two agents would share one: their
 * memories and personas would bleed into each other, which is never what the owner meant.
 */
export function workspaceDir(cfg: OpenClawConfig, stateDir: string, agentId: string): string {
  // The id becomes part of a path; a binding's agentId is free text, so refuse anything that could escape.
  if (!ID_RE.test(agentId)) {
    throw new Error(
      `agent id ${JSON.stringify(agentId)} must be 1-64 letters, digits, "-" or "_" to name a workspace folder`,
    );
  }
  const dir = ownWorkspace(cfg, stateDir, agentId);
  const others = new Set([defaultAgentId(cfg), ...cfg.agents.list.map((a) => a.id)]);
  for (const other of others) {
    if (other.toLowerCase() === agentId.toLowerCase()) continue;
    if (ownWorkspace(cfg, stateDir, other) === dir) {
      throw new Error(
        `agents "${agentId}" and "${other}" both use the workspace ${dir}; give each agent its own (agents.list[].workspace)`,
      );
    }
  }
  return dir;
}

// ---- seeding ------------------------------------------------------------------------------------------------------

function templates(agentName: string | undefined): Record<(typeof BOOTSTRAP_FILES)[number], string> {
  const name = agentName?.trim() || 'Assistant';
  return {
    'AGENTS.md': `# How to behave here

You talk with people on WhatsApp, mostly from a phone.

- Keep replies short: a few sentences, like a friend texting back. Split long answers into short paragraphs.
- Use WhatsApp formatting only: *bold*, _italic_, ~strike~, \`\`\`code\`\`\`. No Markdown tables or headings; use a short list instead.
- When nothing needs saying (a thank-you, an "ok", a message not meant for you in a group), reply with just NO_REPLY.
- When an emoji says it best, react to the message with the whatsapp tool instead of writing a reply.
- Never share the owner's private details with anyone else.
`,
    'SOUL.md': `# Character

Warm, direct and honest. Say so when you are unsure. Prefer one good answer to three hedged ones.
`,
    'USER.md': `# The owner

Who runs this assistant: name, how they like to be addressed, what they care about.
(Edit this file; nothing is known yet.)
`,
    'IDENTITY.md': `# Identity

Name: ${name}
`,
    'TOOLS.md': `# Tools

Notes on the tools you have and when to use them. The whatsapp tool can react to a message with an emoji.
`,
    'MEMORY.md': `# Memory

Things worth remembering between conversations. (Empty for now.)
`,
  };
}

/**
 * Seeds a missing or empty workspace with short starter files. A folder that already holds anything (hidden files
 * such as .git aside) is the owner's and is left alone; a file is never overwritten, even one written meanwhile.
 */
export async function ensureWorkspace(
  dir: string,
  opts: { agentName?: string } = {},
): Promise<{ created: boolean }> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const entries = await fsp.readdir(dir);
  if (entries.some((e) => !e.startsWith('.'))) return { created: false };
  const files = templates(opts.agentName);
  for (const name of BOOTSTRAP_FILES) {
    try {
      await fsp.writeFile(path.join(dir, name), files[name], { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { created: true };
}

// ---- loading ------------------------------------------------------------------------------------------------------

interface CacheEntry {
  mtimeMs: number;
  size: number;
  maxChars: number;
  file: BootstrapFile;
}

// Bounded: a gateway serves a handful of agents with six files each; old entries fall out first.
const CACHE_MAX = 256;
const cache = new Map<string, CacheEntry>();

function remember(key: string, entry: CacheEntry): void {
  cache.delete(key);
  cache.set(key, entry);
  while (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
}

/** Entries in the read cache (for tests of its bound). */
export function bootstrapCacheSize(): number {
  return cache.size;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Keeps most of the head (instructions usually start there) and some of the tail (recent notes end there). */
export function capContent(
  name: string,
  text: string,
  maxChars: number,
): { content: string; truncated: boolean } {
  if (text.length <= maxChars) return { content: text, truncated: false };
  let headEnd = Math.ceil(maxChars * 0.7);
  let tailStart = text.length - (maxChars - headEnd);
  // Never split an emoji or other astral character in two.
  if (headEnd > 0 && isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd -= 1;
  if (tailStart < text.length && isLowSurrogate(text.charCodeAt(tailStart))) tailStart += 1;
  const cut = tailStart - headEnd;
  const marker = `[… ${cut} characters of ${name} cut here to fit the prompt …]`;
  const head = text.slice(0, headEnd).replace(/\n?$/, '\n');
  const tail = text.slice(tailStart).replace(/^\n?/, '\n');
  return { content: `${head}${marker}${tail}`, truncated: true };
}

async function loadOne(
  file: string,
  name: string,
  maxChars: number,
): Promise<BootstrapFile | SkippedFile | undefined> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { name, reason: `cannot be read: ${(err as Error).message}` };
  }
  if (!st.isFile()) {
    return { name, reason: st.isDirectory() ? 'is a directory, not a file' : 'is not a regular file' };
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.maxChars === maxChars) {
    return hit.file;
  }
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    return { name, reason: `cannot be read: ${(err as Error).message}` };
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const { content, truncated } = capContent(name, text, maxChars);
  const loaded: BootstrapFile = { name, content, truncated, chars: text.length };
  remember(file, { mtimeMs: st.mtimeMs, size: st.size, maxChars, file: loaded });
  return loaded;
}

/**
 * The workspace files in prompt order, each capped at `maxChars`. Missing files are left out; files that exist but
 * cannot be read are left out and listed in `skipped` with the reason. Never throws for a file's sake.
 */
export async function loadBootstrap(dir: string, maxChars: number): Promise<BootstrapLoad> {
  if (!Number.isInteger(maxChars) || maxChars < 1) {
    throw new Error(`bootstrapMaxChars must be a positive whole number (got ${maxChars})`);
  }
  const results = await Promise.all(
    BOOTSTRAP_FILES.map((name) => loadOne(path.join(path.resolve(dir), name), name, maxChars)),
  );
  const files: BootstrapFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const r of results) {
    if (!r) continue;
    if ('reason' in r) skipped.push(r);
    else files.push(r);
  }
  return Object.assign(files, { skipped });
}

// ---- per run ------------------------------------------------------------------------------------------------------

const DIRS_MAX = 64;
/** The last result per folder, so an unchanged workspace yields the very same array run after run. */
const lastLoad = new Map<string, { maxChars: number; load: BootstrapLoad }>();

function sameLoad(a: BootstrapLoad, files: BootstrapFile[], skipped: SkippedFile[]): boolean {
  return (
    a.length === files.length &&
    a.every((f, i) => f === files[i]) &&
    a.skipped.length === skipped.length &&
    a.skipped.every((s, i) => s.name === skipped[i]!.name && s.reason === skipped[i]!.reason)
  );
}

/**
 * The workspace from the read cache when every file's (mtime, size) still matches, checked with synchronous stats:
 * six stat calls cost microseconds, while the thread pool costs a round trip each, and an owner's edit must show in
 * the very next run. Undefined when something must be seeded or read (the caller goes to the disk for real).
 */
function fromCache(dir: string, maxChars: number): BootstrapLoad | undefined {
  const files: BootstrapFile[] = [];
  const skipped: SkippedFile[] = [];
  let present = 0;
  for (const name of BOOTSTRAP_FILES) {
    const file = path.join(dir, name);
    let st;
    try {
      st = fs.statSync(file, { throwIfNoEntry: false });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') continue;
      skipped.push({ name, reason: `cannot be read: ${(err as Error).message}` });
      present++;
      continue;
    }
    if (!st) continue;
    present++;
    if (!st.isFile()) {
      skipped.push({
        name,
        reason: st.isDirectory() ? 'is a directory, not a file' : 'is not a regular file',
      });
      continue;
    }
    const hit = cache.get(file);
    if (!hit || hit.mtimeMs !== st.mtimeMs || hit.size !== st.size || hit.maxChars !== maxChars)
      return undefined;
    files.push(hit.file);
  }
  // Nothing there: the folder may need seeding, which ensureWorkspace decides.
  if (present === 0) return undefined;
  const last = lastLoad.get(dir);
  if (last && last.maxChars === maxChars && sameLoad(last.load, files, skipped)) return last.load;
  return Object.assign(files, { skipped });
}

function rememberLoad(dir: string, maxChars: number, load: BootstrapLoad): void {
  lastLoad.delete(dir);
  lastLoad.set(dir, { maxChars, load });
  while (lastLoad.size > DIRS_MAX) lastLoad.delete(lastLoad.keys().next().value as string);
}

/**
 * ensureWorkspace then loadBootstrap, as every run needs it. An unchanged workspace (the usual case) is answered
 * from the read cache after a synchronous look at the files, with the same objects, so the prompt stays
 * byte-identical; an edit, a removed file or a removed folder shows in the very next run.
 */
export async function workspaceFiles(
  dir: string,
  opts: { agentName?: string; maxChars: number },
): Promise<BootstrapLoad> {
  if (!Number.isInteger(opts.maxChars) || opts.maxChars < 1) {
    throw new Error(`bootstrapMaxChars must be a positive whole number (got ${opts.maxChars})`);
  }
  const abs = path.resolve(dir);
  const cached = fromCache(abs, opts.maxChars);
  if (cached) {
    rememberLoad(abs, opts.maxChars, cached);
    return cached;
  }
  await ensureWorkspace(abs, { agentName: opts.agentName });
  const load = await loadBootstrap(abs, opts.maxChars);
  rememberLoad(abs, opts.maxChars, load);
  return load;
}
