// Whether a heartbeat may run now: activeHours {start, end} as wall-clock times in a time zone. An end before the
// start wraps past midnight (22:00–06:00); "24:00" as the end means midnight at the end of the day.

export interface ActiveHours {
  start: string;
  end: string;
  /** An IANA zone, or undefined / "local" for the gateway's own. */
  timezone?: string;
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** Minutes since local midnight of `at` in `timezone`. */
export function minuteOfDay(at: number, timezone?: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timezone && timezone !== 'local' ? { timeZone: timezone } : {}),
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

export function isWithinActiveHours(hours: ActiveHours | undefined, at: number): boolean {
  if (!hours) return true;
  const start = minutes(hours.start);
  const end = minutes(hours.end);
  const now = minuteOfDay(at, hours.timezone);
  return start < end ? now >= start && now < end : now >= start || now < end;
}
