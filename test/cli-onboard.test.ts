// `openclaw onboard` as a new user runs it: the CLI in its own process (with flags, and typed into a real pty by
// `script`), a real gateway process on a fresh state folder wired to the WhatsApp simulator and the model
// simulator, a simulated phone scanning the QR it prints, and then the first message answered on WhatsApp.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startModelSim, type ModelSim } from '../e2e/model-sim/index';
import { startSim, type Sim } from '../e2e/wa-sim/index';
import { CLI_ARGS, runCli, spawnGateway, type GatewayProcess } from './support/cli';
import { makeTestEnv, waitFor, type TestEnv } from './support/env';
import { openRaw } from './support/ws-client';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = CLI_ARGS;

let sim: Sim;
let model: ModelSim;
const started: Array<{ t: TestEnv; gw: GatewayProcess }> = [];

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  sim = await startSim({ seed: 'cli-onboard' });
  model = await startModelSim();
  // Every request the tests do not script (the Test button's tiny request) gets a short answer.
  model.respond(() => ({ text: 'OK' }));
});

afterAll(async () => {
  for (const { t, gw } of started) {
    if (gw.child.exitCode === null) await gw.interrupt();
    await t.cleanup();
  }
  await model?.close();
  await sim?.close();
});

/** A gateway on a fresh state folder (no model, nothing linked), as on first run. */
async function freshGateway(): Promise<{ t: TestEnv; gw: GatewayProcess }> {
  const t = await makeTestEnv();
  t.env.OPENCLAW_WA_SIMULATOR = sim.url;
  t.env.NODE_EXTRA_CA_CERTS = sim.mediaHost.caFile;
  delete t.env.CI;
  const gw = await spawnGateway(t.env);
  const g = { t, gw };
  started.push(g);
  return g;
}

/** Scans each QR the gateway shows for this account with `phone` (the simulated phone's camera). */
async function scanWhenShown(t: TestEnv, phoneNumber: string): Promise<() => void> {
  const token = (await readFile(`${t.stateDir}/gateway.token`, 'utf8')).trim();
  const watcher = await openRaw(t.port);
  await watcher.request('connect', { token });
  await watcher.request('events.subscribe', { events: ['channels.qr'] });
  void watcher.nextEvent('channels.qr').then((qr) => sim.phone(phoneNumber).scan((qr as { qr: string }).qr));
  return () => watcher.close();
}

function run(args: string[], env: NodeJS.ProcessEnv, pty = false) {
  const child = pty
    ? // `script` gives the CLI a real terminal (stdin and stdout are a pty), as a person's shell does.
      spawn('script', ['-qfec', [process.execPath, ...CLI, ...args].map(quote).join(' '), '/dev/null'], {
        cwd: ROOT,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, output: () => out };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const textOf = (m: {
  message: { conversation?: string | null; extendedTextMessage?: { text?: string | null } | null };
}) => m.message.conversation ?? m.message.extendedTextMessage?.text ?? '';

describe('openclaw onboard, unattended', () => {
  it('fails at once naming the missing flag when there is no terminal, and says how to start a gateway', async () => {
    const t = await makeTestEnv();
    try {
      const noMode = await runCli(['onboard', '--owner', '+15551234567'], t.env);
      expect(noMode.code).toBe(1);
      expect(noMode.stderr).toContain('--mode is required when there is no terminal to ask in');
      const badOwner = await runCli(['onboard', '--mode', 'dedicated', '--owner', '555 0100'], t.env);
      expect(badOwner.stderr).toContain('--owner: "555 0100" has no country code');
      const noGateway = await runCli(
        ['onboard', '--mode', 'personal', '--owner', '+15551234567', '--skip-model'],
        t.env,
      );
      expect(noGateway.code).toBe(1);
      expect(noGateway.stderr.trim()).toMatch(
        /^No gateway is running on 127\.0\.0\.1:\d+\. Start one with `openclaw gateway run`/,
      );
    } finally {
      await t.cleanup();
    }
  });

  it('dedicated: writes the plan, tests the model, links by QR, and a contact gets the first answer', async () => {
    const { t } = await freshGateway();
    const owner = sim.contact('+15550301001', { name: 'Owner' });
    const stop = await scanWhenShown(t, '+15550300001');
    const cli = run(
      [
        'onboard',
        '--mode=dedicated',
        '--owner=+1 (555) 030-1001',
        '--dm-policy=allowlist',
        '--provider-preset=custom',
        '--provider=sim',
        `--base-url=${model.openaiBaseUrl}`,
        '--model=sim-model',
        '--api-key=sk-onboard-0123456789',
        '--timeout=60',
      ],
      t.env,
    );
    expect(await cli.exited).toBe(0);
    stop();
    const out = cli.output();
    expect(out).toContain('Model test passed');
    expect(out).toMatch(/[▀▄█]/);
    expect(out).toContain('Linked: account "default" is connected as +15550300001.');
    expect(out).toContain(
      'Done. Message the assistant from your phone (+15550301001): it answers in that chat.',
    );
    expect(out).not.toContain('sk-onboard-0123456789');
    // The Test request carried the key typed; it was stored write-only, not in the config file.
    expect(model.requests.some((r) => JSON.stringify(r.headers).includes('sk-onboard-0123456789'))).toBe(
      true,
    );
    const file = await readFile(t.configPath, 'utf8');
    expect(file).toContain('// test config');
    expect(file).not.toContain('sk-onboard');
    const config = JSON.parse((await runCli(['config', 'get', 'channels.whatsapp', '--json'], t.env)).stdout);
    expect(config).toMatchObject({ dmPolicy: 'allowlist', allowFrom: ['+15550301001'], selfChatMode: false });

    model.script({ text: 'Hello, I am your assistant.' });
    await owner.send(sim.phone('+15550300001'), 'hi there');
    expect(textOf(await owner.nextMessage((m) => textOf(m).includes('assistant')))).toBe(
      'Hello, I am your assistant.',
    );
    // A second run that would change what the first wrote asks first; unattended, it writes nothing.
    const before = await readFile(t.configPath, 'utf8');
    const again = await runCli(
      [
        'onboard',
        '--mode',
        'dedicated',
        '--owner',
        '+15550301001',
        '--dm-policy',
        'open',
        '--skip-model',
        '--no-link',
      ],
      t.env,
    );
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('It replaces values already in the config:');
    expect(again.stdout).toContain('channels.whatsapp.dmPolicy: "allowlist" → "open"');
    expect(again.stderr).toContain('Run again with --yes to replace them.');
    expect(await readFile(t.configPath, 'utf8')).toBe(before);
  });

  it('personal: self-chat on, the owner links their own phone and the answer arrives in "Message yourself"', async () => {
    const { t } = await freshGateway();
    const stop = await scanWhenShown(t, '+15550300002');
    const r = await runCli(
      [
        'onboard',
        '--mode',
        'personal',
        '--owner',
        '0015550300002',
        '--provider-preset',
        'custom',
        '--provider',
        'sim',
        '--base-url',
        model.openaiBaseUrl,
        '--model',
        'sim-model',
        '--timeout',
        '60',
      ],
      t.env,
      60_000,
    );
    stop();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Self-chat mode on');
    expect(r.stdout).toContain('Done. Send yourself a message on WhatsApp');
    const wa = JSON.parse((await runCli(['config', 'get', 'channels.whatsapp', '--json'], t.env)).stdout);
    expect(wa).toMatchObject({ selfChatMode: true, dmPolicy: 'allowlist', allowFrom: ['+15550300002'] });

    const phone = sim.phone('+15550300002');
    model.script({ text: 'Noted, boss.' });
    await phone.send(phone, 'remind me to stretch');
    const answer = await phone.nextMessage((m) => textOf(m).includes('Noted, boss.'));
    expect(textOf(answer)).toMatch(/Noted, boss\.$/);
  });
});

describe('openclaw onboard, in a terminal', () => {
  it('asks each question in a pty, refuses a bad number and asks again, then links and answers', async () => {
    const { t } = await freshGateway();
    const stop = await scanWhenShown(t, '+15550300003');
    const cli = run(['onboard', '--timeout', '60'], t.env, true);
    let cursor = 0;
    const answer = async (prompt: string, text: string) => {
      await waitFor(() => cli.output().slice(cursor).includes(prompt), `the prompt "${prompt}"`, 30_000);
      cursor = cli.output().length;
      cli.child.stdin!.write(`${text}\r`);
    };
    await answer('Choose 1-2', '1');
    await answer('enter the phone you will message from', '555 0100');
    await answer('has no country code', '+1 555 030 1003');
    await answer('Who else may message', ''); // pairing, the default
    await answer('Which model provider?', '6'); // Custom (OpenAI-compatible)
    await answer('API (openai-completions or anthropic-messages):', '');
    await answer('Base URL:', model.openaiBaseUrl);
    await answer('Model id', 'sim-model');
    await answer('API key for custom', 'sk-typed-secret-42');
    expect(await cli.exited).toBe(0);
    stop();
    const out = cli.output();
    // Typed without echo: the key never shows on the terminal.
    expect(out).not.toContain('sk-typed-secret-42');
    expect(out).toContain('Model test passed');
    expect(out).toContain('Allowed senders: add +15550301003.');
    expect(out).toContain('Done. Message the assistant from your phone (+15550301003)');
    const wa = JSON.parse((await runCli(['config', 'get', 'channels.whatsapp', '--json'], t.env)).stdout);
    expect(wa).toMatchObject({ dmPolicy: 'pairing', allowFrom: ['+15550301003'], selfChatMode: false });

    const me = sim.contact('+15550301003', { name: 'Me' });
    model.script({ text: 'Set up and answering.' });
    await me.send(sim.phone('+15550300003'), 'are you there?');
    expect(textOf(await me.nextMessage((m) => textOf(m).includes('answering')))).toBe(
      'Set up and answering.',
    );
  });
});
