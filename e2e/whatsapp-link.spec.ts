// Linking WhatsApp as a person does it, against the loopback simulator: the built headless gateway points every
// account at a simulator started in this process; the browser shows the QR, a simulated phone scans it, the
// Accounts screen shows the account open, and a fault (the device removed on the phone) shows it logged out.
// `openclaw channels status --json` must agree with the UI at each step.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import type { AccountStatus } from '../src/shared/contract';
import { snap, useSimGateway } from './sim-gateway';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NUMBER = '+15550009999';
const run = promisify(execFile);
const env = useSimGateway('whatsapp-link-ui');

/** What the CLI says about an account (`channels status` exits 1 while any account has a warning). */
async function cliStatus(accountId: string): Promise<AccountStatus> {
  const result = await run(process.execPath, ['bin/openclaw.js', 'channels', 'status', '--json'], {
    cwd: ROOT,
    env: env.gw.t.env,
  }).catch((err: { stdout?: string; code?: number }) => {
    if (err.code === 1 && err.stdout) return { stdout: err.stdout };
    throw err;
  });
  const status = JSON.parse(result.stdout) as { accounts: AccountStatus[]; simulator: string | null };
  expect(status.simulator).toBe(env.sim.url);
  const account = status.accounts.find((a) => a.accountId === accountId);
  if (!account) throw new Error(`channels status has no account ${accountId}: ${result.stdout}`);
  return account;
}

test('link the default account by QR, see it open in Accounts, then logged out when the phone removes it', async ({
  page,
}, testInfo) => {
  const consoleErrors: string[] = [];
  await page.setViewportSize({ width: 1280, height: 860 });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(env.gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  await expect(page.getByTestId('simulator-badge')).toHaveText('Simulator — not WhatsApp');

  await test.step('link: press Link, scan the QR with the simulated phone', async () => {
    await page.getByTestId('nav-link').click();
    await expect(page.getByTestId('link-account')).toHaveValue('default');
    await expect(page.getByTestId('simulator-badge')).toBeVisible();
    await page.getByTestId('link-start').click();
    const qrImage = page.getByTestId('link-qr');
    await expect(qrImage).toBeVisible({ timeout: 20_000 });
    await expect(qrImage).toHaveAttribute('src', /^data:image\/png;base64,/);
    await expect(page.getByTestId('link-countdown')).toHaveText(/expires in \d+:\d\d/);
    const qr = await qrImage.getAttribute('data-qr');
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
    // The simulator's copy of the QR as text, in a box with a label (found by it, as a screen reader would).
    await expect(page.getByRole('textbox', { name: 'QR text for the simulator' })).toHaveValue(qr!);
    await snap(page, testInfo, 'link-qr');

    await env.sim.phone(NUMBER).scan(qr!);
    await expect(page.getByTestId('link-done')).toHaveText(`Linked as ${NUMBER}`, { timeout: 20_000 });
    await expect(page.getByTestId('link-qr')).toHaveCount(0);
    await snap(page, testInfo, 'link-done');

    // Linking again would drop a working link: the screen asks first.
    await page.getByTestId('link-start').click();
    await expect(page.getByTestId('link-confirm')).toContainText('drops the current link of +15550009999');
    await snap(page, testInfo, 'link-confirm');
    await page.getByTestId('link-confirm-cancel').click();
    await expect(page.getByTestId('link-done')).toBeVisible();

    // A new account id is checked as the contract checks it.
    await page.getByTestId('link-account').selectOption({ label: 'Add an account…' });
    await page.getByTestId('link-new-account').fill('my work');
    await expect(page.getByTestId('link-account-error')).toContainText('only letters, digits');
    await expect(page.getByTestId('link-start')).toBeDisabled();
    await page.getByTestId('link-new-account').fill('work');
    await expect(page.getByTestId('link-account-error')).toHaveCount(0);
    await expect(page.getByTestId('link-start')).toBeEnabled();
    await snap(page, testInfo, 'link-new-account');
    await page.getByTestId('link-account').selectOption('default');
    await expect(page.getByTestId('link-done')).toBeVisible();
  });

  await test.step('accounts: the default card is open and the CLI agrees', async () => {
    await page.getByTestId('nav-accounts').click();
    const card = page.getByTestId('account-card-default');
    await expect(card).toHaveAttribute('data-state', 'open');
    await expect(card.getByTestId('account-number')).toHaveText(NUMBER);
    await expect(card.getByTestId('account-sentence')).toContainText(`Connected as ${NUMBER}`);
    await expect(card.getByTestId('account-uptime')).toContainText('up ');
    await expect(card.getByTestId('account-timeline').locator('li').first()).toContainText('Connected');
    await expect(page.getByTestId('account-logout-default')).toBeVisible();
    await expect(page.getByTestId('simulator-badge')).toBeVisible();
    const cli = await cliStatus('default');
    expect(cli).toMatchObject({ state: 'open', number: NUMBER, linked: true, connected: true });
    await snap(page, testInfo, 'accounts-open');
  });

  await test.step('fault: the phone removes the device; the card goes logged_out and the CLI agrees', async () => {
    await env.sim.fault.deviceRemoved(env.sim.phone(NUMBER).account);
    const card = page.getByTestId('account-card-default');
    await expect(card).toHaveAttribute('data-state', 'logged_out', { timeout: 15_000 });
    await expect(card.getByTestId('account-sentence')).toContainText('openclaw channels login');
    await expect(card.getByTestId('account-last-error')).toContainText('401');
    await expect(page.getByTestId('account-link-default')).toBeVisible();
    const cli = await cliStatus('default');
    expect(cli.state).toBe('logged_out');
    expect(cli.sentence).toContain('openclaw channels login');
    await snap(page, testInfo, 'accounts-logged-out');
  });

  await test.step('link again from the Link screen: the dead credentials are replaced without asking', async () => {
    await page.getByTestId('account-link-default').click();
    await expect(page).toHaveURL(/#\/link\?account=default$/);
    await expect(page.getByTestId('link-error')).toContainText('openclaw channels login');
    await page.getByTestId('link-start').click();
    await expect(page.getByTestId('link-confirm')).toHaveCount(0);
    const qr = await page.getByTestId('link-qr').getAttribute('data-qr', { timeout: 20_000 });
    await expect(page.getByTestId('link-error')).toHaveCount(0);
    await env.sim.phone(NUMBER).scan(qr!);
    await expect(page.getByTestId('link-done')).toHaveText(`Linked as ${NUMBER}`, { timeout: 20_000 });
  });

  await test.step('log out from Accounts (confirmed); Link is offered again', async () => {
    await page.getByTestId('nav-accounts').click();
    const card = page.getByTestId('account-card-default');
    await expect(card).toHaveAttribute('data-state', 'open');
    await page.getByTestId('account-logout-default').click();
    await page.getByTestId('account-logout-confirm-default').click();
    await expect(card).toHaveAttribute('data-state', 'unlinked', { timeout: 15_000 });
    await expect(page.getByTestId('account-logout-default')).toHaveCount(0);
    // Not linked means not connected: no "connected since … up 5 min" counting on.
    await expect(card.getByTestId('account-uptime')).toHaveText('—');
    await expect(card.getByTestId('account-state')).toHaveText('Not linked');
    expect(await cliStatus('default')).toMatchObject({ state: 'unlinked', linked: false });
    await page.getByTestId('account-link-default').click();
    await expect(page.getByTestId('link-phase')).toHaveAttribute('data-phase', 'ready');
    await expect(page.getByTestId('link-start')).toHaveText('Link');
    await expect(page.getByTestId('link-start')).toBeEnabled();
  });

  expect(consoleErrors).toEqual([]);
});
