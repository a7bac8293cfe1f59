// Signing a browser into the UI as a person does it, in Chromium against the built headless gateway: the one-time
// link, what a page holding only the cookie sees, and what a used link shows.
import { expect, test } from '@playwright/test';
import { startUiGateway, type UiGateway } from './gateway-ui';

let gw: UiGateway;

test.beforeEach(async () => {
  gw = await startUiGateway();
});

test.afterEach(async () => {
  expect(await gw.stop()).toBe(0);
});

test('the link signs the page in; with the cookie but without the session key it is signed out', async ({
  page,
}, testInfo) => {
  await page.goto(gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  // The key came in the fragment and is gone from the address bar (and so from history and bookmarks). A fresh
  // gateway may then route to its first-run setup (#/setup); nothing else is left in the address.
  expect(page.url()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${gw.t.port}/(#/setup)?$`));

  // A reload keeps the sign-in: the key is in this origin's storage.
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');

  // The cookie alone, as any other service on 127.0.0.1 receives it, is not enough.
  await page.evaluate('localStorage.clear()');
  await page.reload();
  const card = page.getByTestId('signed-out');
  await expect(card).toContainText('openclaw dashboard');
  await expect(card).toContainText('desktop app');
  await expect(card).not.toContainText(/token|connect/);
  await page.screenshot({ path: testInfo.outputPath('signed-out.png'), fullPage: true });
});

test('a used link shows a styled page that says how to get a new one', async ({ page }, testInfo) => {
  const cspErrors: string[] = [];
  page.on('console', (m) => m.text().includes('Content Security Policy') && cspErrors.push(m.text()));
  await page.goto(gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');

  const again = await page.goto(gw.link);
  expect(again?.status()).toBe(403);
  await expect(page.getByRole('heading')).toHaveText('This sign-in link no longer works');
  await expect(page.locator('main')).toContainText('openclaw dashboard');
  // The stylesheet loaded under the strict CSP: the card has its border and rounded corners.
  await expect(page.locator('main')).toHaveCSS('border-top-left-radius', '12px');
  await page.screenshot({ path: testInfo.outputPath('used-link.png'), fullPage: true });
  expect(cspErrors).toEqual([]);
});
