// Creating the main window and locking down what it may do: navigation only to our own page, new windows never
// (http(s) links go to the user's browser), no webviews, no permissions beyond writing the clipboard, and the CSP
// header on every response the session receives.
import { BrowserWindow, shell, type Session } from 'electron';
import { withCspHeader } from './csp';
import { isAllowedNavigation, isExternalHttpUrl, mainWindowOptions, urlWithHash } from './window-options';

export interface MainWindowOptions {
  preloadPath: string;
  /** The page the window shows: the dev server URL or the built UI's app://openclaw/index.html. */
  appUrl: string;
  /** The route to open on (`#/pairing?code=…`); the UI's default screen when omitted. */
  hash?: string;
  /** When true, closing the window hides it (the app lives on in the tray). */
  hideOnClose(): boolean;
  onLoadFailed(error: Error): void;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(opts.preloadPath));
  const contents = win.webContents;

  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (!opts.hideOnClose()) return;
    event.preventDefault();
    win.hide();
  });

  const openOutside = (url: string) => {
    if (isExternalHttpUrl(url)) void shell.openExternal(url);
  };
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url, opts.appUrl)) return;
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url, opts.appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());

  // loadURL covers both the dev server and the built UI (app://, the form navigation checks compare).
  win
    .loadURL(opts.hash ? urlWithHash(opts.appUrl, opts.hash) : opts.appUrl)
    .catch((err: unknown) => opts.onLoadFailed(err instanceof Error ? err : new Error(String(err))));
  return win;
}

/** Moves an open window to a route of the app page (a fragment change: the page is not reloaded). */
export function showRoute(win: BrowserWindow, appUrl: string, hash: string): void {
  win.webContents.loadURL(urlWithHash(appUrl, hash)).catch(() => undefined);
}

/** Session-wide policy: our CSP on every response, and no permission prompts the UI does not need. */
export function hardenSession(ses: Session, csp: string): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
  });
  const allowed = (permission: string) => permission === 'clipboard-sanitized-write';
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(allowed(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => allowed(permission));
}
