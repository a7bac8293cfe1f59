// The Outbox screen against a real gateway and the simulator: a send appears live with its WhatsApp id and turns
// "Sent"; an automatic reply held while the account is offline waits visibly, Cancel stops it, Retry sends it once
// the account is back, and the contact gets it exactly once. The Accounts card shows WhatsApp's sending limits.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { AccountStatus } from '../src/shared/contract';
import { openRaw, type RawClient } from '../test/support/ws-client';
import { snap, useSimGateway } from './sim-gateway';

const NUMBER = '+15550009999';
const env = useSimGateway('outbox-ui');

async function control(): Promise<RawClient> {
  const client = await openRaw(env.gw.t.port);
  await client.request('connect', {
    token: (await readFile(join(env.gw.t.stateDir, 'gateway.token'), 'utf8')).trim(),
  });
  return client;
}

async function call<T>(client: RawClient, method: string, params?: unknown): Promise<T> {
  const res = await client.request(method, params);
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  return res.value as T;
}

test('the Outbox shows sends live, and Cancel and Retry act on a held automatic reply', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const { sim, gw } = env;
  const client = await control();
  try {
    // Quick reconnects, so the account is back soon after the simulator accepts connections again.
    const policy = { initialMs: 250, maxMs: 500, factor: 1.1, jitter: 0, maxAttempts: 200 };
    await call(client, 'config.set', { path: 'web.reconnect', value: policy });
    const started = await call<{ qr: { qr: string } }>(client, 'channels.login.start', {});
    await sim.phone(NUMBER).scan(started.qr.qr);
    expect((await call<AccountStatus>(client, 'channels.login.wait', { timeoutMs: 15_000 })).state).toBe(
      'open',
    );

    await page.goto(gw.link);
    await page.getByTestId('nav-outbox').click();
    await expect(page.getByTestId('outbox-empty')).toBeVisible();

    // A send from the API shows up by itself, with the id the call returned, and turns Sent.
    const alice = sim.contact('+15550009001', { name: 'Alice' });
    const sent = await call<{ ids: string[] }>(client, 'message.send', {
      to: alice.e164,
      message: 'hello from the outbox',
    });
    const row = page.locator(
      `[data-testid="outbox-row"]:has([data-testid="outbox-id"]:text-is("${sent.ids[0]}"))`,
    );
    await expect(row).toHaveAttribute('data-state', 'sent');
    await expect(row.getByTestId('outbox-preview')).toHaveText('hello from the outbox');
    await alice.nextMessage((m) => m.id === sent.ids[0]);

    // A stranger writes: the pairing code goes out through the outbox as an automatic reply.
    const stranger = sim.contact('+15550009002', { name: 'Stranger' });
    await stranger.send(sim.phone(NUMBER), 'hi, may I?');
    await expect(page.getByTestId('outbox-row')).toHaveCount(2);
    // Sent before the connection goes: otherwise it would be held too, next to the confirmation below.
    await expect(page.locator('[data-testid="outbox-row"][data-state="sent"]')).toHaveCount(2);
    const { pending } = await call<{ pending: Array<{ code: string }> }>(client, 'pairing.list', {});
    expect(pending).toHaveLength(1);

    // Offline: the confirmation of an approval is held, visibly, and can be cancelled.
    sim.fault.refuseConnections();
    sim.fault.abruptClose(sim.phone(NUMBER).account);
    await page.getByTestId('nav-accounts').click();
    await expect(page.getByTestId('account-card-default')).not.toHaveAttribute('data-state', 'open');
    await page.getByTestId('nav-outbox').click();
    await call(client, 'pairing.approve', { channel: 'whatsapp', code: pending[0]!.code });
    const held = page.locator('[data-testid="outbox-row"][data-state="pending"]');
    await expect(held).toHaveCount(1);
    const heldId = (await held.getByTestId('outbox-id').textContent())!;
    await expect(held.getByTestId('outbox-cancel')).toBeEnabled();
    await page.getByTestId('outbox-filter-waiting').click();
    await expect(page.getByTestId('outbox-row')).toHaveCount(1);
    await snap(page, testInfo, 'outbox-held');
    await held.getByTestId('outbox-cancel').click();

    const cancelled = page.locator('[data-testid="outbox-row"][data-state="cancelled"]');
    await page.getByTestId('outbox-filter-problems').click();
    await expect(cancelled).toHaveCount(1);
    await expect(cancelled.getByTestId('outbox-id')).toHaveText(heldId);
    await expect(cancelled.getByTestId('outbox-cancel')).toHaveCount(0);

    // Back online, Retry sends the same message (same id), and the stranger's device gets it once.
    sim.fault.acceptConnections();
    await cancelled.getByTestId('outbox-retry').click();
    await page.getByTestId('outbox-filter-all').click();
    const retried = page.locator(
      `[data-testid="outbox-row"]:has([data-testid="outbox-id"]:text-is("${heldId}"))`,
    );
    await expect(retried).toHaveAttribute('data-state', 'sent', { timeout: 30_000 });
    await stranger.nextMessage((m) => m.id === heldId, 15_000);
    expect(stranger.deliveryCount(heldId)).toBe(1);
    await snap(page, testInfo, 'outbox-sent');

    // WhatsApp restricts the account: the Accounts card says so, and until when.
    await sim.fault.reachoutTimelock(sim.phone(NUMBER).account, {
      active: true,
      endsAt: new Date(Date.now() + 3_600_000),
    });
    await page.getByTestId('nav-accounts').click();
    const card = page.getByTestId('account-card-default');
    await expect(card.getByTestId('account-send-limits')).toContainText(
      'Restricted: no messages to new chats until',
    );
    await expect(card.getByTestId('account-warnings')).toContainText(
      'WhatsApp restricts messages to new chats',
    );
    await snap(page, testInfo, 'account-send-limits');
  } finally {
    sim.fault.acceptConnections();
    client.close();
  }
});
