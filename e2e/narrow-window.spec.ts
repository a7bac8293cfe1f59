// Every screen at 360 px wide (a phone held upright, or a desktop window pushed to the side): no horizontal
// scrolling anywhere, and every action on screen can be reached and clicked. The screens are filled the way a
// person sees them — a linked phone, a pending pairing request with a long first line, an approved sender, a
// QR on screen for a second account — because empty screens hide most layout problems.
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { Contact, ReceivedMessage } from './wa-sim/index';
import { snap, useSimGateway } from './sim-gateway';

const WIDTH = 360;
const OWNER = '+15550006666';
// Long unbroken words are what push a narrow layout sideways; a sender can write one.
const LONG_LINE = `please let me in: https://example.com/${'a'.repeat(70)} thanks`;

const env = useSimGateway('narrow-ui');

/** The next message a contact receives after the ones they already have. */
function nextNew(contact: Contact): Promise<ReceivedMessage> {
  const seen = new Set(contact.messages().map((m) => m.id));
  return contact.nextMessage((m) => !seen.has(m.id), 15_000);
}

/**
 * Elements that scroll sideways although they are not meant to (text boxes may: their content is the user's).
 * Runs in the page; a string because the specs are type-checked without the DOM library.
 */
const FIND_OVERFLOW = `(() => {
  const found = [];
  const root = document.scrollingElement;
  if (root && root.scrollWidth > root.clientWidth) {
    found.push('page: scrollWidth ' + root.scrollWidth + ' > ' + root.clientWidth);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) continue;
    const overflowX = getComputedStyle(el).overflowX;
    if ((overflowX === 'auto' || overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      const name = el.dataset.testid || el.className || el.tagName;
      found.push(el.tagName.toLowerCase() + ' ' + name + ': scrollWidth ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
  }
  return found;
})()`;

/** Every action on the screen (and the navigation) lies inside the viewport's width and takes a click. */
async function expectActionsReachable(page: Page, screen: string): Promise<number> {
  const actions = page.locator(
    `nav a, [data-testid="screen-${screen}"] :is(button, a.button, select, input, textarea)`,
  );
  const count = await actions.count();
  for (let i = 0; i < count; i++) {
    const action = actions.nth(i);
    if (!(await action.isVisible())) continue;
    await action.scrollIntoViewIfNeeded();
    const box = await action.boundingBox();
    const label = await describe(action);
    expect(box, `${screen}: ${label} has a box`).not.toBeNull();
    expect(box!.x, `${screen}: ${label} starts inside the window`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${screen}: ${label} ends inside the window`).toBeLessThanOrEqual(WIDTH);
    // A trial click checks what a real one needs (visible, stable, not covered or clipped) without acting.
    if (await action.isEnabled()) await action.click({ trial: true });
  }
  return count;
}

async function describe(action: Locator): Promise<string> {
  const testId = await action.getAttribute('data-testid');
  const text = ((await action.textContent()) ?? '').trim().slice(0, 30);
  return `${testId ? `[${testId}] ` : ''}"${text}"`;
}

async function checkScreen(page: Page, screen: string, testInfo: Parameters<typeof snap>[1]) {
  await page.evaluate('window.scrollTo(0, 0)');
  await snap(page, testInfo, `narrow-${screen}`);
  expect(await page.evaluate<string[]>(FIND_OVERFLOW), `${screen} scrolls sideways`).toEqual([]);
  expect(await expectActionsReachable(page, screen)).toBeGreaterThan(0);
}

test('every screen works at 360 px wide: no sideways scrolling, every action reachable', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const phone = env.sim.phone(OWNER, { name: 'Owner' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(env.gw.link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');

  // Filled as a person would have it: linked, one approved sender, one request waiting, a second account linking.
  await page.getByTestId('nav-link').click();
  await page.getByTestId('link-start').click();
  await phone.scan((await page.getByTestId('link-qr').getAttribute('data-qr', { timeout: 20_000 }))!);
  await expect(page.getByTestId('link-done')).toBeVisible({ timeout: 20_000 });
  const approved = env.sim.contact('+15554440004', { name: 'Grace' });
  await page.getByTestId('nav-pairing').click();
  await approved.send(phone, 'hello');
  const first = page.locator('[data-testid^="pairing-request-"][data-sender="+15554440004"]');
  const firstCode = (await first.getByTestId('pairing-code').textContent({ timeout: 15_000 })) ?? '';
  await page.getByTestId(`pairing-approve-${firstCode}`).click();
  await expect(page.getByTestId('approved-+15554440004')).toBeVisible();
  const waiting = env.sim.contact('+15555550005', { name: 'Heinrich Maximilian von Longname-Example' });
  const code = nextNew(waiting);
  await waiting.send(phone, `${LONG_LINE}\nsecond line`);
  await code;
  await expect(page.locator('[data-testid^="pairing-request-"]')).toHaveCount(1, { timeout: 15_000 });

  await page.setViewportSize({ width: WIDTH, height: 740 });

  await test.step('Link, with a QR on screen for a second account', async () => {
    await page.getByTestId('nav-link').click();
    await page.getByTestId('link-account').selectOption({ label: 'Add an account…' });
    await page.getByTestId('link-new-account').fill('work-phone');
    await page.getByTestId('link-start').click();
    await expect(page.getByTestId('link-qr')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('link-qr-text')).toBeVisible();
    await checkScreen(page, 'link', testInfo);
  });

  await test.step('Accounts, with the sending limits WhatsApp announced on the card', async () => {
    await env.sim.fault.messageCapping(phone.account, {
      capping_status: 'FIRST_WARNING',
      used_quota: 80,
      total_quota: 100,
    });
    await page.getByTestId('nav-accounts').click();
    await expect(page.getByTestId('account-card-default')).toHaveAttribute('data-state', 'open');
    await expect(page.getByTestId('account-send-limits')).toContainText('first warning · 80 of 100 used');
    await page.getByTestId('account-logout-default').click();
    await expect(page.getByTestId('account-logout-confirm-default')).toBeVisible();
    await checkScreen(page, 'accounts', testInfo);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  await test.step('Pairing, with a request waiting (Approve and Deny) and an approved sender', async () => {
    await page.getByTestId('nav-pairing').click();
    const row = page.locator('[data-testid^="pairing-request-"]');
    await expect(row.getByRole('button', { name: 'Approve' })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Deny' })).toBeVisible();
    await checkScreen(page, 'pairing', testInfo);
  });

  await test.step('Messages', async () => {
    await page.getByTestId('nav-messages').click();
    await expect(page.getByTestId('messages-filter')).toBeVisible();
    await checkScreen(page, 'messages', testInfo);
  });

  await test.step('Outbox, with the pairing code and the confirmation sent', async () => {
    await page.getByTestId('nav-outbox').click();
    await expect(page.locator('[data-testid="outbox-row"][data-state="sent"]')).toHaveCount(3);
    await checkScreen(page, 'outbox', testInfo);
  });

  await test.step('Settings: access settings and the raw editor', async () => {
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('access-dmPolicy')).toHaveValue('pairing');
    await expect(page.getByTestId('config-editor')).toHaveValue(/test config/);
    // Unsaved changes in both editors, so Save and Revert are live.
    await page.getByTestId('access-sendReadReceipts').selectOption('false');
    await page.getByTestId('config-editor').press('End');
    await page.getByTestId('config-editor').pressSequentially(' ');
    await expect(page.getByTestId('config-save')).toBeEnabled();
    await checkScreen(page, 'settings', testInfo);
  });

  await test.step('Logs', async () => {
    await page.getByTestId('nav-logs').click();
    await expect(page.getByTestId('log-list')).toBeVisible();
    await checkScreen(page, 'logs', testInfo);
  });
});
