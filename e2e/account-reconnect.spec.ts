// The Reconnect button on the Accounts screen: an account that gave up on quick reconnects while WhatsApp was
// unreachable shows it is retrying slowly and when, and Reconnect brings it back at once once WhatsApp is there.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { AccountStatus } from '../src/shared/contract';
import { openRaw } from '../test/support/ws-client';
import { snap, useSimGateway } from './sim-gateway';

const NUMBER = '+15550008888';
const env = useSimGateway('account-reconnect-ui');

test('a degraded account shows its next try, and Reconnect brings it back', async ({ page }, testInfo) => {
  const { sim, gw } = env;
  const client = await openRaw(gw.t.port);
  try {
    await client.request('connect', {
      token: (await readFile(join(gw.t.stateDir, 'gateway.token'), 'utf8')).trim(),
    });
    // Two quick attempts, then the slow rate (10 × maxMs = 10 min): only Reconnect brings it back in this test.
    const policy = { initialMs: 250, maxMs: 60_000, factor: 1.1, jitter: 0, maxAttempts: 2 };
    expect((await client.request('config.set', { path: 'web.reconnect', value: policy })).ok).toBe(true);
    const started = (await client.request('channels.login.start', {})).value as { qr: { qr: string } };
    await sim.phone(NUMBER).scan(started.qr.qr);
    const linked = (await client.request('channels.login.wait', { timeoutMs: 15_000 }))
      .value as AccountStatus;
    expect(linked.state).toBe('open');
  } finally {
    client.close();
  }

  await page.goto(gw.link);
  await page.getByTestId('nav-accounts').click();
  const card = page.getByTestId('account-card-default');
  await expect(card).toHaveAttribute('data-state', 'open');
  // Nothing to reconnect while the account is connected.
  await expect(page.getByTestId('account-reconnect-default')).toHaveCount(0);

  sim.fault.refuseConnections();
  try {
    sim.fault.abruptClose(sim.phone(NUMBER).account);
    await expect(card).toHaveAttribute('data-state', 'degraded');
    await expect(card.getByTestId('account-state')).toHaveText('Retrying slowly');
    await expect(card.getByTestId('account-next-attempt')).toHaveText(/^in \d+:\d\d$/);
    await expect(card.getByTestId('account-sentence')).toContainText(
      'openclaw channels reconnect --account default',
    );
    await expect(page.getByTestId('account-reconnect-default')).toBeEnabled();
    await snap(page, testInfo, 'account-degraded');
  } finally {
    sim.fault.acceptConnections();
  }

  await page.getByTestId('account-reconnect-default').click();
  await expect(card).toHaveAttribute('data-state', 'open');
  await expect(card.getByTestId('account-attempts')).toHaveText('0');
  await expect(page.getByTestId('account-reconnect-default')).toHaveCount(0);
  await snap(page, testInfo, 'account-reconnected');
});
