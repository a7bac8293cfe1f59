// What the tray shows, as plain data: the menu model, the icon variant and the tooltip are pure functions of the
// gateway's state, so they are tested under Node; tray.ts only turns them into Electron objects.
import type { MenuItemConstructorOptions } from 'electron';

export interface TrayAccount {
  id: string;
  /** One of the account health states (open, connecting, logged_out, …). */
  state: string;
  /** The human sentence that goes with the state. */
  sentence: string;
}

export interface TrayState {
  gateway: 'starting' | 'running' | 'error';
  /** Why the gateway is in error, in a sentence. */
  detail?: string;
  /** The config file's state; unknown until the gateway reports it. */
  config?: { valid: boolean; usingLastGood: boolean };
  accounts: TrayAccount[];
}

export interface TrayMenuItem {
  id: string;
  label: string;
  enabled: boolean;
  kind?: 'separator';
}

export function gatewayStatusLine(state: TrayState): string {
  if (state.gateway === 'starting') return 'Gateway starting…';
  if (state.gateway === 'error')
    return state.detail ? `Gateway error · ${oneLine(state.detail)}` : 'Gateway error';
  if (!state.config) return 'Gateway running';
  if (state.config.valid) return 'Gateway running · config OK';
  return state.config.usingLastGood
    ? 'Gateway running · config has errors (using last good)'
    : 'Gateway running · config has errors';
}

export function trayMenuModel(state: TrayState): TrayMenuItem[] {
  return [
    { id: 'open', label: 'Open OpenClaw', enabled: true },
    { id: 'status', label: gatewayStatusLine(state), enabled: false },
    ...state.accounts.map((account) => ({
      id: `account:${account.id}`,
      label: `${account.id} · ${oneLine(account.sentence || account.state)}`,
      enabled: false,
    })),
    { id: 'separator', label: '', enabled: false, kind: 'separator' as const },
    { id: 'quit', label: 'Quit OpenClaw', enabled: true },
  ];
}

/**
 * 'attention' when something is not working: the gateway failed, the config is invalid, or an account is not
 * open — unlinked, linking, reconnecting and stopped included, since no messages flow through it meanwhile.
 */
export function trayIconState(state: TrayState): 'ok' | 'attention' {
  if (state.gateway === 'error') return 'attention';
  if (state.config && !state.config.valid) return 'attention';
  return state.accounts.some((a) => a.state !== 'open') ? 'attention' : 'ok';
}

export function trayTooltip(state: TrayState): string {
  return `OpenClaw — ${gatewayStatusLine(state)}`;
}

/** The Electron menu template for a model; `onClick` receives the item id. */
export function toMenuTemplate(
  items: TrayMenuItem[],
  onClick: (id: string) => void,
): MenuItemConstructorOptions[] {
  return items.map((item) =>
    item.kind === 'separator'
      ? { type: 'separator' as const }
      : { id: item.id, label: item.label, enabled: item.enabled, click: () => onClick(item.id) },
  );
}

// Menu labels are one line; a long error keeps its start.
function oneLine(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
