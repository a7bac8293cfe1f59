import { describe, expect, it } from 'vitest';
import {
  MAX_TRAY_REQUESTS,
  toMenuTemplate,
  trayAction,
  trayMenuModel,
  trayTitle,
  trayTooltip,
  type TrayPairing,
  type TrayState,
} from './tray-menu';

const running: TrayState = {
  gateway: 'running',
  config: { valid: true, usingLastGood: false },
  accounts: [{ id: 'default', state: 'open', sentence: 'Connected as +15550009999' }],
};
const alice: TrayPairing = { accountId: 'default', sender: '+15551234567', name: 'Alice', code: 'ABCD2345' };
const bob: TrayPairing = { accountId: 'default', sender: '+15557654321', code: 'WXYZ6789' };

describe('pairing requests in the tray', () => {
  it('adds nothing while no one is waiting', () => {
    expect(trayMenuModel({ ...running, pending: [] })).toEqual(trayMenuModel(running));
    expect(trayTitle(running)).toBe('');
    expect(trayTooltip({ ...running, pending: [] })).toBe('OpenClaw — Gateway running · config OK');
  });

  it('counts waiting requests in the tooltip and the title', () => {
    const state = { ...running, pending: [alice, bob] };
    expect(trayTooltip(state)).toBe('OpenClaw — Gateway running · config OK · 2 pairing requests waiting');
    expect(trayTitle(state)).toBe('2');
    expect(trayTooltip({ ...running, pending: [alice] })).toContain('1 pairing request waiting');
  });

  it('lists each request with its number and code, and Approve / Deny / Show under it', () => {
    const items = trayMenuModel({ ...running, pending: [alice, bob] });
    expect(items.map((i) => i.id)).toEqual([
      'open',
      'status',
      'account:default',
      'separator-pairing',
      'pairing-header',
      'pairing-request:default:ABCD2345',
      'pairing-request:default:WXYZ6789',
      'separator',
      'quit',
    ]);
    expect(items[4]).toMatchObject({ label: '2 pairing requests waiting', enabled: false });
    expect(items[5]?.label).toBe('+15551234567 (Alice) · code ABCD2345');
    expect(items[6]?.label).toBe('+15557654321 · code WXYZ6789');
    expect(items[5]?.submenu?.map((i) => [i.id, i.label])).toEqual([
      ['pairing-approve:default:ABCD2345', 'Approve +15551234567'],
      ['pairing-deny:default:ABCD2345', 'Deny'],
      ['pairing-show:default:ABCD2345', 'Show in OpenClaw'],
    ]);
  });

  it('shows what the sender wrote above the buttons, as a label that does nothing', () => {
    const long = `Hi, it’s Anna from the gym — ${'blah '.repeat(30)}`;
    const items = trayMenuModel({ ...running, pending: [{ ...alice, firstLine: long }] });
    const line = items[5]?.submenu?.[0];
    expect(line).toMatchObject({ id: 'pairing-line:default:ABCD2345', enabled: false });
    expect(line?.label).toMatch(/^“Hi, it’s Anna from the gym — blah .*…”$/);
    expect(line?.label.length).toBeLessThanOrEqual(62);
    expect(items[5]?.submenu?.slice(1).map((i) => i.label)).toEqual([
      'Approve +15551234567',
      'Deny',
      'Show in OpenClaw',
    ]);
  });

  it('names the account when requests come from more than one', () => {
    const items = trayMenuModel({ ...running, pending: [alice, { ...bob, accountId: 'work' }] });
    expect(items[6]?.label).toBe('+15557654321 · code WXYZ6789 · work');
  });

  it('puts requests past the cap behind one item that opens the Pairing screen', () => {
    const many = Array.from({ length: MAX_TRAY_REQUESTS + 3 }, (_, i) => ({ ...bob, code: `CODE${i}` }));
    const items = trayMenuModel({ ...running, pending: many });
    expect(items.filter((i) => i.id.startsWith('pairing-request:'))).toHaveLength(MAX_TRAY_REQUESTS);
    expect(items.find((i) => i.id === 'open-pairing')?.label).toBe('3 more — open Pairing…');
  });

  it('turns clicked ids back into actions, through the submenu template', () => {
    const clicked: string[] = [];
    const template = toMenuTemplate(trayMenuModel({ ...running, pending: [alice] }), (id) =>
      clicked.push(id),
    );
    const request = template.find((t) => t.id === 'pairing-request:default:ABCD2345');
    const submenu = request?.submenu as Array<{ click: () => void }>;
    submenu[0]!.click();
    submenu[1]!.click();
    expect(clicked.map(trayAction)).toEqual([
      { kind: 'approve', accountId: 'default', code: 'ABCD2345' },
      { kind: 'deny', accountId: 'default', code: 'ABCD2345' },
    ]);
    expect(trayAction('pairing-show:work:ABCD2345')).toEqual({
      kind: 'show',
      accountId: 'work',
      code: 'ABCD2345',
    });
    expect(trayAction('open')).toEqual({ kind: 'open' });
    expect(trayAction('quit')).toEqual({ kind: 'quit' });
    expect(trayAction('open-pairing')).toEqual({ kind: 'open-pairing' });
    expect(trayAction('status')).toBeNull();
    expect(trayAction('pairing-approve:a:b:c')).toBeNull();
  });
});
