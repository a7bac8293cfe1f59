// WhatsApp's sending limits in the account's health: the simulator announces a message cap and a reach-out
// timelock the way WhatsApp does, the real Baileys client in a real gateway reports them, and the status (control
// API, `channels.state` event, `openclaw channels status`) shows them with a warning.
import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../src/shared/contract';
import { runCli } from './support/cli';
import { inboundSuite } from './support/inbound';

const suite = inboundSuite('send-limits');

const statusOf = async (g: { call<T>(m: string): Promise<T> }) =>
  (await g.call<{ accounts: AccountStatus[] }>('channels.status')).accounts[0]!;

describe('sending limits in the account health', () => {
  it('a reach-out timelock shows as a warning until WhatsApp lifts it', async () => {
    const g = await suite.gateway('+15550007001');
    const before = await statusOf(g);
    expect(before.sendLimits).toBeUndefined();
    expect(before.warnings).toEqual([]);

    const endsAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2 * 3_600_000);
    await suite.sim.fault.reachoutTimelock(g.phone.account, {
      active: true,
      endsAt,
      enforcementType: 'BIZ_QUALITY',
    });
    const event = (await g.client.nextEvent(
      'channels.state',
      (p) => !!(p as AccountStatus).sendLimits?.reachoutTimelock?.active,
    )) as AccountStatus;
    expect(event.sendLimits?.reachoutTimelock).toMatchObject({
      active: true,
      endsAt: endsAt.toISOString(),
      enforcementType: 'BIZ_QUALITY',
    });
    expect(event.warnings).toEqual([
      `WhatsApp restricts messages to new chats until ${endsAt.toISOString()} (BIZ_QUALITY); replies in existing chats still go out.`,
    ]);

    const cli = await runCli(['channels', 'status'], g.t.env);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(
      `warning: WhatsApp restricts messages to new chats until ${endsAt.toISOString()}`,
    );

    await suite.sim.fault.reachoutTimelock(g.phone.account, { active: false });
    const lifted = (await g.client.nextEvent(
      'channels.state',
      (p) => (p as AccountStatus).sendLimits?.reachoutTimelock?.active === false,
    )) as AccountStatus;
    expect(lifted.warnings).toEqual([]);
    expect((await runCli(['channels', 'status'], g.t.env)).code).toBe(0);
  });

  it('the new-chat message cap: a quota line while under it, a warning once WhatsApp warns or caps', async () => {
    const g = await suite.gateway('+15550007002');
    await suite.sim.fault.messageCapping(g.phone.account, {
      capping_status: 'NONE',
      used_quota: 12,
      total_quota: 100,
    });
    await g.client.nextEvent('channels.state', (p) => (p as AccountStatus).sendLimits?.capping?.used === 12);
    let cli = await runCli(['channels', 'status', '--json'], g.t.env);
    const json = JSON.parse(cli.stdout) as { accounts: AccountStatus[] };
    expect(json.accounts[0]!.sendLimits?.capping).toMatchObject({ status: 'NONE', used: 12, total: 100 });
    cli = await runCli(['channels', 'status'], g.t.env);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('new chats: 12 of 100 messages used this cycle');

    const renews = Math.floor(Date.now() / 1000) + 86_400;
    await suite.sim.fault.messageCapping(g.phone.account, {
      capping_status: 'CAPPED',
      used_quota: 100,
      total_quota: 100,
      cycle_end_timestamp: String(renews),
    });
    const capped = (await g.client.nextEvent(
      'channels.state',
      (p) => (p as AccountStatus).sendLimits?.capping?.status === 'CAPPED',
    )) as AccountStatus;
    expect(capped.warnings).toEqual([
      `WhatsApp capped messages to new chats (100 of 100 used); the quota renews ${new Date(renews * 1000).toISOString()}.`,
    ]);
    cli = await runCli(['channels', 'status'], g.t.env);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('warning: WhatsApp capped messages to new chats (100 of 100 used)');
  });
});
