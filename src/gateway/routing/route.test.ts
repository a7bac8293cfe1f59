import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema';
import { defaultAgentId, dmHistoryLimitFor, routeInbound, type RouteInput } from './route';

const G = '120363012345678901@g.us';
const alice = '+15551234567';
const bob = '+15559876543';
const dm = (id: string, accountId = 'default'): RouteInput => ({ accountId, peer: { kind: 'dm', id } });
const grp = (id: string, accountId = 'default'): RouteInput => ({ accountId, peer: { kind: 'group', id } });

const cfg = (raw: unknown) => ConfigSchema.parse(raw);
const wa = (match: Record<string, unknown>) => ({ channel: 'whatsapp', ...match });

describe('default agent', () => {
  it.each<[string, unknown, string]>([
    ['no agents', {}, 'main'],
    ['the first agent', { agents: { list: [{ id: 'a' }, { id: 'b' }] } }, 'a'],
    ['the one marked default', { agents: { list: [{ id: 'a' }, { id: 'b', default: true }] } }, 'b'],
    [
      'the first marked default',
      {
        agents: {
          list: [
            { id: 'a', default: true },
            { id: 'b', default: true },
          ],
        },
      },
      'a',
    ],
    [
      'the first when default is false',
      { agents: { list: [{ id: 'a', default: false }, { id: 'b' }] } },
      'a',
    ],
  ])('%s', (_label, raw, expected) => {
    expect(defaultAgentId(cfg(raw))).toBe(expected);
    const r = routeInbound(cfg(raw), dm(alice));
    expect(r).toEqual({ agentId: expected, sessionKey: `agent:${expected}:main`, matchedBy: 'default' });
  });
});

describe('binding precedence', () => {
  // Listed broadest first, so the order in the file cannot be what makes the specific ones win.
  const c = cfg({
    agents: { list: [{ id: 'main' }, { id: 'chan' }, { id: 'acct' }, { id: 'peer' }, { id: 'peeracct' }] },
    bindings: [
      { agentId: 'chan', match: wa({}) },
      { agentId: 'acct', match: wa({ accountId: 'work' }) },
      { agentId: 'peer', match: wa({ peer: { kind: 'dm', id: alice } }) },
      { agentId: 'peeracct', match: wa({ accountId: 'work', peer: { kind: 'dm', id: alice } }) },
      { agentId: 'peer', match: wa({ peer: { kind: 'group', id: G } }) },
    ],
  });

  it.each<[string, RouteInput, string, string]>([
    ['peer + account', dm(alice, 'work'), 'peeracct', 'peer'],
    ['peer on another account', dm(alice, 'home'), 'peer', 'peer'],
    ['account for another peer', dm(bob, 'work'), 'acct', 'account'],
    ['channel for everything else', dm(bob, 'home'), 'chan', 'channel'],
    ['group peer', grp(G, 'home'), 'peer', 'peer'],
    ['group peer beats account', grp(G, 'work'), 'peer', 'peer'],
    ['other group on the bound account', grp('120363000000000000@g.us', 'work'), 'acct', 'account'],
  ])('%s', (_label, input, agentId, matchedBy) => {
    const r = routeInbound(c, input);
    expect([r.agentId, r.matchedBy]).toEqual([agentId, matchedBy]);
  });

  it('takes the first binding within the same tier', () => {
    const c2 = cfg({
      bindings: [
        { agentId: 'first', match: wa({ peer: { kind: 'dm', id: alice } }) },
        { agentId: 'second', match: wa({ peer: { kind: 'dm', id: alice } }) },
      ],
    });
    expect(routeInbound(c2, dm(alice)).agentId).toBe('first');
  });

  it('does not confuse a DM binding with a group of the same id, or the reverse', () => {
    const c2 = cfg({ bindings: [{ agentId: 'x', match: wa({ peer: { kind: 'group', id: alice } }) }] });
    expect(routeInbound(c2, dm(alice)).matchedBy).toBe('default');
    const c3 = cfg({ bindings: [{ agentId: 'x', match: wa({ peer: { kind: 'dm', id: G } }) }] });
    expect(routeInbound(c3, grp(G)).matchedBy).toBe('default');
  });

  it('ignores bindings for other accounts', () => {
    const c2 = cfg({ bindings: [{ agentId: 'x', match: wa({ accountId: 'work' }) }] });
    expect(routeInbound(c2, dm(alice, 'home')).matchedBy).toBe('default');
  });

  it('matches numbers by digits, group JIDs and account ids regardless of case', () => {
    const c2 = cfg({
      bindings: [
        { agentId: 'x', match: wa({ peer: { kind: 'dm', id: '+1 555 123-4567' } }) },
        { agentId: 'y', match: wa({ peer: { kind: 'group', id: G.toUpperCase() } }) },
        { agentId: 'z', match: wa({ accountId: 'Work' }) },
      ],
    });
    expect(routeInbound(c2, dm(alice)).agentId).toBe('x');
    expect(routeInbound(c2, grp(G)).agentId).toBe('y');
    expect(routeInbound(c2, dm(bob, 'work')).agentId).toBe('z');
  });

  it('uses the agent id as spelled in agents.list', () => {
    const c2 = cfg({
      agents: { list: [{ id: 'Work' }] },
      bindings: [{ agentId: 'work', match: wa({ peer: { kind: 'dm', id: alice } }) }],
    });
    expect(routeInbound(c2, dm(alice))).toEqual({
      agentId: 'Work',
      sessionKey: 'agent:work:main',
      matchedBy: 'peer',
    });
  });

  it('routes to a bound agent even when agents.list does not name it', () => {
    const c2 = cfg({ bindings: [{ agentId: 'ghost', match: wa({}) }] });
    expect(routeInbound(c2, dm(alice)).agentId).toBe('ghost');
  });
});

describe('session keys', () => {
  const scoped = (dmScope: string, extra: Record<string, unknown> = {}) =>
    cfg({ session: { dmScope, ...extra }, agents: { list: [{ id: 'ops' }] } });

  it.each<[string, string]>([
    ['main', 'agent:ops:main'],
    ['per-peer', `agent:ops:dm:${alice}`],
    ['per-channel-peer', `agent:ops:whatsapp:dm:${alice}`],
    ['per-account-channel-peer', `agent:ops:whatsapp:work:dm:${alice}`],
  ])('direct chats with dmScope %s', (dmScope, key) => {
    expect(routeInbound(scoped(dmScope), dm(alice, 'work')).sessionKey).toBe(key);
  });

  it('defaults to the main session, honouring session.mainKey', () => {
    expect(routeInbound(cfg({}), dm(alice)).sessionKey).toBe('agent:main:main');
    expect(routeInbound(scoped('main', { mainKey: 'inbox' }), dm(alice)).sessionKey).toBe('agent:ops:inbox');
  });

  it('gives each group its own lowercased session under every dmScope', () => {
    for (const dmScope of ['main', 'per-peer', 'per-channel-peer', 'per-account-channel-peer'])
      expect(routeInbound(scoped(dmScope), grp('120363ABC@G.US', 'work')).sessionKey).toBe(
        'agent:ops:whatsapp:group:120363abc@g.us',
      );
  });

  it('lowercases the account id in per-account keys', () => {
    expect(routeInbound(scoped('per-account-channel-peer'), dm(alice, 'Work')).sessionKey).toBe(
      `agent:ops:whatsapp:work:dm:${alice}`,
    );
  });

  it('keeps different peers apart and the same peer together', () => {
    const c = scoped('per-peer');
    expect(routeInbound(c, dm(alice)).sessionKey).not.toBe(routeInbound(c, dm(bob)).sessionKey);
    expect(routeInbound(c, dm(alice, 'a')).sessionKey).toBe(routeInbound(c, dm(alice, 'b')).sessionKey);
  });
});

describe('dmHistoryLimitFor', () => {
  it.each<[string, Parameters<typeof dmHistoryLimitFor>[0], number | undefined]>([
    ['nothing set', {}, undefined],
    ['account limit', { dmHistoryLimit: 20 }, 20],
    ['per-number override', { dmHistoryLimit: 20, dms: { [alice]: { historyLimit: 5 } } }, 5],
    ['per-number zero', { dmHistoryLimit: 20, dms: { [alice]: { historyLimit: 0 } } }, 0],
    ['entry without a limit', { dmHistoryLimit: 20, dms: { [alice]: {} } }, 20],
    ['another number’s override', { dmHistoryLimit: 20, dms: { [bob]: { historyLimit: 5 } } }, 20],
    ['override without an account limit', { dms: { [alice]: { historyLimit: 7 } } }, 7],
  ])('%s', (_label, account, expected) => {
    expect(dmHistoryLimitFor(account, alice)).toBe(expected);
  });

  it('does not read inherited keys as per-number settings', () => {
    expect(dmHistoryLimitFor({ dmHistoryLimit: 3, dms: {} }, 'constructor')).toBe(3);
  });
});
