import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_CSP } from '../shared/csp';
import { APP_PAGE_URL, APP_SCHEME_PRIVILEGES, appProtocolResponse, resolveAppFile } from './app-protocol';

// A real folder laid out like out/renderer, with a secret next to it and symlinks pointing out of it.
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'app-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>OpenClaw</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.info(1)');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(root, 'THIRD_PARTY_NOTICES.json'), '{"packages":[]}');
  writeFileSync(join(root, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(base, 'secret.txt'), 'not for the page');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'leak.txt'));
  symlinkSync(base, join(root, 'up'));
  // A symlink that stays inside the root is fine.
  symlinkSync(join(root, 'index.html'), join(root, 'home.html'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

async function status(url: string): Promise<number> {
  const file = await resolveAppFile(url, root);
  return file.ok ? 200 : file.status;
}

describe('app:// protocol', () => {
  it('registers app:// as a standard, secure scheme and opens index.html on it', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
    expect(APP_PAGE_URL).toBe('app://openclaw/index.html');
  });

  it('serves index.html (also for /) and assets with their MIME types and the CSP on the page', async () => {
    for (const url of [APP_PAGE_URL, 'app://openclaw/', 'app://openclaw']) {
      const res = await appProtocolResponse(url, root);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(UI_CSP);
      expect(await res.text()).toContain('<title>OpenClaw</title>');
    }
    const js = await appProtocolResponse('app://openclaw/assets/index-abc.js?v=1#x', root);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBeNull();
    expect(await js.text()).toBe('console.info(1)');
    const css = await appProtocolResponse('app://openclaw/assets/index-abc.css', root);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const json = await appProtocolResponse('app://openclaw/THIRD_PARTY_NOTICES.json', root);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toEqual({ packages: [] });
    const png = await appProtocolResponse('app://openclaw/assets/logo.png', root);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    expect(await status('app://openclaw/home.html')).toBe(200);
  });

  it('refuses dot segments, encoded traversal, backslashes and absolute paths', async () => {
    const attempts = [
      'app://openclaw/../secret.txt',
      'app://openclaw/assets/../../secret.txt',
      'app://openclaw/%2e%2e/secret.txt',
      'app://openclaw/%2E%2E/secret.txt',
      'app://openclaw/assets%2f..%2f..%2fsecret.txt',
      'app://openclaw/..%5csecret.txt',
      'app://openclaw/..\\secret.txt',
      'app://openclaw/assets\\..\\..\\secret.txt',
      'app://openclaw/./index.html',
      'app://openclaw//etc/passwd',
      `app://openclaw/${encodeURIComponent(join(base, 'secret.txt'))}`,
      'app://openclaw/C:/Windows/win.ini',
      'app://openclaw/index.html%00.png',
      'app://openclaw/%E0%A4%A',
    ];
    for (const url of attempts) {
      const res = await appProtocolResponse(url, root);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(await res.text()).not.toContain('not for the page');
    }
  });

  it('refuses symlinks that lead out of the UI folder', async () => {
    expect(await status('app://openclaw/assets/leak.txt')).toBe(403);
    expect(await status('app://openclaw/up/secret.txt')).toBe(403);
  });

  it('refuses other hosts and other schemes', async () => {
    expect(await status('app://evil/index.html')).toBe(403);
    expect(await status('app://openclaw.evil/index.html')).toBe(403);
    expect(await status('app://openclaw:8080/index.html')).toBe(403);
    expect(await status('file:///etc/passwd')).toBe(400);
    expect(await status('https://openclaw/index.html')).toBe(400);
  });

  it('answers 404 for missing files and folders, and when the UI is not built', async () => {
    expect(await status('app://openclaw/nope.js')).toBe(404);
    expect(await status('app://openclaw/assets')).toBe(404);
    expect(await status('app://openclaw/assets/')).toBe(400);
    expect((await resolveAppFile(APP_PAGE_URL, join(base, 'missing'))).ok).toBe(false);
    const res = await appProtocolResponse('app://openclaw/nope.js', root);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });
});
