// /config's answers against a real ConfigService on a temporary openclaw.json (the end-to-end cases over WhatsApp
// are in test/chat-commands-config.test.ts).
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveAccount } from '../config/account';
import { ConfigService } from '../config/service';
import { configCommand, MAX_SHOW_CHARS } from './config-command';

let root: string;
let service: ConfigService | undefined;

beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'oc-chat-config-'));
});
afterEach(async () => {
  service?.close();
  service = undefined;
  await fsp.rm(root, { recursive: true, force: true });
});

async function run(args: string, owner = true) {
  const file = path.join(root, 'openclaw.json');
  if (!service) {
    await fsp.writeFile(
      file,
      `{
  commands: { config: true },
  // the model's key lives here
  models: { providers: { p: { api: 'openai-completions', baseUrl: 'http://127.0.0.1:9', apiKey: 'sk-old-secret-1', models: [] } } },
}
`,
    );
    service = await ConfigService.open({ configPath: file, stateDir: root, log: pino({ level: 'silent' }) });
  }
  const cfg = service.config;
  return configCommand(args, { cfg, acct: resolveAccount(cfg, 'default', root), owner, editor: service });
}

describe('/config answers', () => {
  it('never echoes a secret: not in show, not after set, not in a refusal of a bad secret value', async () => {
    expect((await run('get models.providers.p.apiKey')).reply).not.toContain('sk-old-secret-1');
    expect((await run('set models.providers.p.apiKey=sk-new-secret-2')).reply).toBe(
      'models.providers.p.apiKey: set (hidden).',
    );
    expect(service!.raw()).toContain('sk-new-secret-2');
    expect(service!.raw()).toContain("// the model's key lives here");
    const refused = await run('set models.providers.p.apiKey=[4242424242]');
    expect(refused.reply).toMatch(
      /^Not changed \(models\.providers\.p\.apiKey\): models\.providers\.p\.apiKey/,
    );
    expect(refused.reply).not.toContain('4242424242');
    expect(refused.reply).not.toContain('sk-new-secret-2');
    const shown = (await run('show')).reply!;
    expect(shown).not.toContain('sk-new-secret-2');
  });

  it('cuts a big section to a WhatsApp-sized answer with a note, and says when a key is not set', async () => {
    const big = Object.fromEntries(
      Array.from({ length: 80 }, (_, i) => [`+1555000${String(i).padStart(4, '0')}`, {}]),
    );
    expect((await run(`set channels.whatsapp.dms=${JSON.stringify(big)}`)).reason).toBe('/config set');
    const shown = (await run('show channels.whatsapp')).reply!;
    expect(shown.length).toBeLessThan(MAX_SHOW_CHARS + 200);
    expect(shown).toMatch(
      /… \(cut: \d+ more characters; ask for a part, e\.g\. \/config show channels\.whatsapp\.<key>\)$/,
    );
    expect((await run('get messages.responsePrefix')).reply).toBe('messages.responsePrefix is not set.');
    expect((await run('get channels..x')).reply).toMatch(/^Not changed \(channels\.\.x\): invalid key path/);
  });

  it('unset says what was removed and what applies now; a non-owner gets no answer at all', async () => {
    expect((await run('set channels.whatsapp.debounceMs=500')).reply).toBe(
      'channels.whatsapp.debounceMs: 0 → 500',
    );
    expect((await run('unset channels.whatsapp.debounceMs')).reply).toBe(
      'channels.whatsapp.debounceMs: 500 → removed (the default applies: 0)',
    );
    expect((await run('unset channels.whatsapp.debounceMs')).reply).toBe(
      'channels.whatsapp.debounceMs is not set in the file (it has its default: 0).',
    );
    expect((await run('unset models.providers.p.apiKey')).reply).toBe('models.providers.p.apiKey: removed.');
    const before = service!.raw();
    expect(await run('set channels.whatsapp.dmPolicy=open', false)).toEqual({
      reply: null,
      reason: '/config is for the owner only',
    });
    expect(service!.raw()).toBe(before);
  });
});
