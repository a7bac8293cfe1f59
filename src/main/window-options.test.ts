import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL } from './app-protocol';
import { isAllowedNavigation, isExternalHttpUrl, mainWindowOptions, urlWithHash } from './window-options';

describe('mainWindowOptions', () => {
  it('turns on every isolation flag and off everything that widens the page', () => {
    const options = mainWindowOptions('/app/out/preload/index.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect(options.title).toBe('OpenClaw');
    expect(options.show).toBe(false);
    expect(options.width).toBeGreaterThanOrEqual(options.minWidth ?? 0);
  });
});

describe('isAllowedNavigation', () => {
  const page = APP_PAGE_URL;
  it('allows our own app:// page, with any hash or query', () => {
    expect(isAllowedNavigation(page, page)).toBe(true);
    expect(isAllowedNavigation(`${page}#/settings`, page)).toBe(true);
    expect(isAllowedNavigation(`${page}?x=1#/pairing`, page)).toBe(true);
  });

  it('blocks other app:// hosts and paths, file: pages (even the built one), other schemes and remote pages', () => {
    expect(isAllowedNavigation('app://evil/index.html', page)).toBe(false);
    expect(isAllowedNavigation('app://openclaw/other.html', page)).toBe(false);
    expect(isAllowedNavigation('file:///opt/OpenClaw/resources/app.asar/out/renderer/index.html', page)).toBe(
      false,
    );
    expect(isAllowedNavigation('file:///etc/passwd', page)).toBe(false);
    expect(isAllowedNavigation('https://example.com/', page)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', page)).toBe(false);
    expect(isAllowedNavigation('not a url', page)).toBe(false);
  });

  it('allows the dev server origin only', () => {
    const dev = 'http://localhost:5173/';
    expect(isAllowedNavigation('http://localhost:5173/#/logs', dev)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', dev)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:5173/', dev)).toBe(false);
  });
});

describe('isExternalHttpUrl', () => {
  it('accepts http(s) links only', () => {
    expect(isExternalHttpUrl('https://docs.openclaw.ai/channels/whatsapp')).toBe(true);
    expect(isExternalHttpUrl('http://example.com')).toBe(true);
    expect(isExternalHttpUrl('file:///etc/passwd')).toBe(false);
    expect(isExternalHttpUrl('smb://host/share')).toBe(false);
    expect(isExternalHttpUrl('javascript:alert(1)')).toBe(false);
  });
});

describe('urlWithHash', () => {
  it('points the app page at a route, replacing any fragment it had', () => {
    const page = APP_PAGE_URL;
    expect(urlWithHash(page, '#/pairing?account=default&code=ABCD2345')).toBe(
      `${page}#/pairing?account=default&code=ABCD2345`,
    );
    expect(urlWithHash(`${page}#/logs`, '/pairing')).toBe(`${page}#/pairing`);
    expect(urlWithHash('http://localhost:5173/#/logs', '')).toBe('http://localhost:5173/');
    // The route stays on our page as far as the navigation policy is concerned.
    expect(isAllowedNavigation(urlWithHash(page, '#/pairing'), page)).toBe(true);
  });
});
