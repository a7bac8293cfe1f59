// Electron entry: one instance per user, the gateway in this process, one window, a tray. The window closes to the
// tray on every platform; Quit (tray, app menu, signal) stops the gateway cleanly before the process exits.
// Pairing requests show in the tray and as desktop notifications (pairing-desk.ts).
import {
  app,
  dialog,
  ipcMain,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  type BrowserWindow,
} from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway, type Gateway } from '../gateway/gateway';
import { setSqliteNativeBinding } from '../gateway/store/native-binding';
import type { EventPayload, MethodResponse } from '../shared/contract';
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolResponse } from './app-protocol';
import { createMainWindow, hardenSession, showRoute } from './app-window';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './csp';
import { bindIpc, isOwnAppFrame, type IpcBinding } from './ipc-binding';
import {
  APP_USER_MODEL_ID,
  afterLastWindowClosed,
  DEFAULT_DESKTOP_SETTINGS,
  onWindowClose,
  startedAtLogin,
} from './desktop-habits';
import { startDesktopShell, type DesktopShell } from './desktop-shell';
import { createNotifier } from './notifier';
import { startPairingDesk, type PairingDesk } from './pairing-desk';
import { safeStorageCipher } from './safe-storage-keys';
import { pairingHash } from './pairing-notify';
import { electronBindingPath, loadSqlite, sqliteLoadProblem } from './sqlite-check';
import { createTray, type AppTray } from './tray';
import { createTrayAccounts } from './tray-accounts';
import type { TrayAction, TrayState } from './tray-menu';
import { watchWakeAndNetwork } from './wake-reconnect';

const STOP_TIMEOUT_MS = 10_000;

// The dev server URL is honoured only in development: a packaged app never loads a page named by the environment.
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
// The built UI is served from out/renderer through app://openclaw/ (app-protocol.ts), never as file: URLs.
const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
const appUrl = devUrl ?? APP_PAGE_URL;
// Privileged schemes must be declared before 'ready'.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void run();
}

async function run(): Promise<void> {
  let win: BrowserWindow | null = null;
  let tray: AppTray | null = null;
  let ipc: IpcBinding | null = null;
  let desk: PairingDesk | null = null;
  let stopWakeWatch: (() => void) | null = null;
  let quitting = false;
  let desktop: DesktopShell | null = null;
  const habits = () => desktop?.settings() ?? DEFAULT_DESKTOP_SETTINGS;
  let exiting: Promise<void> | null = null;
  const trayState: TrayState = { gateway: 'starting', accounts: [] };

  /** Shows the window, on a route (`#/pairing?code=…`) when given. */
  const showWindow = (hash?: string) => {
    if (!app.isReady()) return;
    if (!win || win.isDestroyed()) {
      win = createMainWindow({
        preloadPath,
        appUrl,
        hash,
        hideOnClose: () => onWindowClose(habits(), quitting) === 'hide',
        onLoadFailed: (err) => dialog.showErrorBox('OpenClaw could not load its window', err.message),
      });
    } else if (hash) {
      showRoute(win, appUrl, hash);
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  let resolveGateway: (gateway: Gateway | null) => void = () => {};
  const gatewayReady = new Promise<Gateway | null>((resolve) => (resolveGateway = resolve));

  const shutdown = async () => {
    const gateway = await gatewayReady;
    if (gateway) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)));
      await Promise.race([gateway.stop().catch(() => undefined), timeout]);
      clearTimeout(timer);
    }
    stopWakeWatch?.();
    desk?.dispose();
    ipc?.dispose();
    tray?.destroy();
  };

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  // Stay alive in the tray when the last window closes (registering a listener disables the default quit), unless
  // the user turned that off: then closing the window quits, which stops the gateway cleanly.
  app.on('window-all-closed', () => {
    if (afterLastWindowClosed(habits()) === 'quit') app.quit();
  });
  // Windows groups notifications (and shows them at all) by this id, which the installer's shortcut carries too.
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  app.on('before-quit', (event) => {
    quitting = true;
    event.preventDefault();
    exiting ??= shutdown().finally(() => app.exit(0));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  await app.whenReady();
  // The store needs better-sqlite3 built for Electron's ABI; without it nothing works, so say why and stop.
  const bindingPath = electronBindingPath(app.getAppPath());
  const sqlite = loadSqlite(bindingPath);
  if (!sqlite.ok) {
    const problem = sqliteLoadProblem(sqlite.error, {
      bindingPath,
      bindingFound: sqlite.found,
      electronVersion: process.versions.electron,
      abi: process.versions.modules,
      packaged: app.isPackaged,
    });
    dialog.showErrorBox(problem.title, problem.message);
    app.exit(1);
    return;
  }
  setSqliteNativeBinding(sqlite.binding);
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request.url, rendererDir));
  hardenSession(session.defaultSession, devUrl ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
  const resourcesDir = join(app.getAppPath(), 'resources');
  const onTrayAction = (action: TrayAction) => {
    if (action.kind === 'open') showWindow();
    else if (action.kind === 'quit') app.quit();
    else if (action.kind === 'open-pairing') showWindow('#/pairing');
    else if (action.kind === 'show') showWindow(pairingHash(action));
    else if (action.kind === 'toggle') {
      void desktop
        ?.toggle(action.setting)
        .then((settings) => {
          trayState.desktop = settings;
          tray?.update(trayState);
        })
        .catch((err: unknown) => dialog.showErrorBox('OpenClaw could not save the setting', String(err)));
    } else void desk?.act(action.kind, action.accountId, action.code);
  };
  desktop = await startDesktopShell(app).catch((err: unknown) => {
    process.emitWarning(`desktop settings unavailable: ${String(err)}`, 'OpenClawDesktopSettings');
    return null;
  });
  if (desktop) trayState.desktop = desktop.settings();
  tray = createTray({ resourcesDir, onAction: onTrayAction });
  tray.update(trayState);

  try {
    // The UI comes from disk in Electron; the control WebSocket still listens for the CLI.
    const gateway = await startGateway({
      serveUi: false,
      console: app.isPackaged ? null : process.stdout,
      // Model API keys sealed with the OS keychain (the headless gateway keeps its 0600 file).
      keyCipher: safeStorageCipher(safeStorage, process.platform) ?? undefined,
    });
    const { config } = gateway.health();
    Object.assign(trayState, {
      gateway: 'running',
      config: { valid: config.valid, usingLastGood: config.usingLastGood },
    });
    ipc = bindIpc({
      ipcMain,
      gateway,
      isTrustedSender: (sender) =>
        isOwnAppFrame(sender, win && !win.isDestroyed() ? win.webContents.id : null, appUrl),
    });
    // One tray line per WhatsApp account: events as they come, the snapshot for accounts not heard from yet.
    const accounts = createTrayAccounts();
    const showAccounts = (changed: boolean) => {
      if (!changed) return;
      trayState.accounts = accounts.list();
      tray?.update(trayState);
    };
    gateway.onEvent((event, payload) => {
      if (event === 'channels.state') {
        showAccounts(accounts.apply(payload as EventPayload<'channels.state'>));
        return;
      }
      if (event === 'agent.status') {
        trayState.agent = payload as EventPayload<'agent.status'>;
        tray?.update(trayState);
        return;
      }
      if (event !== 'config.changed') return;
      const status = payload as EventPayload<'config.changed'>;
      trayState.config = { valid: status.valid, usingLastGood: status.usingLastGood };
      tray?.update(trayState);
    });
    // Pending pairing requests: a count and Approve/Deny in the tray, a notification for each new one.
    desk = startPairingDesk({
      gateway,
      notifier: createNotifier({ icon: join(resourcesDir, 'icon.png') }),
      platform: process.platform,
      onPending: (pending) => {
        trayState.pending = pending;
        tray?.update(trayState);
      },
      openWindow: showWindow,
    });
    void desk.refresh();
    void gateway
      .call('channels.status', undefined, { transport: 'ipc', subscriptions: new Set() })
      .then((result) => {
        if (result.ok)
          showAccounts(accounts.seed((result.value as MethodResponse<'channels.status'>).accounts));
      })
      .catch(() => undefined);
    void gateway
      .call('agent.status', undefined, { transport: 'ipc', subscriptions: new Set() })
      .then((result) => {
        // An event may have come first; it is newer than this answer.
        if (result.ok && !trayState.agent) {
          trayState.agent = result.value as MethodResponse<'agent.status'>;
          tray?.update(trayState);
        }
      })
      .catch(() => undefined);
    // After sleep or a network outage, accounts waiting out a backoff (or degraded) try at once.
    stopWakeWatch = watchWakeAndNetwork({
      power: powerMonitor,
      isOnline: () => net.isOnline(),
      reconnect: () =>
        void gateway
          .call('channels.reconnect', { waiting: true }, { transport: 'ipc', subscriptions: new Set() })
          .catch(() => undefined),
    });
    resolveGateway(gateway);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    Object.assign(trayState, { gateway: 'error', detail: message });
    resolveGateway(null);
    dialog.showErrorBox('OpenClaw could not start its gateway', message);
  }
  tray.update(trayState);
  // Started by the OS at login: the tray only, until the user opens the window.
  // wasOpenedAtLogin is macOS's own signal; Windows and Linux start us with the hidden argument.
  const atLogin = startedAtLogin(
    process.argv,
    process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true,
  );
  if (!quitting && !atLogin) showWindow();
}
