import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APP_USER_MODEL_ID,
  DEFAULT_DESKTOP_SETTINGS,
  afterLastWindowClosed,
  linuxAutostartEntry,
  linuxAutostartFile,
  loadDesktopSettings,
  loginItemSettings,
  onWindowClose,
  saveDesktopSettings,
  setLinuxAutostart,
  startedAtLogin,
} from './desktop-habits';
import { toMenuTemplate, trayAction, trayMenuModel, type TrayState } from './tray-menu';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'desktop-habits-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('desktop settings file', () => {
  it('defaults to staying in the tray and not starting at login, and round-trips through a 0600 file', async () => {
    const file = join(dir, 'user-data', 'desktop-settings.json');
    expect(await loadDesktopSettings(file)).toEqual({ settings: { openAtLogin: false, closeToTray: true } });
    await saveDesktopSettings(file, { openAtLogin: true, closeToTray: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadDesktopSettings(file)).toEqual({ settings: { openAtLogin: true, closeToTray: false } });
  });

  it('falls back to the defaults with a sentence naming the file and the key for a broken file', async () => {
    const file = join(dir, 'desktop-settings.json');
    writeFileSync(file, '{"closeToTray": "yes"}');
    const wrongType = await loadDesktopSettings(file);
    expect(wrongType.settings).toEqual(DEFAULT_DESKTOP_SETTINGS);
    expect(wrongType.error).toContain(`${file}: closeToTray:`);
    writeFileSync(file, '{"closeToTray": true, "startMinimised": 1}');
    expect((await loadDesktopSettings(file)).error).toMatch(/startMinimised/);
    writeFileSync(file, '{oops');
    expect((await loadDesktopSettings(file)).error).toBe(`${file} is not JSON; using the default settings`);
  });
});

describe('closing the window', () => {
  it('hides to the tray by default and quits when the setting is off or Quit was chosen', () => {
    const keep = DEFAULT_DESKTOP_SETTINGS;
    const quitOnClose = { ...keep, closeToTray: false };
    expect(onWindowClose(keep, false)).toBe('hide');
    expect(onWindowClose(keep, true)).toBe('close');
    expect(onWindowClose(quitOnClose, false)).toBe('close');
    expect(afterLastWindowClosed(keep)).toBe('stay');
    expect(afterLastWindowClosed(quitOnClose)).toBe('quit');
  });
});

describe('start at login', () => {
  it('registers the login item with an argument that opens the app in the tray only', () => {
    expect(loginItemSettings(true)).toEqual({ openAtLogin: true, args: ['--hidden'] });
    expect(loginItemSettings(false)).toEqual({ openAtLogin: false, args: [] });
    expect(startedAtLogin(['/opt/OpenClaw/openclaw', '--hidden'], false)).toBe(true);
    expect(startedAtLogin(['/opt/OpenClaw/openclaw'], true)).toBe(true);
    expect(startedAtLogin(['/opt/OpenClaw/openclaw'], false)).toBe(false);
  });

  it('writes and removes an XDG autostart entry on Linux, quoting the executable', async () => {
    expect(linuxAutostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/a')).toBe(
      '/cfg/autostart/openclaw-desktop.desktop',
    );
    expect(linuxAutostartFile({ XDG_CONFIG_HOME: 'relative' }, '/home/a')).toBe(
      '/home/a/.config/autostart/openclaw-desktop.desktop',
    );
    const file = linuxAutostartFile({}, dir);
    await setLinuxAutostart(file, '/home/a/Apps/Open "Claw".AppImage');
    const entry = readFileSync(file, 'utf8');
    expect(entry).toBe(linuxAutostartEntry('/home/a/Apps/Open "Claw".AppImage'));
    expect(entry).toContain('[Desktop Entry]\nType=Application\n');
    expect(entry).toContain('Exec="/home/a/Apps/Open \\"Claw\\".AppImage" --hidden\n');
    await setLinuxAutostart(file, null);
    expect(existsSync(file)).toBe(false);
    await setLinuxAutostart(file, null); // already gone: fine
  });

  it('uses the installer app id for Windows notifications', () => {
    expect(APP_USER_MODEL_ID).toBe('ai.openclaw.desktop');
  });
});

describe('the tray toggles', () => {
  const state: TrayState = {
    gateway: 'running',
    accounts: [],
    desktop: { openAtLogin: false, closeToTray: true },
  };

  it('shows both settings as checkboxes above Quit, and each click names its setting', () => {
    const items = trayMenuModel(state);
    const ids = items.map((i) => i.id);
    expect(ids.slice(-4)).toEqual(['toggle-open-at-login', 'toggle-close-to-tray', 'separator', 'quit']);
    const clicked: string[] = [];
    const template = toMenuTemplate(items, (id) => clicked.push(id));
    const login = template.find((t) => t.id === 'toggle-open-at-login');
    const tray = template.find((t) => t.id === 'toggle-close-to-tray');
    expect([login?.type, login?.checked, tray?.type, tray?.checked]).toEqual([
      'checkbox',
      false,
      'checkbox',
      true,
    ]);
    (login?.click as () => void)();
    expect(clicked.map(trayAction)).toEqual([{ kind: 'toggle', setting: 'openAtLogin' }]);
    expect(trayAction('toggle-close-to-tray')).toEqual({ kind: 'toggle', setting: 'closeToTray' });
    expect(trayAction('constructor')).toBeNull();
  });

  it('shows no toggles before the settings are loaded', () => {
    expect(trayMenuModel({ ...state, desktop: undefined }).some((i) => i.id.startsWith('toggle'))).toBe(
      false,
    );
  });
});
