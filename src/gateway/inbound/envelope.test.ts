import { describe, expect, it } from 'vitest';
import { formatEnvelope, formatTimestamp, sanitizeHeaderPart } from './envelope';

// Tue 2026-01-13 07:45 in Los Angeles (PST, UTC−8).
const at = Date.UTC(2026, 0, 13, 15, 45);
const la = { timeZone: 'America/Los_Angeles' };

describe('envelope', () => {
  it('formats a direct message with local time', () => {
    expect(formatEnvelope({ from: '+15551234567', timestamp: at, body: 'hello', time: la })).toBe(
      '[WhatsApp +15551234567 Tue 2026-01-13 07:45 PST] hello',
    );
  });

  it('formats a group message with the sender before the body, and UTC when asked', () => {
    const text = formatEnvelope({
      from: '120363041234567890@g.us',
      timestamp: at,
      body: 'hi all',
      sender: { name: 'Alice', e164: '+15551234567' },
      time: { utc: true },
    });
    expect(text).toBe('[WhatsApp 120363041234567890@g.us 2026-01-13T15:45Z] Alice (+15551234567): hi all');
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
    expect(text.split('\n')[0]).toBe('[WhatsApp +15551234567 Tue 2026-01-13 07:45 PST] Eve) (evil: line 1');
    expect(text).toContain('[x] שלום 👋');
  });

  it('uses summer time names in summer', () => {
    expect(formatTimestamp(Date.UTC(2026, 6, 1, 12, 0), la)).toBe('Wed 2026-07-01 05:00 PDT');
  });
});
