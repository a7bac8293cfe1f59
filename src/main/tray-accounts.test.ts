import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../shared/contract';
import { createTrayAccounts } from './tray-accounts';
import { trayIconState, trayMenuModel } from './tray-menu';

const status = (accountId: string, state: AccountStatus['state'], sentence = `${state}.`): AccountStatus => ({
  accountId,
  linked: state === 'open',
  running: true,
  connected: state === 'open',
  state,
  sentence,
  reconnectAttempts: 0,
  warnings: [],
  timeline: [],
});

describe('tray accounts', () => {
  it('keeps one line per account, sorted, updated by events', () => {
    const accounts = createTrayAccounts();
    expect(accounts.apply(status('work', 'linking'))).toBe(true);
    expect(accounts.apply(status('default', 'open', 'Connected as +15550009999.'))).toBe(true);
    expect(accounts.apply(status('work', 'linking'))).toBe(false);
    expect(accounts.apply(status('work', 'open'))).toBe(true);
    expect(accounts.list()).toEqual([
      { id: 'default', state: 'open', sentence: 'Connected as +15550009999.' },
      { id: 'work', state: 'open', sentence: 'open.' },
    ]);
  });

  it('lets events that arrived before the snapshot win over it', () => {
    const accounts = createTrayAccounts();
    accounts.apply(status('default', 'open'));
    expect(accounts.seed([status('default', 'connecting'), status('work', 'unlinked')])).toBe(true);
    expect(accounts.list().map((a) => [a.id, a.state])).toEqual([
      ['default', 'open'],
      ['work', 'unlinked'],
    ]);
    expect(accounts.seed([status('work', 'linking')])).toBe(false);
  });

  it('feeds the menu one status line per account and the icon its attention state', () => {
    const accounts = createTrayAccounts();
    accounts.apply(status('default', 'open', 'Connected as +15550009999.'));
    const state = { gateway: 'running' as const, accounts: accounts.list() };
    expect(trayMenuModel(state)[2]).toEqual({
      id: 'account:default',
      label: 'default · Connected as +15550009999.',
      enabled: false,
    });
    expect(trayIconState(state)).toBe('ok');
    accounts.apply(status('default', 'logged_out', 'Logged out: WhatsApp logged this device out (401).'));
    expect(trayIconState({ ...state, accounts: accounts.list() })).toBe('attention');
  });
});
