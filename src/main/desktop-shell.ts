// Electron glue for desktop-habits.ts: loads the settings file from the user-data folder, keeps the OS login item in
// step with it (packaged app only: a dev run must not register the bare Electron binary), and saves toggles.
import type { App } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  loadDesktopSettings,
  linuxAutostartFile,
  loginItemSettings,
  saveDesktopSettings,
  setLinuxAutostart,
  type DesktopSettings,
} from './desktop-habits';
import type { DesktopToggle } from './tray-menu';

export interface DesktopShell {
  settings(): DesktopSettings;
  toggle(setting: DesktopToggle): Promise<DesktopSettings>;
}

type LoginApp = Pick<App, 'getPath' | 'isPackaged' | 'setLoginItemSettings'>;

export async function startDesktopShell(app: LoginApp): Promise<DesktopShell> {
  const file = join(app.getPath('userData'), 'desktop-settings.json');
  const loaded = await loadDesktopSettings(file);
  // No logger outside the gateway here; Node's warning channel reaches the terminal and crash reports.
  if (loaded.error) process.emitWarning(loaded.error, 'OpenClawDesktopSettings');
  let current = loaded.settings;

  const applyLoginItem = async () => {
    if (!app.isPackaged) return;
    if (process.platform === 'linux') {
      // An AppImage runs from a new mount point each time: autostart must name the AppImage file itself.
      const exec = process.env.APPIMAGE ?? process.execPath;
      await setLinuxAutostart(linuxAutostartFile(process.env, homedir()), current.openAtLogin ? exec : null);
    } else {
      app.setLoginItemSettings(loginItemSettings(current.openAtLogin));
    }
  };
  await applyLoginItem().catch((err: unknown) =>
    process.emitWarning(`start at login could not be set: ${String(err)}`, 'OpenClawDesktopSettings'),
  );

  return {
    settings: () => current,
    async toggle(setting) {
      current = { ...current, [setting]: !current[setting] };
      await saveDesktopSettings(file, current);
      if (setting === 'openAtLogin') await applyLoginItem();
      return current;
    },
  };
}
