// The gateway goes away while the page is open (stopped, crashed, the laptop's service manager restarting it):
// every screen says so at the top, buttons that need the gateway are off, nothing keeps counting as if all were
// well, and a call made meanwhile fails at once with a sentence a person can read — never after a long wait,
// never naming an internal method like `pairing.approve`.
import { expect, test, type Page } from '@playwright/test';
import { METHOD_NAMES } from '../src/shared/names';
import { snap, useSimGateway } from './sim-gateway';

const OWNER = '+15550008888';
const FRANK = '+15556660006';
const env = useSimGateway('gateway-stopped-ui');

const METHOD_RE = new RegExp(
  METHOD_NAMES.filter((m) => m.includes('.'))
    .map((m) => m.replace(/\./g, '\\.'))
    .join('|'),
);

async function expectNoMethodNames(page: Page, where: string): Promise<void> {
  expect(await page.locator('body').innerText(), `${where} shows an internal method name`).not.toMatch(
    METHOD_RE,
  );
}

test('stopping the gateway: a clear disconnected state, buttons off, calls fail at once in words', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const phone = env.sim.phone(OWNER, { name: 'Owner' });
  await page.setViewportSize({ width: 1100, height: 800 });
  await page.goto(env.gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  await expect(page.getByTestId('gateway-offline')).toHaveCount(0);

  // Linked, with a request waiting: the screens have live buttons and a running uptime.
  await page.getByTestId('nav-link').click();
  await page.getByTestId('link-start').click();
  await phone.scan((await page.getByTestId('link-qr').getAttribute('data-qr', { timeout: 20_000 }))!);
  await expect(page.getByTestId('link-done')).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('nav-pairing').click();
  await env.sim.contact(FRANK, { name: 'Frank' }).send(phone, 'hi, Frank here');
  const row = page.locator(`[data-testid^="pairing-request-"][data-sender="${FRANK}"]`);
  await expect(row.getByRole('button', { name: 'Approve' })).toBeEnabled({ timeout: 15_000 });
  await page.getByTestId('nav-accounts').click();
  await expect(page.getByTestId('account-uptime')).toContainText('up ');
  // Unsaved edits in the config editor when the gateway goes.
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('config-editor')).toHaveValue(/test config/);
  await page.getByTestId('config-editor').press('End');
  await page.getByTestId('config-editor').pressSequentially(' ');
  await expect(page.getByTestId('config-save')).toBeEnabled();

  expect(await env.gw.stop()).toBe(0);

  await test.step('every screen says the gateway is gone and that the page is reconnecting', async () => {
    const banner = page.getByTestId('gateway-offline');
    await expect(banner).toContainText('Gateway not running or unreachable — reconnecting');
    await expect(banner).toContainText('Buttons that need the gateway are off');
    await expect(page.getByTestId('connection-status')).not.toHaveAttribute('data-status', 'connected');
  });

  await test.step('Settings: the edits stay, Save and Validate are off until the gateway is back', async () => {
    await expect(page.getByTestId('config-dirty')).toBeVisible();
    await expect(page.getByTestId('config-save')).toBeDisabled();
    await expect(page.getByTestId('config-validate')).toBeDisabled();
    await expect(page.getByTestId('config-reload')).toBeDisabled();
    await expect(page.getByTestId('config-revert')).toBeEnabled();
    await snap(page, testInfo, 'stopped-settings');
    await expectNoMethodNames(page, 'Settings');
  });

  await test.step('Accounts: no uptime counting on for a gateway that is gone, Log out off', async () => {
    await page.getByTestId('nav-accounts').click();
    await expect(page.getByTestId('account-uptime')).toHaveText('—');
    await expect(page.getByTestId('accounts-stale')).toContainText('Last known state');
    await expect(page.getByTestId('account-logout-default')).toBeDisabled();
    await snap(page, testInfo, 'stopped-accounts');
    await expectNoMethodNames(page, 'Accounts');
  });

  await test.step('Pairing: Approve and Deny off; the request is still shown as last known', async () => {
    await page.getByTestId('nav-pairing').click();
    await expect(row.getByRole('button', { name: 'Approve' })).toBeDisabled();
    await expect(row.getByRole('button', { name: 'Deny' })).toBeDisabled();
    await expect(page.getByTestId(`approved-${FRANK}`)).toHaveCount(0);
    // Reading the list on the way in failed at once, and says why in words.
    await expect(page.getByTestId('pairing-load-error')).toContainText(
      'The gateway is not running or cannot be reached',
    );
    await snap(page, testInfo, 'stopped-pairing');
    await expectNoMethodNames(page, 'Pairing');
  });

  await test.step('Messages: a call made while disconnected fails at once with a sentence', async () => {
    await page.getByTestId('nav-messages').click();
    await expect(page.getByTestId('messages-error')).toContainText(
      'Could not read the accepted messages: The gateway is not running or cannot be reached right now.',
    );
    await expectNoMethodNames(page, 'Messages');
  });

  await test.step('Link: linking again is off', async () => {
    await page.getByTestId('nav-link').click();
    await expect(page.getByTestId('link-start')).toBeDisabled();
    await expectNoMethodNames(page, 'Link');
  });
});
