// The heartbeat config as the gateway reads it: validation with key paths, per-agent merging, and where alerts go.
import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../config/validate';
import type { OpenClawConfig } from '../../config/schema';
import { DEFAULT_HEARTBEAT_PROMPT, heartbeatPlans, heartbeatSessionKey, type HeartbeatPlan } from './plan';
import { resolveTarget, type TargetContext } from './target';

function config(raw: string): OpenClawConfig {
  const r = validateConfigText(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}
function firstError(raw: string): { path: string; message: string } {
  const r = validateConfigText(raw);
  if (r.ok) throw new Error('expected errors');
  return r.errors[0]!;
}

describe('heartbeat config', () => {
  it('defaults to the default agent every 30 minutes, target last, the spec prompt, ackMaxChars 300', () => {
    expect(heartbeatPlans(config('{}'))).toEqual([
      {
        agentId: 'main',
        every: '30m',
        everyMs: 1_800_000,
        target: 'last',
        prompt: DEFAULT_HEARTBEAT_PROMPT,
        ackMaxChars: 300,
      },
    ]);
  });

  it('merges agent blocks over the defaults, and only agents with a block run', () => {
    const cfg = config(`{ agents: {
      defaults: { userTimezone: 'Europe/Vienna',
        heartbeat: { every: '1h', ackMaxChars: 50, activeHours: { start: '08:00', end: '24:00' } } },
      list: [{ id: 'main', default: true }, { id: 'ops', heartbeat: { every: '2s', target: 'none' } }] } }`);
    expect(heartbeatPlans(cfg)).toEqual([
      expect.objectContaining({
        agentId: 'ops',
        every: '2s',
        everyMs: 2000,
        target: 'none',
        ackMaxChars: 50,
        activeHours: { start: '08:00', end: '24:00', timezone: 'Europe/Vienna' },
      }),
    ]);
    expect(
      heartbeatPlans(config(`{ agents: { defaults: { heartbeat: { every: '0' } } } }`))[0]!.everyMs,
    ).toBe(0);
  });

  it('refuses bad values naming the key path', () => {
    const hb = (body: string) => `{ agents: { defaults: { heartbeat: ${body} } } }`;
    expect(firstError(hb(`{ target: 'telegram' }`)).path).toBe('agents.defaults.heartbeat.target');
    expect(firstError(hb(`{ target: 'whatsapp' }`))).toMatchObject({
      path: 'agents.defaults.heartbeat.to',
      message: expect.stringContaining('needs "to"'),
    });
    expect(firstError(hb(`{ target: 'whatsapp', to: '0176 123' }`))).toMatchObject({
      path: 'agents.defaults.heartbeat.to',
      message: expect.stringContaining('E.164'),
    });
    expect(firstError(hb(`{ activeHours: { start: '8:00', end: '22:00' } }`))).toMatchObject({
      path: 'agents.defaults.heartbeat.activeHours.start',
      message: expect.stringContaining('HH:MM'),
    });
    expect(firstError(hb(`{ activeHours: { start: '24:00', end: '22:00' } }`)).path).toBe(
      'agents.defaults.heartbeat.activeHours.start',
    );
    expect(
      firstError(hb(`{ activeHours: { start: '08:00', end: '22:00', timezone: 'Mars/Base' } }`)).path,
    ).toBe('agents.defaults.heartbeat.activeHours.timezone');
    expect(firstError(hb(`{ ackMaxChars: -1 }`)).path).toBe('agents.defaults.heartbeat.ackMaxChars');
    expect(firstError(hb(`{ model: 'gpt-4o' }`))).toMatchObject({
      path: 'agents.defaults.heartbeat.model',
      message: expect.stringContaining('"provider/model"'),
    });
    expect(firstError(`{ agents: { list: [{ id: 'a', heartbeat: { to: 'bob' } }] } }`).path).toBe(
      'agents.list.0.heartbeat.to',
    );
    expect(config(hb(`{ target: 'whatsapp', to: '120363012345678901@g.us' }`))).toBeTruthy();
  });

  it('runs in the named session or the main one', () => {
    const cfg = config('{}');
    const plan = heartbeatPlans(cfg)[0]!;
    expect(heartbeatSessionKey(cfg, plan)).toBe('agent:main:main');
    expect(heartbeatSessionKey(cfg, { ...plan, session: 'checks' })).toBe('agent:main:checks');
    expect(heartbeatSessionKey(cfg, { ...plan, session: 'agent:main:x' })).toBe('agent:main:x');
  });
});

describe('resolveTarget', () => {
  const plan: HeartbeatPlan = { ...heartbeatPlans(config('{}'))[0]! };
  const ctx = (over: Partial<TargetContext> = {}): TargetContext => ({
    defaultAccount: 'default',
    allowFrom: () => ['+15550000001'],
    isApproved: (_a, e164) => e164 === '+15550000003',
    ownerE164: () => '+15550000009',
    ...over,
  });
  const alice = { account: 'default', chat: '15550000001@s.whatsapp.net', from: '+15550000001' };

  it('last: the last chat answered, if allowed', () => {
    expect(resolveTarget(plan, ctx({ last: alice }))).toEqual({
      kind: 'chat',
      accountId: 'default',
      chat: alice.chat,
    });
    expect(resolveTarget(plan, ctx())).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining('no chat'),
    });
  });

  it('a sender approved through pairing, a group and the owner pass', () => {
    const paired = { account: 'default', chat: '15550000003@s.whatsapp.net' };
    expect(resolveTarget(plan, ctx({ last: paired }))).toMatchObject({ chat: paired.chat });
    const group = { account: 'default', chat: '120363012345678901@g.us' };
    expect(resolveTarget(plan, ctx({ last: group }))).toMatchObject({ chat: group.chat });
    const own = { account: 'default', chat: '15550000009@s.whatsapp.net' };
    expect(resolveTarget(plan, ctx({ last: own, allowFrom: () => [] }))).toMatchObject({ chat: own.chat });
  });

  it('a stranger is replaced by allowFrom[0], else the linked number, else skipped', () => {
    const stranger = { account: 'default', chat: '15550000666@s.whatsapp.net' };
    const to = { ...plan, target: 'whatsapp' as const, to: '+15550000666' };
    for (const decision of [resolveTarget(plan, ctx({ last: stranger })), resolveTarget(to, ctx())])
      expect(decision).toEqual({
        kind: 'chat',
        accountId: 'default',
        chat: '15550000001@s.whatsapp.net',
        note: '+15550000666 is not an allowed sender; delivered to the owner +15550000001 instead',
      });
    expect(resolveTarget(to, ctx({ allowFrom: () => [] }))).toMatchObject({
      chat: '15550000009@s.whatsapp.net',
    });
    expect(resolveTarget(to, ctx({ allowFrom: () => [], ownerE164: () => undefined }))).toMatchObject({
      kind: 'skip',
    });
    const lid = { account: 'default', chat: '123456789@lid' };
    expect(resolveTarget(plan, ctx({ last: lid }))).toMatchObject({ chat: '15550000001@s.whatsapp.net' });
  });

  it('none delivers nothing', () => {
    expect(resolveTarget({ ...plan, target: 'none' }, ctx({ last: alice }))).toEqual({ kind: 'none' });
  });
});
