import { describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../config/schema';
import { validateConfigText } from '../../config/validate';
import { applyPrefix, renderForAccount, renderReply, responsePrefix } from './index';

function cfg(raw: string): OpenClawConfig {
  const r = validateConfigText(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

describe('responsePrefix', () => {
  it('is empty by default outside self-chat and [openclaw] in self-chat', () => {
    expect(responsePrefix(cfg('{}'), 'default', { selfChat: false })).toBe('');
    expect(responsePrefix(cfg('{}'), 'default', { selfChat: true })).toBe('[openclaw]');
  });

  it('uses the identity name in self-chat when one is set', () => {
    expect(responsePrefix(cfg(`{ identity: { name: ' Clawd ' } }`), 'default', { selfChat: true })).toBe(
      '[Clawd]',
    );
  });

  it('takes the account value, else the channel one, else messages.responsePrefix', () => {
    const c = cfg(`{
      messages: { responsePrefix: 'M' },
      channels: { whatsapp: { responsePrefix: 'C', accounts: { work: { responsePrefix: 'W' }, home: {} } } },
    }`);
    expect(responsePrefix(c, 'work', { selfChat: false })).toBe('W');
    expect(responsePrefix(c, 'home', { selfChat: false })).toBe('C');
    expect(responsePrefix(cfg(`{ messages: { responsePrefix: 'M' } }`), 'default', { selfChat: false })).toBe(
      'M',
    );
  });

  it('is switched off everywhere by an explicit empty string', () => {
    const c = cfg(`{ identity: { name: 'Clawd' }, channels: { whatsapp: { responsePrefix: '' } } }`);
    expect(responsePrefix(c, 'default', { selfChat: true })).toBe('');
  });
});

describe('applyPrefix', () => {
  it('adds the prefix once, with a space', () => {
    expect(applyPrefix('hi', '[bot]')).toBe('[bot] hi');
    expect(applyPrefix('[bot] hi', '[bot]')).toBe('[bot] hi');
    expect(applyPrefix('hi', '')).toBe('hi');
  });
});

describe('renderReply', () => {
  it('formats, prefixes the first message only, and chunks within the limit', () => {
    const text = `# Plan\n\n**Step** one\n\n${'more words '.repeat(30).trim()}`;
    const out = renderReply(text, { limit: 120, mode: 'newline', prefix: '[openclaw]' });
    expect(out[0]).toBe('[openclaw] *Plan*\n\n*Step* one');
    expect(out.slice(1).some((m) => m.startsWith('[openclaw]'))).toBe(false);
    for (const m of out) expect(m.length).toBeLessThanOrEqual(120);
  });

  it('measures the limit on the converted text, not the Markdown', () => {
    // 23 characters of Markdown, 19 once converted: one message at a limit of 19.
    expect(renderReply('**abcdefgh** **abcdef**', { limit: 19, mode: 'length', prefix: '' })).toEqual([
      '*abcdefgh* *abcdef*',
    ]);
  });

  it('splits 9,000 characters into 3 messages at the default limit', () => {
    const text = 'lorem ipsum '.repeat(750).trim(); // 8999 characters
    const out = renderReply(text, { limit: 4000, mode: 'length', prefix: '' });
    expect(out).toHaveLength(3);
    expect(out.join(' ')).toBe(text);
  });

  it('sends nothing for a reply that is empty after conversion', () => {
    expect(renderReply('\n---\n\n', { limit: 4000, mode: 'length', prefix: '[openclaw]' })).toEqual([]);
  });
});

describe('renderForAccount', () => {
  it("uses the account's chunk limit, chunk mode and prefix", () => {
    const c = cfg(`{
      channels: { whatsapp: { textChunkLimit: 30, accounts: { work: { chunkMode: 'newline', responsePrefix: '>' } } } },
    }`);
    const text = `${'a'.repeat(12)}\n\n${'b'.repeat(12)}\n\n${'c'.repeat(12)}`;
    expect(renderForAccount(text, c, 'work', { selfChat: false })).toEqual([
      `> ${'a'.repeat(12)}\n\n${'b'.repeat(12)}`,
      'c'.repeat(12),
    ]);
    expect(renderForAccount('**hi**', c, 'default', { selfChat: true })).toEqual(['[openclaw] *hi*']);
    expect(renderForAccount('x'.repeat(31), c, 'default', { selfChat: false })).toHaveLength(2);
  });
});
