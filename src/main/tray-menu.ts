// What the tray shows, as plain data: the menu model, the icon variant, the tooltip and the title are pure
// functions of the gateway's state, so they are tested under Node; tray.ts only turns them into Electron objects.
// Pending pairing requests get a line each (number and code) with Approve / Deny, and a count in the tooltip.
import type { MenuItemConstructorOptions } from 'electron';
import { agentNotice } from '../shared/agent-notice';
import type { AgentStatus } from '../shared/contract-agent';

export interface TrayAccount {
  id: string;
  /** One of the account health states (open, connecting, logged_out, …). */
  state: string;
  /** The human sentence that goes with the state. */
  sentence: string;
}

/** A pending pairing request as the tray lists it. */
export interface TrayPairing {
  accountId: string;
  sender: string;
  name?: string;
  code: string;
  /** The first line of what they wrote (untrusted: shown as a label, never acted on). */
  firstLine?: string;
}

export interface TrayState {
  gateway: 'starting' | 'running' | 'error';
  /** Why the gateway is in error, in a sentence. */
  detail?: string;
  /** The config file's state; unknown until the gateway reports it. */
  config?: { valid: boolean; usingLastGood: boolean };
  accounts: TrayAccount[];
  /** Requests waiting for approval, newest first (expired ones already left out). */
  pending?: TrayPairing[];
  /** The agent's status; the tray speaks only when it needs attention (no model, last run failed). */
  agent?: Pick<AgentStatus, 'configured' | 'sentence' | 'lastFailure'>;
  /** The desktop habits the tray toggles (desktop-habits.ts); no toggles until they are loaded. */
  desktop?: { openAtLogin: boolean; closeToTray: boolean };
}

export interface TrayMenuItem {
  id: string;
  label: string;
  enabled: boolean;
  kind?: 'separator';
  submenu?: TrayMenuItem[];
  /** A checkbox item's state (a plain item when absent). */
  checked?: boolean;
}

/** What a click on a menu item asks for. */
export type TrayAction =
  | { kind: 'open' }
  | { kind: 'quit' }
  | { kind: 'open-pairing' }
  | { kind: 'approve' | 'deny' | 'show'; accountId: string; code: string }
  | { kind: 'toggle'; setting: DesktopToggle };

export type DesktopToggle = 'openAtLogin' | 'closeToTray';

const TOGGLES: Record<string, DesktopToggle> = {
  'toggle-open-at-login': 'openAtLogin',
  'toggle-close-to-tray': 'closeToTray',
};

function desktopItems(desktop: TrayState['desktop']): TrayMenuItem[] {
  if (!desktop) return [];
  return [
    { id: 'separator-desktop', label: '', enabled: false, kind: 'separator' },
    { id: 'toggle-open-at-login', label: 'Start at Login', enabled: true, checked: desktop.openAtLogin },
    {
      id: 'toggle-close-to-tray',
      label: 'Keep Running When the Window Closes',
      enabled: true,
      checked: desktop.closeToTray,
    },
  ];
}

/** More than this many requests and the rest are behind "Open Pairing…" (a menu is not a list view). */
export const MAX_TRAY_REQUESTS = 8;

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

export function pendingLine(count: number): string {
  return count === 1 ? '1 pairing request waiting' : `${count} pairing requests waiting`;
}

// Account ids and codes never contain ":", so the item id splits back unambiguously.
const requestId = (kind: 'approve' | 'deny' | 'show' | 'request' | 'line', r: TrayPairing) =>
  `pairing-${kind}:${r.accountId}:${r.code}`;

function requestItem(r: TrayPairing, showAccount: boolean): TrayMenuItem {
  const who = r.name ? `${r.sender} (${oneLine(r.name, 30)})` : r.sender;
  const account = showAccount ? ` · ${r.accountId}` : '';
  return {
    id: requestId('request', r),
    label: `${who} · code ${r.code}${account}`,
    enabled: true,
    submenu: [
      // What they wrote, above the buttons, so approving is never blind.
      ...(r.firstLine
        ? [{ id: requestId('line', r), label: `“${oneLine(r.firstLine, 60)}”`, enabled: false }]
        : []),
      { id: requestId('approve', r), label: `Approve ${r.sender}`, enabled: true },
      { id: requestId('deny', r), label: 'Deny', enabled: true },
      { id: requestId('show', r), label: 'Show in OpenClaw', enabled: true },
    ],
  };
}

function pairingItems(pending: TrayPairing[]): TrayMenuItem[] {
  if (pending.length === 0) return [];
  const showAccount = new Set(pending.map((r) => r.accountId)).size > 1;
  const items: TrayMenuItem[] = [
    { id: 'separator-pairing', label: '', enabled: false, kind: 'separator' },
    { id: 'pairing-header', label: pendingLine(pending.length), enabled: false },
    ...pending.slice(0, MAX_TRAY_REQUESTS).map((r) => requestItem(r, showAccount)),
  ];
  if (pending.length > MAX_TRAY_REQUESTS) {
    const more = pending.length - MAX_TRAY_REQUESTS;
    items.push({ id: 'open-pairing', label: `${more} more — open Pairing…`, enabled: true });
  }
  return items;
}

function agentItems(state: TrayState): TrayMenuItem[] {
  const notice = agentNotice(state.agent);
  return notice ? [{ id: 'agent', label: oneLine(notice.text), enabled: false }] : [];
}

export function trayMenuModel(state: TrayState): TrayMenuItem[] {
  return [
    { id: 'open', label: 'Open OpenClaw', enabled: true },
    { id: 'status', label: gatewayStatusLine(state), enabled: false },
    ...agentItems(state),
    ...state.accounts.map((account) => ({
      id: `account:${account.id}`,
      label: `${account.id} · ${oneLine(account.sentence || account.state)}`,
      enabled: false,
    })),
    ...pairingItems(state.pending ?? []),
    ...desktopItems(state.desktop),
    { id: 'separator', label: '', enabled: false, kind: 'separator' as const },
    { id: 'quit', label: 'Quit OpenClaw', enabled: true },
  ];
}

/** The action behind a clicked item id; null for ids that do nothing (status lines). */
export function trayAction(id: string): TrayAction | null {
  if (id === 'open' || id === 'quit' || id === 'open-pairing') return { kind: id };
  if (Object.hasOwn(TOGGLES, id)) return { kind: 'toggle', setting: TOGGLES[id]! };
  const match = /^pairing-(approve|deny|show):([^:]+):([^:]+)$/.exec(id);
  if (!match) return null;
  return { kind: match[1] as 'approve' | 'deny' | 'show', accountId: match[2]!, code: match[3]! };
}

/**
 * 'attention' when something is not working: the gateway failed, the config is invalid, or an account is not
 * open — unlinked, linking, reconnecting and stopped included, since no messages flow through it meanwhile.
 */
export function trayIconState(state: TrayState): 'ok' | 'attention' {
  if (state.gateway === 'error') return 'attention';
  if (state.config && !state.config.valid) return 'attention';
  if (agentNotice(state.agent)) return 'attention';
  return state.accounts.some((a) => a.state !== 'open') ? 'attention' : 'ok';
}

export function trayTooltip(state: TrayState): string {
  const count = state.pending?.length ?? 0;
  const pairing = count > 0 ? ` · ${pendingLine(count)}` : '';
  const notice = agentNotice(state.agent);
  const agent = notice ? ` · ${oneLine(notice.text, 60)}` : '';
  return `OpenClaw — ${gatewayStatusLine(state)}${agent}${pairing}`;
}

/** The text next to the icon (macOS menu bar): the number of waiting requests, or nothing. */
export function trayTitle(state: TrayState): string {
  const count = state.pending?.length ?? 0;
  return count > 0 ? String(count) : '';
}

/** The Electron menu template for a model; `onClick` receives the item id. */
export function toMenuTemplate(
  items: TrayMenuItem[],
  onClick: (id: string) => void,
): MenuItemConstructorOptions[] {
  return items.map((item) => {
    if (item.kind === 'separator') return { type: 'separator' as const };
    if (item.submenu)
      return {
        id: item.id,
        label: item.label,
        enabled: item.enabled,
        submenu: toMenuTemplate(item.submenu, onClick),
      };
    const checkbox = item.checked === undefined ? {} : { type: 'checkbox' as const, checked: item.checked };
    return {
      id: item.id,
      label: item.label,
      enabled: item.enabled,
      ...checkbox,
      click: () => onClick(item.id),
    };
  });
}

// Menu labels are one line; a long error keeps its start.
function oneLine(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
