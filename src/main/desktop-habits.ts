// How the desktop app behaves as a desktop citizen: starting at login, staying in the tray when its window closes,
// and the Windows app id notifications are grouped under. The decisions are plain functions of a small settings file
// (`<userData>/desktop-settings.json`), tested under Node; index.ts makes the few Electron calls.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, writeFileAtomic } from '../gateway/fs/atomic-write';

/**
 * Windows shows a notification only for an app whose AppUserModelId matches its Start-menu shortcut, which the nsis
 * installer creates from electron-builder's appId: the two must be equal (a packaging test checks it).
 */
export const APP_USER_MODEL_ID = 'ai.openclaw.desktop';

/** Passed to the app when the OS starts it at login, so it opens in the tray without a window. */
export const HIDDEN_ARG = '--hidden';

export const DesktopSettingsSchema = z.strictObject({
  /** Start the app (in the tray) when the user logs in. */
  openAtLogin: z.boolean().default(false),
  /** Closing the window keeps the app and its gateway running in the tray; Quit is in the tray menu. */
  closeToTray: z.boolean().default(true),
});
export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = DesktopSettingsSchema.parse({});

/** The settings in a file's text; a broken file gives the defaults and a sentence naming the file and the fault. */
export function parseDesktopSettings(
  text: string | null,
  file: string,
): { settings: DesktopSettings; error?: string } {
  if (text === null) return { settings: DEFAULT_DESKTOP_SETTINGS };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { settings: DEFAULT_DESKTOP_SETTINGS, error: `${file} is not JSON; using the default settings` };
  }
  const parsed = DesktopSettingsSchema.safeParse(json);
  if (parsed.success) return { settings: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(top level)';
  return {
    settings: DEFAULT_DESKTOP_SETTINGS,
    error: `${file}: ${where}: ${issue?.message ?? 'invalid'}; using the default settings`,
  };
}

export async function loadDesktopSettings(
  file: string,
): Promise<{ settings: DesktopSettings; error?: string }> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  return parseDesktopSettings(text, file);
}

export async function saveDesktopSettings(file: string, settings: DesktopSettings): Promise<void> {
  await ensurePrivateDir(dirname(file));
  await writeFileAtomic(file, `${JSON.stringify(DesktopSettingsSchema.parse(settings), null, 2)}\n`, {
    mode: 0o600,
  });
}

/** What `app.setLoginItemSettings` gets on macOS and Windows; the hidden argument tells a login start from a click. */
export function loginItemSettings(openAtLogin: boolean): { openAtLogin: boolean; args: string[] } {
  return { openAtLogin, args: openAtLogin ? [HIDDEN_ARG] : [] };
}

/**
 * Linux has no login-item API in Electron: an XDG autostart entry does it. `exec` is the AppImage (its $APPIMAGE,
 * since the mounted path changes every run) or the installed binary. Arguments are quoted as the spec asks.
 */
export function linuxAutostartEntry(exec: string): string {
  const quoted = `"${exec.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=OpenClaw',
    'Comment=WhatsApp gateway for a personal AI assistant',
    `Exec=${quoted} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** The autostart entry's path: `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart`. */
export function linuxAutostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const configHome = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(configHome, 'autostart', 'openclaw-desktop.desktop');
}

/** Writes (or with `exec` null removes) the Linux autostart entry. */
export async function setLinuxAutostart(file: string, exec: string | null): Promise<void> {
  if (exec === null) {
    await rm(file, { force: true });
    return;
  }
  // A shared folder of the desktop session: created if missing, never re-permissioned.
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, linuxAutostartEntry(exec), { mode: 0o644 });
}

/** Did the OS start us at login (then only the tray shows, no window)? */
export function startedAtLogin(argv: readonly string[], wasOpenedAtLogin: boolean): boolean {
  return wasOpenedAtLogin || argv.includes(HIDDEN_ARG);
}

/** Closing the window: hide it (the gateway keeps running in the tray) or let it close. */
export function onWindowClose(settings: DesktopSettings, quitting: boolean): 'hide' | 'close' {
  return !quitting && settings.closeToTray ? 'hide' : 'close';
}

/** After the last window closed: stay in the tray, or quit (which stops the gateway cleanly). */
export function afterLastWindowClosed(settings: DesktopSettings): 'stay' | 'quit' {
  return settings.closeToTray ? 'stay' : 'quit';
}
