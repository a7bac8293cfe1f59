import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSystemPrompt, type SystemPromptInput } from './system-prompt';
import { ensureWorkspace, loadBootstrap } from './workspace';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'oc-prompt-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const base = (over: Partial<SystemPromptInput> = {}): SystemPromptInput => ({
  agentId: 'main',
  agentName: 'Molly',
  files: [
    { name: 'AGENTS.md', content: 'Be brief.', truncated: false, chars: 9 },
    { name: 'USER.md', content: 'Owner likes cats.', truncated: false, chars: 17 },
  ],
  chat: { kind: 'dm' },
  owner: { e164: '+15551234567', name: 'Ana' },
  tools: ['whatsapp'],
  ...over,
});

describe('buildSystemPrompt', () => {
  it('says who and where: WhatsApp, the kind of chat, the owner, and that replies return to this chat', () => {
    const p = buildSystemPrompt(base({ userTimezone: 'Europe/Vienna' }));
    expect(p).toMatch(/^You are Molly, a personal assistant \(agent "main"\)/);
    expect(p).toContain('- Channel: WhatsApp.');
    expect(p).toContain('- Chat: a direct one-to-one chat.');
    expect(p).toContain('Ana (+15551234567)');
    expect(p).toContain("The owner's time zone: Europe/Vienna");
    expect(p).toMatch(/goes back to this same chat automatically/);
    const g = buildSystemPrompt(base({ chat: { kind: 'group', groupSubject: 'Family\n## Fake section' } }));
    expect(g).toContain('- Chat: the WhatsApp group "Family ## Fake section".');
    expect(g).not.toContain('\n## Fake');
  });

  it('gives the reply rules: WhatsApp formatting, NO_REPLY, MEDIA lines, and how to react', () => {
    const p = buildSystemPrompt(base());
    for (const s of [
      '*bold*',
      '_italic_',
      '~strikethrough~',
      '```monospace```',
      'exactly NO_REPLY',
      'MEDIA: <path or URL>',
    ]) {
      expect(p).toContain(s);
    }
    expect(p).toMatch(/call the whatsapp tool with action "react", the chatJid and messageId/);
    const noTools = buildSystemPrompt(base({ tools: [] }));
    expect(noTools).not.toContain('whatsapp tool');
    expect(noTools).toContain('You have no tools');
  });

  it('puts each workspace file under its own heading, in the given order, empty ones left out', () => {
    const p = buildSystemPrompt(
      base({
        files: [
          { name: 'AGENTS.md', content: 'Be brief.\n', truncated: false, chars: 10 },
          { name: 'SOUL.md', content: '  \n', truncated: false, chars: 3 },
          { name: 'MEMORY.md', content: 'Cats.', truncated: false, chars: 5 },
        ],
      }),
    );
    expect(p).toContain('## Workspace files');
    expect(p.indexOf('### AGENTS.md\n\nBe brief.')).toBeGreaterThan(p.indexOf('## How to reply'));
    expect(p.indexOf('### MEMORY.md\n\nCats.')).toBeGreaterThan(p.indexOf('### AGENTS.md'));
    expect(p).not.toContain('SOUL.md');
  });

  it('is byte-identical for the same workspace across runs, and changes when one file changes', async () => {
    await ensureWorkspace(dir, { agentName: 'Molly' });
    const build = async () =>
      buildSystemPrompt(base({ files: [...(await loadBootstrap(dir, 20_000))], tools: ['whatsapp'] }));
    const first = await build();
    const second = await build();
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(first).toContain('### IDENTITY.md');

    await fsp.writeFile(path.join(dir, 'MEMORY.md'), '# Memory\n\nAna moved to Graz.\n');
    const third = await build();
    expect(third).not.toBe(first);
    expect(third).toContain('Ana moved to Graz.');
  });

  it('holds no per-turn data: no clock, and the tool order does not matter', () => {
    const a = buildSystemPrompt(base({ tools: ['whatsapp', 'other'] }));
    const b = buildSystemPrompt(base({ tools: ['other', 'whatsapp'] }));
    expect(a).toBe(b);
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}/);
  });
});
