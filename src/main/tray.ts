// The tray icon: Electron glue around the pure model in tray-menu.ts. Rebuilds the menu only when what it shows
// changes, since gateway events can arrive many times a second.
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import { join } from 'node:path';
import {
  toMenuTemplate,
  trayAction,
  trayIconState,
  trayMenuModel,
  trayTitle,
  trayTooltip,
  type TrayAction,
  type TrayState,
} from './tray-menu';

export interface AppTray {
  update(state: TrayState): void;
  destroy(): void;
}

export function createTray(opts: {
  resourcesDir: string;
  /** A menu item was chosen (open, quit, approve/deny/show a pairing request…). */
  onAction(action: TrayAction): void;
}): AppTray {
  const load = (file: string): NativeImage =>
    // macOS draws menu bar icons at 16 pt: resources/tray/ has 16 px files whose @2x/@3x siblings Electron loads
    // for Retina screens (scripts/icons.mjs). Windows and Linux get the 32 px masters and scale them down.
    nativeImage.createFromPath(
      process.platform === 'darwin' ? join(opts.resourcesDir, 'tray', file) : join(opts.resourcesDir, file),
    );
  const icons = { ok: load('tray.png'), attention: load('tray-attention.png') };
  const tray = new Tray(icons.ok);
  // Windows and Linux: a left click opens the window (macOS shows the menu instead).
  tray.on('click', () => opts.onAction({ kind: 'open' }));

  const onClick = (id: string) => {
    const action = trayAction(id);
    if (action) opts.onAction(action);
  };

  let shown = '';
  return {
    update(state) {
      const items = trayMenuModel(state);
      const icon = trayIconState(state);
      const tooltip = trayTooltip(state);
      const title = trayTitle(state);
      const key = JSON.stringify([items, icon, tooltip, title]);
      if (key === shown || tray.isDestroyed()) return;
      shown = key;
      tray.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(items, onClick)));
      tray.setImage(icons[icon]);
      tray.setToolTip(tooltip);
      // Only the macOS menu bar shows text next to the icon; elsewhere the tooltip carries the count.
      if (process.platform === 'darwin') tray.setTitle(title);
    },
    destroy() {
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
