import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../shared/contract';
import {
  appendBounded,
  fieldsText,
  formatLogTime,
  matchesFilter,
  mergeTail,
  NO_FILTER,
  rowKey,
  subsystemsOf,
} from './logs-model';

const entry = (
  time: number,
  msg: string,
  subsystem = 'gateway',
  level: LogEntry['level'] = 'info',
): LogEntry => ({ time, level, subsystem, msg });

describe('logs model', () => {
  it('keeps only the newest lines', () => {
    const base = [entry(1, 'a'), entry(2, 'b')];
    expect(appendBounded(base, [entry(3, 'c')], 2).map((e) => e.msg)).toEqual(['b', 'c']);
    expect(appendBounded(base, [], 2)).toBe(base);
  });

  it('merges the tail with live lines that raced it, without doubles', () => {
    const tail = [entry(1, 'a'), entry(2, 'b')];
    const live = [entry(2, 'b'), entry(3, 'c')];
    expect(mergeTail(tail, live).map((e) => e.msg)).toEqual(['a', 'b', 'c']);
    expect(mergeTail([], live).map((e) => e.msg)).toEqual(['b', 'c']);
  });

  it('filters by minimum level, subsystem (with children) and text', () => {
    const inbound = entry(1, 'message from +1555', 'whatsapp/inbound', 'debug');
    const gateway = { ...entry(2, 'gateway started', 'gateway', 'warn'), fields: { port: 18789 } };
    expect(matchesFilter(inbound, NO_FILTER)).toBe(true);
    expect(matchesFilter(inbound, { ...NO_FILTER, minLevel: 'info' })).toBe(false);
    expect(matchesFilter(gateway, { ...NO_FILTER, minLevel: 'info' })).toBe(true);
    expect(matchesFilter(inbound, { ...NO_FILTER, subsystem: 'whatsapp' })).toBe(true);
    expect(matchesFilter(inbound, { ...NO_FILTER, subsystem: 'whatsapp/inbound' })).toBe(true);
    expect(matchesFilter(entry(1, 'x', 'whatsappish'), { ...NO_FILTER, subsystem: 'whatsapp' })).toBe(false);
    expect(matchesFilter(gateway, { ...NO_FILTER, subsystem: 'whatsapp' })).toBe(false);
    expect(matchesFilter(inbound, { ...NO_FILTER, text: '+1555' })).toBe(true);
    expect(matchesFilter(inbound, { ...NO_FILTER, text: 'INBOUND' })).toBe(true);
    expect(matchesFilter(gateway, { ...NO_FILTER, text: '18789' })).toBe(true);
    expect(matchesFilter(gateway, { ...NO_FILTER, text: 'nothing' })).toBe(false);
  });

  it('lists seen subsystems with their parents, sorted and unique', () => {
    const list = subsystemsOf(
      [entry(1, 'a', 'whatsapp/inbound'), entry(2, 'b', 'config'), entry(3, 'c', 'whatsapp/outbound')],
      ['gateway'],
    );
    expect(list).toEqual(['config', 'gateway', 'whatsapp', 'whatsapp/inbound', 'whatsapp/outbound']);
  });

  it('formats times and fields compactly', () => {
    const t = new Date(2025, 0, 2, 3, 4, 5, 6).getTime();
    expect(formatLogTime(t)).toBe('03:04:05.006');
    expect(fieldsText({ port: 1, who: 'me', nested: { a: 1 } })).toBe('port=1 who=me nested={"a":1}');
    expect(fieldsText({})).toBe('');
    expect(fieldsText({ long: 'x'.repeat(500) }, 20)).toHaveLength(20);
  });
});

describe('rowKey', () => {
  it('gives each entry object one stable key', () => {
    const a = entry(1, 'a');
    const b = entry(1, 'a');
    expect(rowKey(a)).toBe(rowKey(a));
    expect(rowKey(a)).not.toBe(rowKey(b));
  });
});
