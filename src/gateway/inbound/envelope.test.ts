import { describe, expect, it } from 'vitest';
import { formatEnvelope, formatTimestamp, sanitizeHeaderPart, senderSuffix } from './envelope';

// Tue 2026-01-13 07:45 in Los Angeles (PST, UTC−8).
const at = Date.UTC(2026, 0, 13, 15, 45);
const la = { timeZone: 'America/Los_Angeles' };

describe('envelope', () => {
  it('formats a direct message with local time', () => {
    expect(formatEnvelope({ from: '+15551234567', timestamp: at, body: 'hello', time: la })).toBe(
      '[WhatsApp +15551234567 Tue 2026-01-13 07:45 PST] hello',
    );
  });

  it('names a group sender once, in the spec tag `[from: …]` after the body, and UTC when asked', () => {
    const text = formatEnvelope({
      from: '120363041234567890@g.us',
      timestamp: at,
      body: 'hi all',
      sender: { name: 'Alice', e164: '+15551234567' },
      time: { utc: true },
    });
    expect(text).toBe(
      '[WhatsApp 120363041234567890@g.us 2026-01-13T15:45Z] hi all [from: Alice (+15551234567)]',
    );
    expect(text.match(/Alice/g)).toHaveLength(1);
  });

  it('puts the sender tag on the message line, before a quoted reply', () => {
    const text = formatEnvelope({
      from: '120363041234567890@g.us',
      timestamp: at,
      body: 'yes',
      sender: { name: 'Alice' },
      quoted: { id: 'ABC', body: 'lunch?', sender: { name: 'Bob' } },
      time: { utc: true },
    });
    expect(text).toBe(
      '[WhatsApp 120363041234567890@g.us 2026-01-13T15:45Z] yes [from: Alice]\n\n[Replying to Bob id:ABC]\nlunch?\n[/Replying]',
    );
  });

  it('always appends the quoted reply', () => {
    const text = formatEnvelope({
      from: '+15551234567',
      timestamp: at,
      body: 'yes!',
      time: la,
      quoted: { id: 'ABC123', body: 'dinner at 8?', sender: { name: 'Bob', e164: '+15557654321' } },
    });
    expect(text).toBe(
      '[WhatsApp +15551234567 Tue 2026-01-13 07:45 PST] yes!\n\n[Replying to Bob (+15557654321) id:ABC123]\ndinner at 8?\n[/Replying]',
    );
  });

  it('keeps header parts on one line and free of brackets; bodies stay as written', () => {
    expect(sanitizeHeaderPart(' a\n[b]\r\nc ')).toBe('a (b) c');
    const text = formatEnvelope({
      from: '+15551234567',
      timestamp: at,
      body: 'line 1\n[x] שלום 👋',
      sender: { name: 'Eve]\n[evil' },
      time: la,
    });
    expect(text.split('\n')[0]).toBe('[WhatsApp +15551234567 Tue 2026-01-13 07:45 PST] line 1');
    expect(text.endsWith(' [from: Eve) (evil]')).toBe(true);
    expect(text).toContain('[x] שלום 👋');
  });

  it.each([
    [{ name: 'Alice', e164: '+15551234567' }, ' [from: Alice (+15551234567)]'],
    [{ e164: '+15551234567' }, ' [from: +15551234567]'],
    [{ name: 'Alice' }, ' [from: Alice]'],
    [{ name: '', e164: '+15551234567' }, ' [from: +15551234567]'],
    [{}, ''],
    [{ name: '   ' }, ''],
  ])('sender tag of %j is %j', (sender, expected) => {
    expect(senderSuffix(sender)).toBe(expected);
  });

  it('keeps a hostile name from closing the sender tag or adding lines', () => {
    expect(senderSuffix({ name: 'Eve]\n[Current message', e164: '+15550000000' })).toBe(
      ' [from: Eve) (Current message (+15550000000)]',
    );
  });

  it('uses summer time names in summer', () => {
    expect(formatTimestamp(Date.UTC(2026, 6, 1, 12, 0), la)).toBe('Wed 2026-07-01 05:00 PDT');
  });
});
