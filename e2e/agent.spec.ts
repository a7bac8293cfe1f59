// The agent through the UI, end to end: the model is set in Settings → Model (a custom OpenAI-compatible server:
// the loopback model simulator, spoken to by the official SDK) and tested there; then a contact writes from a
// simulated phone, and the Conversations screen shows the contact's turn and the assistant's answer as they
// happen, while the contact's device decrypts the answer.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { AccountStatus } from '../src/shared/contract';
import { openRaw, type RawClient } from '../test/support/ws-client';
import { startModelSim, type ModelSim } from './model-sim/index';
import { snap, useSimGateway } from './sim-gateway';
import { textOf } from './wa-sim/index';

const NUMBER = '+15550008888';
const env = useSimGateway('agent-ui', `channels: { whatsapp: { dmPolicy: 'open', allowFrom: ['*'] } },`);
let model: ModelSim | undefined;

test.beforeAll(async () => {
  model = await startModelSim();
});
test.afterAll(async () => {
  await model?.close();
});

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

test('a model set and tested in Settings answers a contact, and Conversations shows the turns live', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const { sim, gw } = env;
  const llm = model!;
  const client = await control();
  try {
    const started = await call<{ qr: { qr: string } }>(client, 'channels.login.start', {});
    await sim.phone(NUMBER).scan(started.qr.qr);
    expect((await call<AccountStatus>(client, 'channels.login.wait', { timeoutMs: 15_000 })).state).toBe(
      'open',
    );
  } finally {
    client.close();
  }

  await page.goto(gw.link);
  // Nothing configured yet: the header says so on every screen.
  await expect(page.getByTestId('agent-notice')).toHaveText('No model configured — 0 messages waiting');

  await page.getByTestId('nav-settings').click();
  const form = page.getByTestId('model-settings');
  await form.getByTestId('model-preset').selectOption('custom');
  await form.getByTestId('model-provider').fill('sim');
  await form.getByTestId('model-base-url').fill(llm.openaiBaseUrl);
  await form.getByTestId('model-id').fill('sim-model');
  await form.getByTestId('model-test').click();
  const tested = form.getByTestId('model-test-result');
  await expect(tested).toHaveAttribute('data-ok', 'true');
  await expect(tested).toContainText(/It works: Answered in \d+ ms \(simulated model\)/);
  expect(llm.requests.at(-1)).toMatchObject({ format: 'openai', model: 'sim-model' });

  await form.getByTestId('model-save').click();
  await expect(form.getByTestId('model-saved')).toBeVisible();
  await expect(page.getByTestId('agent-notice')).toHaveCount(0);
  await snap(page, testInfo, 'model-settings');

  await page.getByTestId('nav-conversations').click();
  await expect(page.getByTestId('sessions-empty')).toBeVisible();

  const alice = sim.contact('+15550008001', { name: 'Alice' });
  llm.script({
    model: 'sim-model',
    text: 'Hello Alice, the assistant is here.',
    usage: { input: 300, output: 12 },
  });
  await alice.send(sim.phone(NUMBER), 'Hi, is anyone there?');
  const answer = await alice.nextMessage((m) => textOf(m).includes('Hello Alice'), 30_000);
  expect(textOf(answer)).toContain('Hello Alice, the assistant is here.');

  // The session appeared without a reload, named after the contact; opening it shows both turns.
  const session = page.getByTestId('session-row');
  await expect(session).toHaveCount(1);
  await expect(session).toContainText('+15550008001');
  await session.click();
  const turns = page.getByTestId('turn');
  await expect(page.locator('[data-testid="turn"][data-role="user"]')).toContainText('Hi, is anyone there?');
  const assistant = page.locator('[data-testid="turn"][data-role="assistant"]');
  await expect(assistant.getByTestId('turn-text')).toHaveText('Hello Alice, the assistant is here.');
  await expect(assistant.getByTestId('turn-meta')).toContainText('300 in / 12 out tokens');
  await expect(turns).toHaveCount(2);

  // With the conversation open, the next exchange arrives live from sessions.turn.
  llm.script({ model: 'sim-model', text: 'Still here.' });
  await alice.send(sim.phone(NUMBER), 'And now?');
  await expect(turns).toHaveCount(4);
  await expect(turns.nth(2)).toContainText('And now?');
  await expect(turns.nth(3).getByTestId('turn-text')).toHaveText('Still here.');
  await snap(page, testInfo, 'conversation');

  // Messages links each accepted message to what became of it and to its conversation.
  await page.getByTestId('nav-messages').click();
  const first = page.getByTestId('message-row').last();
  await expect(first.getByTestId('message-outcome')).toHaveAttribute('data-state', 'answered');
  await first.getByTestId('message-session').click();
  await expect(page.getByTestId('screen-conversations')).toBeVisible();
  await expect(page.getByTestId('transcript-title')).toContainText('+15550008001');
});
