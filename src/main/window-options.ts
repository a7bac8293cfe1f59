// The main window's options and navigation policy, kept free of runtime Electron imports so tests can assert the
// security flags under plain Node.
import type { BrowserWindowConstructorOptions } from 'electron';

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'OpenClaw',
    width: 1120,
    height: 780,
    minWidth: 760,
    minHeight: 520,
    // Shown on 'ready-to-show' so the user never sees an empty frame.
    show: false,
    backgroundColor: '#f6f7f9',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/**
 * May the window navigate to `url`? Only to our own page: the same app:// page for a built app (query and hash
 * ignored), the same origin for the dev server. file: URLs never: the UI is not loaded from them.
 */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  const target = parse(url);
  const app = parse(appUrl);
  if (!target || !app) return false;
  if (app.protocol === 'app:') {
    return target.protocol === 'app:' && target.host === app.host && target.pathname === app.pathname;
  }
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false;
  return target.origin === app.origin;
}

/** Links the user may follow in their own browser (shell.openExternal): plain http(s) only. */
export function isExternalHttpUrl(url: string): boolean {
  const target = parse(url);
  return (
    target !== null && (target.protocol === 'http:' || target.protocol === 'https:') && target.hostname !== ''
  );
}

/**
 * The app page at a route: `hash` replaces any fragment `appUrl` has. Changing only the fragment of the loaded
 * page is a same-document navigation, so the running UI switches screens without reloading.
 */
export function urlWithHash(appUrl: string, hash: string): string {
  const base = appUrl.split('#')[0] ?? appUrl;
  if (hash === '') return base;
  return `${base}${hash.startsWith('#') ? hash : `#${hash}`}`;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
