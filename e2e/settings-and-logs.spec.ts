// The UI as a person uses it: open the one-time link printed by `openclaw gateway run`, edit the config in
// Settings, see it validated and saved, and watch the log tail.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { startUiGateway, type UiGateway } from './gateway-ui';

let gw: UiGateway;

test.beforeEach(async () => {
  gw = await startUiGateway();
});

test.afterEach(async () => {
  expect(await gw.stop()).toBe(0);
});

test('a browser without the one-time link is not signed in', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${gw.t.port}/`);
  await expect(page.getByTestId('signed-out')).toContainText('openclaw dashboard');
});

test('edit a value in Settings, see it validated and saved, and see log lines in Logs', async ({
  page,
}, testInfo) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');

  await page.getByTestId('nav-settings').click();
  const editor = page.getByTestId('config-editor');
  await expect(editor).toHaveValue(/\/\/ test config/);
  await expect(page.getByTestId('config-path')).toContainText(gw.t.configPath);

  // An invalid edit: the gateway names the key path and nothing is written.
  const original = await editor.inputValue();
  const before = await readFile(gw.t.configPath, 'utf8');
  await editor.fill(
    original.replace(
      '// test config',
      '// test config\n  channels: { whatsapp: { dmPolicy: "allowlist" } },',
    ),
  );
  await page.getByTestId('config-validate').click();
  await expect(page.getByTestId('config-errors')).toContainText('channels.whatsapp.allowFrom');
  await page.getByTestId('config-save').click();
  await expect(page.getByTestId('config-not-saved')).toBeVisible();
  expect(await readFile(gw.t.configPath, 'utf8')).toBe(before);

  // A valid edit: saved atomically, comments kept, and re-validated by the gateway.
  await editor.fill(original.replace('// test config', '// test config\n  web: { heartbeatSeconds: 42 },'));
  await page.getByTestId('config-save').click();
  await expect(page.getByTestId('config-saved')).toBeVisible();
  await expect(page.getByTestId('config-errors')).toHaveCount(0);
  const saved = await readFile(gw.t.configPath, 'utf8');
  expect(saved).toContain('heartbeatSeconds: 42');
  expect(saved).toContain('// test config');
  await page.screenshot({ path: testInfo.outputPath('settings.png'), fullPage: true });

  // Logs: the live tail shows the gateway's lines, and the subsystem filter narrows them.
  await page.getByTestId('nav-logs').click();
  await expect(page.getByTestId('log-row').filter({ hasText: 'gateway started' })).toHaveCount(1);
  await expect(page.getByTestId('log-row').filter({ hasText: 'config' }).first()).toBeVisible();
  await page.getByTestId('log-subsystem').selectOption('config');
  await expect(page.getByTestId('log-row').first()).toBeVisible();
  for (const row of await page.getByTestId('log-row').all()) await expect(row).toContainText('config');
  await page.screenshot({ path: testInfo.outputPath('logs.png'), fullPage: true });
  await testInfo.attach('settings', { path: testInfo.outputPath('settings.png'), contentType: 'image/png' });
  await testInfo.attach('logs', { path: testInfo.outputPath('logs.png'), contentType: 'image/png' });
  expect(consoleErrors).toEqual([]);
});

test('an invalid edit on disk shows the banner and the errors while the gateway keeps running', async ({
  page,
}) => {
  await page.goto(gw.link);
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('config-editor')).toHaveValue(/\/\/ test config/);
  await gw.t.writeConfig('{ channels: { whatsapp: { allowFrom: ["abc"] } } }');
  await expect(page.getByTestId('config-banner')).toBeVisible();
  await expect(page.getByTestId('config-errors')).toContainText('channels.whatsapp.allowFrom.0');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
});

test('a JSON5 syntax error names the likely cause and shows the line with a caret under the column', async ({
  page,
}, testInfo) => {
  await page.goto(gw.link);
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('config-editor')).toHaveValue(/\/\/ test config/);
  // The comma after "pairing" is missing; the parser only notices on the next line.
  await gw.t.writeConfig(
    '{\n  channels: {\n    whatsapp: {\n      dmPolicy: "pairing"\n      allowFrom: [],\n    },\n  },\n}\n',
  );
  const errors = page.getByTestId('config-errors');
  await expect(errors).toContainText('missing comma at the end of line 4');
  const excerpt = errors.getByTestId('config-issue-excerpt');
  await expect(excerpt).toContainText('dmPolicy: "pairing"');
  // The caret sits under the column the parser stopped at: the "a" of allowFrom, column 7.
  const lines = (await excerpt.innerText()).split('\n');
  const code = lines.find((l) => l.includes('allowFrom'))!;
  const caret = lines.find((l) => l.trim().endsWith('^'))!;
  expect(caret.indexOf('^')).toBe(code.indexOf('allowFrom'));
  await errors.screenshot({ path: testInfo.outputPath('syntax-error.png') });
});

test('when the gateway stops, the header says so and counts down to the next retry', async ({ page }) => {
  await page.goto(gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  expect(await gw.stop()).toBe(0);
  const status = page.getByTestId('connection-status');
  await expect(status).toHaveAttribute('data-status', /disconnected|connecting/);
  await expect(status).toHaveText(/Disconnected — retrying in ([0-9]|10) s/);
});
