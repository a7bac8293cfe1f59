// Where a provider's API key comes from, in order: the config's `apiKey` (a literal, or `${VAR}` naming an
// environment variable — the config loader does not expand those, so it happens here), the 0600 credentials file
// the Settings screen writes (`<stateDir>/credentials/models.json`), then the environment variable conventional for
// that provider. Local servers (Ollama, LM Studio, llama.cpp, vLLM) need none. Keys are returned to the caller and
// never logged; `source` is what the control API shows instead.
// The file's values are sealed by a KeyCipher when one is given: the desktop app passes Electron's safeStorage (the
// OS keychain's key), marked in the file as `encrypted: "<cipher name>"`; headless there is none and the 0600 file
// is the protection.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ProviderConfig } from '../../config/schema';
import { ensurePrivateDir, writeFileAtomic } from '../../fs/atomic-write';

export type KeySource = 'env' | 'config' | 'credentials' | 'none';

export interface ResolvedKey {
  key?: string;
  source: KeySource;
  /** The variable the key came from or would come from, for messages ("set OPENAI_API_KEY"). */
  envVar?: string;
}

const ENV_REF_RE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

const CredentialsFileSchema = z.object({
  version: z.literal(1),
  /** The KeyCipher that sealed the values (base64 of its output); absent when they are plain text. */
  encrypted: z.string().min(1).max(64).optional(),
  keys: z.record(z.string(), z.string()),
});
/** The keys in memory are always plain; only the file may hold them sealed. */
type CredentialsFile = { version: 1; keys: Record<string, string> };

/** Seals stored keys at rest (the desktop app's safeStorage). Both directions throw when they cannot. */
export interface KeyCipher {
  /** Written into the file as `encrypted`, so a reader knows which cipher opens the values. */
  readonly name: string;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

// Asked on every model request (which key, which token field): parsing the URL each time showed in profiles.
// Bounded: a config names a handful of base URLs; a table past the bound starts over.
const HOSTS_MAX = 64;
const hosts = new Map<string, string>();

/** The lower-case host name of a base URL, '' when it does not parse. */
export function hostOf(baseUrl: string): string {
  let host = hosts.get(baseUrl);
  if (host !== undefined) return host;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    host = '';
  }
  if (hosts.size >= HOSTS_MAX) hosts.clear();
  hosts.set(baseUrl, host);
  return host;
}

/** The environment variable a provider's key conventionally lives in, or undefined for local/custom servers. */
export function envVarFor(
  providerId: string,
  provider: Pick<ProviderConfig, 'api' | 'baseUrl'>,
): string | undefined {
  const host = hostOf(provider.baseUrl);
  if (providerId === 'openrouter' || host === 'openrouter.ai' || host.endsWith('.openrouter.ai'))
    return 'OPENROUTER_API_KEY';
  if (provider.api === 'anthropic-messages') return 'ANTHROPIC_API_KEY';
  if (providerId === 'openai' || (provider.api === 'openai-completions' && host === 'api.openai.com'))
    return 'OPENAI_API_KEY';
  return undefined;
}

export class KeyStore {
  private cache: CredentialsFile | undefined;
  /** Why the credentials file could not be read, if it could not (shown, never thrown: other sources still work). */
  fileError: string | undefined;

  constructor(
    private readonly stateDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly cipher?: KeyCipher,
  ) {}

  get file(): string {
    return path.join(this.stateDir, 'credentials', 'models.json');
  }

  resolve(providerId: string, provider: Pick<ProviderConfig, 'api' | 'baseUrl' | 'apiKey'>): ResolvedKey {
    const envVar = envVarFor(providerId, provider);
    const configured = provider.apiKey?.trim();
    if (configured) {
      const ref = ENV_REF_RE.exec(configured);
      if (!ref) return { key: configured, source: 'config', envVar };
      const fromRef = this.env[ref[1]!]?.trim();
      if (fromRef) return { key: fromRef, source: 'env', envVar: ref[1] };
    }
    const stored = this.read().keys[providerId];
    if (stored) return { key: stored, source: 'credentials', envVar };
    const fromEnv = envVar ? this.env[envVar]?.trim() : undefined;
    if (fromEnv) return { key: fromEnv, source: 'env', envVar };
    return { source: 'none', envVar };
  }

  /** Stores (or with "" removes) a provider's key; the file is replaced atomically with mode 0600. */
  async setKey(providerId: string, apiKey: string): Promise<boolean> {
    const current = this.read(true);
    const keys = { ...current.keys };
    const trimmed = apiKey.trim();
    if (trimmed) keys[providerId] = trimmed;
    else delete keys[providerId];
    const next: CredentialsFile = { version: 1, keys };
    const onDisk = this.cipher
      ? {
          version: 1,
          encrypted: this.cipher.name,
          keys: Object.fromEntries(Object.entries(keys).map(([id, key]) => [id, this.cipher!.encrypt(key)])),
        }
      : next;
    await ensurePrivateDir(path.dirname(this.file));
    await writeFileAtomic(this.file, `${JSON.stringify(onDisk, null, 2)}\n`, { mode: 0o600 });
    this.cache = next;
    this.fileError = undefined;
    return trimmed !== '';
  }

  /** Every stored key, so the log hub can censor them wherever they might appear. */
  storedKeys(): string[] {
    return Object.values(this.read().keys);
  }

  private read(fresh = false): CredentialsFile {
    if (this.cache && !fresh) return this.cache;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.fileError = `${this.file} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
      }
      this.cache = { version: 1, keys: {} };
      return this.cache;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Never quote the parser's message: it repeats part of the content, and the content is keys.
      json = undefined;
    }
    const parsed = CredentialsFileSchema.safeParse(json);
    if (parsed.success) {
      this.cache = { version: 1, keys: this.open(parsed.data) };
    } else {
      this.fileError = `${this.file} is not a model credentials file ({ "version": 1, "keys": { "<provider>": "<key>" } }); its keys are ignored until it is saved again`;
      this.cache = { version: 1, keys: {} };
    }
    return this.cache;
  }

  /** The file's keys in plain text; sealed ones this process cannot open are left out, and fileError says why. */
  private open(file: z.infer<typeof CredentialsFileSchema>): Record<string, string> {
    this.fileError = undefined;
    if (file.encrypted === undefined) return file.keys;
    if (this.cipher?.name !== file.encrypted) {
      this.fileError = `${this.file} holds keys encrypted by ${file.encrypted}, which only the OpenClaw desktop app opens; save the keys again here or set them in the environment`;
      return {};
    }
    const keys: Record<string, string> = {};
    const failed: string[] = [];
    for (const [id, sealed] of Object.entries(file.keys)) {
      try {
        keys[id] = this.cipher.decrypt(sealed);
      } catch {
        failed.push(id);
      }
    }
    if (failed.length > 0) {
      this.fileError = `${this.file}: the keys of ${failed.join(', ')} could not be decrypted (another user or a reset keychain?); save them again`;
    }
    return keys;
  }
}
