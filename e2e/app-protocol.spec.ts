// The app:// handler on the real build (out/renderer, written by `npm run build` before the Playwright specs): every
// built file is served with its type, paths out of the folder (the main bundle next to it) are refused, and
// Chromium, fed by the handler, runs the UI — module scripts load only with a JavaScript MIME type, and the CSP
// header the handler adds is in force. Electron itself cannot be launched here; the handler is plain code.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { appProtocolResponse } from '../src/main/app-protocol';

const root = fileURLToPath(new URL('../out/renderer/', import.meta.url));

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? builtFiles(join(dir, e.name))
      : [relative(root, join(dir, e.name)).split('\\').join('/')],
  );
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

test('serves every built file with its type and refuses the main bundle next to it', async () => {
  const files = builtFiles(root);
  expect(files).toEqual(expect.arrayContaining(['index.html', 'THIRD_PARTY_NOTICES.json']));
  for (const file of files) {
    const res = await appProtocolResponse(`app://openclaw/${file}`, root);
    expect({ file, status: res.status }).toEqual({ file, status: 200 });
    const ext = file.split('.').pop() ?? '';
    if (TYPES[ext]) expect(res.headers.get('content-type')).toBe(TYPES[ext]);
  }
  for (const url of [
    'app://openclaw/../main/index.js',
    'app://openclaw/%2e%2e/main/index.js',
    'app://openclaw/..%2fmain%2findex.js',
    'app://openclaw/..\\main\\index.js',
  ]) {
    expect((await appProtocolResponse(url, root)).status).toBe(400);
  }
  expect((await appProtocolResponse('app://other/index.html', root)).status).toBe(403);
});

test('Chromium runs the built UI from the handler', async ({ page }) => {
  // Chromium here knows no app:// scheme, so a stand-in origin is routed through the handler, path for path.
  const served: Array<{ path: string; status: number }> = [];
  await page.route('http://app.openclaw.test/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    const res = await appProtocolResponse(`app://openclaw${path}`, root);
    served.push({ path, status: res.status });
    await route.fulfill({
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: Buffer.from(await res.arrayBuffer()),
    });
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('http://app.openclaw.test/index.html');
  // The React shell rendered: the script (a module) and the styles came through with their types.
  await expect(page.locator('#root')).not.toBeEmpty();
  const assets = served.filter((s) => s.path.startsWith('/assets/'));
  expect(assets.some((s) => s.path.endsWith('.js')) && assets.some((s) => s.path.endsWith('.css'))).toBe(
    true,
  );
  expect(assets.filter((s) => s.status !== 200)).toEqual([]);
  // base.css's page colour (#f6f7f9 on :root) is applied: the stylesheet was accepted as CSS.
  // A string: the specs are type-checked without the DOM library.
  const background = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
  expect(background).toBe('rgb(246, 247, 249)');
  expect(errors).toEqual([]);
});
