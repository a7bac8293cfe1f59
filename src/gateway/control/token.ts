// The control token: `OPENCLAW_GATEWAY_TOKEN` overrides `gateway.auth.token`, which overrides a token generated
// once into the state dir (mode 0600). The CLI reads the same sources but never generates one.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';

export type TokenSource = 'env' | 'config' | 'file';

export function tokenFilePath(stateDir: string): string {
  return join(stateDir, 'gateway.token');
}

export async function readGatewayToken(opts: {
  env: NodeJS.ProcessEnv;
  configToken: string | undefined;
  stateDir: string;
}): Promise<{ token: string; source: TokenSource } | null> {
  const fromEnv = opts.env.OPENCLAW_GATEWAY_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env' };
  if (opts.configToken) return { token: opts.configToken, source: 'config' };
  try {
    const token = (await readFile(tokenFilePath(opts.stateDir), 'utf8')).trim();
    return token ? { token, source: 'file' } : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Like readGatewayToken, but generates and stores a token when there is none; tightens a loose file mode. */
export async function ensureGatewayToken(opts: {
  env: NodeJS.ProcessEnv;
  configToken: string | undefined;
  stateDir: string;
}): Promise<{ token: string; source: TokenSource; fixedMode: boolean }> {
  const existing = await readGatewayToken(opts);
  if (existing) {
    let fixedMode = false;
    if (existing.source === 'file') {
      const file = tokenFilePath(opts.stateDir);
      if (((await stat(file)).mode & 0o077) !== 0) {
        await chmod(file, 0o600);
        fixedMode = true;
      }
    }
    return { ...existing, fixedMode };
  }
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(tokenFilePath(opts.stateDir), `${token}\n`, { mode: 0o600 });
  return { token, source: 'file', fixedMode: false };
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response timing. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
