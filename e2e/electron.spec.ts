// The desktop shell itself, where an Electron binary exists (not on machines that install with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1; there the shell's logic is covered by its Node unit tests in src/main).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { _electron as electron, expect, test } from '@playwright/test';
import { makeTestEnv } from '../test/support/env';

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test('the desktop app opens a sandboxed window whose API reaches the in-process gateway', async () => {
  test.skip(!binary, 'no Electron binary on this machine (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)');
  const t = await makeTestEnv();
  const app = await electron.launch({
    executablePath: binary!,
    args: ['.'],
    env: t.env as Record<string, string>,
  });
  try {
    const page = await app.firstWindow();
    // The built UI comes through our app:// scheme, never as a file: page.
    expect(page.url()).toMatch(/^app:\/\/openclaw\/index\.html/);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    const health = await page.evaluate(() =>
      (globalThis as unknown as { openclaw: { health(): Promise<unknown> } }).openclaw.health(),
    );
    expect(health).toMatchObject({ ok: true, value: { port: t.port } });
  } finally {
    await app.close();
    await t.cleanup();
  }
});
