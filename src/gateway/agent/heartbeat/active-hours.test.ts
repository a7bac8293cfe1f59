import { describe, expect, it } from 'vitest';
import { isWithinActiveHours, minuteOfDay } from './active-hours';

const utc = (hhmm: string) => Date.parse(`2026-03-10T${hhmm}:00Z`);

describe('isWithinActiveHours', () => {
  it('is always active without activeHours', () => {
    expect(isWithinActiveHours(undefined, utc('03:00'))).toBe(true);
  });

  it('a daytime window includes its start and excludes its end', () => {
    const h = { start: '08:00', end: '22:00', timezone: 'UTC' };
    expect(isWithinActiveHours(h, utc('07:59'))).toBe(false);
    expect(isWithinActiveHours(h, utc('08:00'))).toBe(true);
    expect(isWithinActiveHours(h, utc('21:59'))).toBe(true);
    expect(isWithinActiveHours(h, utc('22:00'))).toBe(false);
  });

  it('an end before the start wraps past midnight', () => {
    const h = { start: '22:00', end: '06:00', timezone: 'UTC' };
    expect(isWithinActiveHours(h, utc('23:30'))).toBe(true);
    expect(isWithinActiveHours(h, utc('00:00'))).toBe(true);
    expect(isWithinActiveHours(h, utc('05:59'))).toBe(true);
    expect(isWithinActiveHours(h, utc('06:00'))).toBe(false);
    expect(isWithinActiveHours(h, utc('12:00'))).toBe(false);
  });

  it('24:00 ends the window at midnight', () => {
    const h = { start: '18:00', end: '24:00', timezone: 'UTC' };
    expect(isWithinActiveHours(h, utc('23:59'))).toBe(true);
    expect(isWithinActiveHours(h, utc('00:00'))).toBe(false);
    expect(isWithinActiveHours(h, utc('17:59'))).toBe(false);
    expect(isWithinActiveHours({ start: '00:00', end: '24:00', timezone: 'UTC' }, utc('00:00'))).toBe(true);
  });

  it('reads the clock in the given time zone', () => {
    // 23:30 UTC is 08:30 the next morning in Tokyo (UTC+9, no daylight saving).
    expect(minuteOfDay(utc('23:30'), 'Asia/Tokyo')).toBe(8 * 60 + 30);
    const h = { start: '08:00', end: '09:00', timezone: 'Asia/Tokyo' };
    expect(isWithinActiveHours(h, utc('23:30'))).toBe(true);
    expect(isWithinActiveHours({ ...h, timezone: 'UTC' }, utc('23:30'))).toBe(false);
  });
});
