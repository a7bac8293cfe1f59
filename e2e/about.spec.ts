// The About screen in Chromium against the built headless gateway: the notices `npm run build` wrote beside the UI
// are served by the gateway and listed, libsignal (GPL-3.0) and libvips (LGPL-3.0) among them.
import { expect, test } from '@playwright/test';
import { startUiGateway, type UiGateway } from './gateway-ui';

let gw: UiGateway;

test.beforeEach(async () => {
  gw = await startUiGateway();
});

test.afterEach(async () => {
  expect(await gw.stop()).toBe(0);
});

test('About shows the version, the licence and the third-party notices with libsignal', async ({
  page,
}, testInfo) => {
  await page.goto(gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  await page.getByTestId('nav-about').click();
  await expect(page.getByTestId('about-version')).toHaveText(/^Version \d+\.\d+\.\d+/);
  await expect(page.getByTestId('about-licence')).toContainText('Source code: MIT.');
  await expect(page.getByTestId('about-licence')).toContainText('GPL-3.0');

  const libsignal = page.locator('[data-testid="about-package"][data-name="libsignal"]');
  await expect(libsignal.getByTestId('about-package-licence')).toHaveText('GPL-3.0');
  const libvips = page.locator('[data-testid="about-package"][data-name^="@img/sharp-libvips-"]');
  await expect(libvips.first().getByTestId('about-package-licence')).toHaveText(/^LGPL-3\.0/);
  expect(await page.getByTestId('about-package').count()).toBeGreaterThan(50);

  // Opening a package shows its licence text; the filter narrows the list.
  await libsignal.locator('summary').click();
  await expect(libsignal.locator('pre')).toContainText(/GNU GENERAL PUBLIC LICENSE/i);
  await page.getByTestId('about-filter').fill('signal');
  await expect(page.getByTestId('about-package').first()).toBeVisible();
  for (const name of await page
    .getByTestId('about-package')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''))) {
    expect(name.toLowerCase()).toContain('signal');
  }
  await page.screenshot({ path: testInfo.outputPath('about.png'), fullPage: true });
});
