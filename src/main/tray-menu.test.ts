import { describe, expect, it } from 'vitest';
import { toMenuTemplate, trayIconState, trayMenuModel, trayTooltip, type TrayState } from './tray-menu';

const running: TrayState = {
  gateway: 'running',
  config: { valid: true, usingLastGood: false },
  accounts: [],
};

describe('trayMenuModel', () => {
  it('offers Open, a disabled status line, a separator and Quit', () => {
    expect(trayMenuModel(running)).toEqual([
      { id: 'open', label: 'Open OpenClaw', enabled: true },
      { id: 'status', label: 'Gateway running · config OK', enabled: false },
      { id: 'separator', label: '', enabled: false, kind: 'separator' },
      { id: 'quit', label: 'Quit OpenClaw', enabled: true },
    ]);
  });

  it('says when the config has errors and the last good one is in use', () => {
    const items = trayMenuModel({ ...running, config: { valid: false, usingLastGood: true } });
    expect(items[1]?.label).toBe('Gateway running · config has errors (using last good)');
  });

  it('describes starting and error states, flattening long details', () => {
    expect(trayMenuModel({ gateway: 'starting', accounts: [] })[1]?.label).toBe('Gateway starting…');
    const detail = `port 18789 on 127.0.0.1 is already in use\n${'x'.repeat(200)}`;
    const label = trayMenuModel({ gateway: 'error', detail, accounts: [] })[1]?.label ?? '';
    expect(label.startsWith('Gateway error · port 18789 on 127.0.0.1 is already in use x')).toBe(true);
    expect(label).not.toContain('\n');
    expect(label.endsWith('…')).toBe(true);
  });

  it('adds one disabled line per account before the separator', () => {
    const items = trayMenuModel({
      ...running,
      accounts: [
        { id: 'default', state: 'open', sentence: 'Connected as +15551234567' },
        { id: 'work', state: 'logged_out', sentence: '' },
      ],
    });
    expect(items.slice(2, 4)).toEqual([
      { id: 'account:default', label: 'default · Connected as +15551234567', enabled: false },
      { id: 'account:work', label: 'work · logged_out', enabled: false },
    ]);
    expect(items[4]?.kind).toBe('separator');
  });
});

describe('trayIconState', () => {
  const account = (state: string) => ({ id: 'a', state, sentence: '' });

  it('is ok when running with a valid config and every account open', () => {
    expect(trayIconState(running)).toBe('ok');
    expect(trayIconState({ gateway: 'starting', accounts: [] })).toBe('ok');
    expect(trayIconState({ ...running, accounts: [account('open'), { ...account('open'), id: 'b' }] })).toBe(
      'ok',
    );
  });

  it('asks for attention on gateway errors or an invalid config', () => {
    expect(trayIconState({ gateway: 'error', accounts: [] })).toBe('attention');
    expect(trayIconState({ ...running, config: { valid: false, usingLastGood: true } })).toBe('attention');
  });

  it('asks for attention when any account is not open', () => {
    for (const state of [
      'unlinked',
      'linking',
      'connecting',
      'reconnecting',
      'logged_out',
      'conflict',
      'degraded',
      'stopped',
    ]) {
      expect(trayIconState({ ...running, accounts: [account('open'), account(state)] }), state).toBe(
        'attention',
      );
    }
  });
});

describe('toMenuTemplate', () => {
  it('maps items to Electron template entries whose clicks report the id', () => {
    const clicked: string[] = [];
    const template = toMenuTemplate(trayMenuModel(running), (id) => clicked.push(id));
    expect(template.map((t) => t.type ?? t.id)).toEqual(['open', 'status', 'separator', 'quit']);
    expect(template[1]?.enabled).toBe(false);
    const quit = template[3]?.click as () => void;
    quit();
    expect(clicked).toEqual(['quit']);
    expect(trayTooltip(running)).toBe('OpenClaw — Gateway running · config OK');
  });
});

describe('the agent in the tray', () => {
  const waiting = { configured: false, sentence: 'No model configured — 3 messages waiting' };

  it('adds the agent sentence under the status line while no model is configured, and asks for attention', () => {
    const state: TrayState = { ...running, agent: waiting };
    expect(trayMenuModel(state)[2]).toEqual({
      id: 'agent',
      label: 'No model configured — 3 messages waiting',
      enabled: false,
    });
    expect(trayIconState(state)).toBe('attention');
    expect(trayTooltip(state)).toContain('No model configured — 3 messages waiting');
  });

  it('says why the last run failed', () => {
    const lastFailure = {
      at: '2026-01-01T00:00:00Z',
      sessionKey: 'k',
      reason: 'the API key was refused (401)',
    };
    const items = trayMenuModel({
      ...running,
      agent: { configured: true, sentence: 'Answering', lastFailure },
    });
    expect(items.find((i) => i.id === 'agent')?.label).toBe(
      'The last answer failed: the API key was refused (401)',
    );
  });

  it('stays quiet while the agent answers', () => {
    const state: TrayState = { ...running, agent: { configured: true, sentence: 'Answering with sim/m' } };
    expect(trayMenuModel(state).some((i) => i.id === 'agent')).toBe(false);
    expect(trayIconState(state)).toBe('ok');
  });
});
