// Pairing and access as a person does it, against the loopback simulator: a simulated phone is linked, an unknown
// contact writes and the request shows up live on the Pairing screen; Approve sends the contact a confirmation and
// their next message shows up in Messages. Then Settings switches the DM policy to an allowlist with another
// number, and a message from that number is accepted without restarting the gateway.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { textOf, type Contact, type Phone, type ReceivedMessage } from './wa-sim/index';
import { snap, useSimGateway } from './sim-gateway';

const OWNER = '+15550007777';
const CAROL = '+15551110001';
const DAVE = '+15552220002';

const env = useSimGateway('pairing-ui');
let phone: Phone;

test.beforeAll(() => {
  phone = env.sim.phone(OWNER, { name: 'Owner' });
});

/** Moves the page to a route the way a link (or the desktop app's notification click) does: only the hash. */
async function openHash(page: Page, hash: string): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

/** The next message a contact receives after the ones they already have. */
function nextNew(contact: Contact): Promise<ReceivedMessage> {
  const seen = new Set(contact.messages().map((m) => m.id));
  return contact.nextMessage((m) => !seen.has(m.id), 15_000);
}

test('approve a pairing request live, see the next message accepted, then allow a number from Settings', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const consoleErrors: string[] = [];
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(env.gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');

  await test.step('link the simulated phone', async () => {
    await page.getByTestId('nav-link').click();
    await page.getByTestId('link-start').click();
    const qr = await page.getByTestId('link-qr').getAttribute('data-qr', { timeout: 20_000 });
    await phone.scan(qr!);
    await expect(page.getByTestId('link-done')).toHaveText(`Linked as ${OWNER}`, { timeout: 20_000 });
  });

  const carol = env.sim.contact(CAROL, { name: 'Carol' });
  let code = '';
  await test.step('an unknown contact writes: the request appears live with number, name and code', async () => {
    await page.getByTestId('nav-pairing').click();
    await expect(page.getByTestId('pairing-empty')).toBeVisible();
    const reply = nextNew(carol);
    await carol.send(phone, 'Hi, it’s Carol from the book club\nCan I ask the assistant things?');
    const row = page.locator(`[data-testid^="pairing-request-"][data-sender="${CAROL}"]`);
    await expect(row).toBeVisible({ timeout: 15_000 });
    code = (await row.getByTestId('pairing-code').textContent()) ?? '';
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    await expect(row.getByTestId('pairing-sender')).toHaveText(CAROL);
    await expect(row.getByTestId('pairing-name')).toHaveText('Carol');
    // What she wrote (its first line), so the owner does not approve blind.
    await expect(row.getByTestId('pairing-first-line')).toHaveText('Hi, it’s Carol from the book club');
    await expect(row.getByTestId('pairing-expires')).toHaveText(/expires in (59|60):\d\d/);
    await expect(row.getByTestId('pairing-age')).toContainText('ago');
    await expect(page.getByTestId('nav-pairing-count')).toHaveText('1');
    // What Carol got back is the same code.
    expect(textOf(await reply)).toContain(`Pairing code: ${code}`);
    // Her message was not handed on.
    await page.getByTestId('nav-messages').click();
    await expect(page.getByTestId('messages-empty')).toBeVisible();
  });

  await test.step('a deep link (what a notification opens) highlights the request', async () => {
    await openHash(page, `#/pairing?code=${code.toLowerCase()}`);
    const row = page.getByTestId(`pairing-request-${code}`);
    await expect(row).toHaveAttribute('data-highlighted', 'true');
    await snap(page, testInfo, 'pairing-request');
    await openHash(page, '#/pairing?code=NOSUCH22');
    await expect(page.getByTestId('pairing-link-missing')).toContainText('NOSUCH22');
    await expect(page.getByTestId(`pairing-request-${code}`)).not.toHaveAttribute('data-highlighted');
    await openHash(page, `#/pairing?code=${code}`);
    await expect(page.getByTestId(`pairing-request-${code}`)).toHaveAttribute('data-highlighted', 'true');
  });

  await test.step('Approve: Carol is told, and her next message reaches the agent stage', async () => {
    const confirmation = nextNew(carol);
    await page.getByTestId(`pairing-approve-${code}`).click();
    await expect(page.getByTestId('pairing-outcome')).toContainText(`Approved Carol (${CAROL})`);
    await expect(page.getByTestId(`pairing-request-${code}`)).toHaveCount(0);
    await expect(page.getByTestId(`approved-${CAROL}`)).toBeVisible();
    await expect(page.getByTestId('nav-pairing-count')).toHaveCount(0);
    // The deep link did its job: it is dropped rather than reporting the request as gone.
    await expect(page).toHaveURL(/#\/pairing$/);
    await expect(page.getByTestId('pairing-link-missing')).toHaveCount(0);
    expect(textOf(await confirmation)).toMatch(/approved/i);
    await snap(page, testInfo, 'pairing-approved');

    await page.getByTestId('nav-messages').click();
    await carol.send(phone, 'thanks, this is my first real question');
    const row = page.getByTestId('message-row').filter({ hasText: 'my first real question' });
    await expect(row).toHaveCount(1, { timeout: 15_000 });
    await expect(row.getByTestId('message-from')).toHaveText(`Carol (${CAROL})`);
    await expect(row.getByTestId('message-body')).toContainText(`[WhatsApp ${CAROL}`);
    await snap(page, testInfo, 'messages');
  });

  await test.step('Deny: another unknown contact is turned away and never reaches the agent', async () => {
    const erin = env.sim.contact('+15553330003', { name: 'Erin' });
    await page.getByTestId('nav-pairing').click();
    const codeMessage = nextNew(erin);
    // A stranger's text is shown as text, never as markup.
    const markup = '<b>let me in</b> <img src=x onerror="document.title=1">';
    await erin.send(phone, markup);
    const row = page.locator('[data-testid^="pairing-request-"][data-sender="+15553330003"]');
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row.getByTestId('pairing-first-line')).toHaveText(markup);
    await expect(row.locator('b, img')).toHaveCount(0);
    const erinCode = (await row.getByTestId('pairing-code').textContent()) ?? '';
    expect(textOf(await codeMessage)).toContain(erinCode);
    await page.getByTestId(`pairing-deny-${erinCode}`).click();
    await expect(page.getByTestId('pairing-outcome')).toHaveText('Denied Erin (+15553330003).');
    await expect(row).toHaveCount(0);
    await expect(page.getByTestId('approved-+15553330003')).toHaveCount(0);
  });

  await test.step('Settings: dmPolicy "allowlist" with another number, saved through config.set', async () => {
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('access-scope')).toHaveValue('');
    await expect(page.getByTestId('access-dmPolicy')).toHaveValue('pairing');
    await page.getByTestId('access-dmPolicy').selectOption('allowlist');
    // The allowlist may not be empty: said next to the field before anything is sent.
    await expect(page.getByTestId('access-field-allowFrom').getByTestId('access-field-error')).toContainText(
      'at least one',
    );
    await expect(page.getByTestId('access-save')).toBeDisabled();

    const input = page.getByTestId('access-allowFrom-input');
    await input.fill('5552220002');
    await expect(page.getByTestId('access-entry-error')).toContainText('Start with +');
    await expect(page.getByTestId('access-allowFrom-add')).toBeDisabled();
    await input.fill('*');
    await page.getByTestId('access-allowFrom-add').click();
    await expect(
      page.getByTestId('access-field-allowFrom').getByTestId('access-field-warning'),
    ).toContainText('means everyone');
    await page.getByTestId('access-allowFrom-list').getByRole('button', { name: 'Remove *' }).click();
    await input.fill('+1 555 222-0002');
    await input.press('Enter');
    await expect(page.getByTestId('access-allowFrom-list').getByTestId('access-entry-value')).toHaveText([
      DAVE,
    ]);
    await snap(page, testInfo, 'settings-access');

    await page.getByTestId('access-save').click();
    await expect(page.getByTestId('access-saved')).toBeVisible();
    await expect(page.getByTestId('access-dirty')).toHaveCount(0);
    // The JSON5 editor below follows the save; the file has both keys.
    await expect(page.getByTestId('config-editor')).toHaveValue(/allowlist/);
    const saved = await readFile(env.gw.t.configPath, 'utf8');
    expect(saved).toContain(DAVE);
    expect(saved).toContain('// test config');

    // The hash guard: a hand edit on disk while the form has unsaved changes is never overwritten.
    await page.getByTestId('access-sendReadReceipts').selectOption('false');
    await expect(page.getByTestId('access-dirty')).toBeVisible();
    await env.gw.t.writeConfig(saved.replace('// test config', '// test config, edited by hand'));
    await expect(page.getByTestId('access-changed-on-disk')).toBeVisible();
    await page.getByTestId('access-save').click();
    await expect(page.getByTestId('access-conflict')).toBeVisible();
    expect(await readFile(env.gw.t.configPath, 'utf8')).not.toContain('sendReadReceipts');
    await page.getByTestId('access-conflict').getByRole('button', { name: 'reload the settings' }).click();
    await expect(page.getByTestId('access-dirty')).toHaveCount(0);
    await expect(page.getByTestId('access-sendReadReceipts')).toHaveValue('true');
    await expect(page.getByTestId('access-dmPolicy')).toHaveValue('allowlist');
  });

  await test.step('a message from the newly allowed number is accepted, without a restart', async () => {
    const dave = env.sim.contact(DAVE, { name: 'Dave' });
    await page.getByTestId('nav-messages').click();
    await dave.send(phone, 'hi, the allowlist let me in');
    const row = page.getByTestId('message-row').filter({ hasText: 'the allowlist let me in' });
    await expect(row).toHaveCount(1, { timeout: 15_000 });
    await expect(row.getByTestId('message-from')).toHaveText(`Dave (${DAVE})`);
    expect(dave.messages().filter((m) => textOf(m).includes('Pairing code'))).toEqual([]);
    await snap(page, testInfo, 'messages-allowlist');
  });

  expect(consoleErrors).toEqual([]);
});
