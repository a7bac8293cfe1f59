// A clock for live figures (countdowns, uptimes): re-renders its component every `everyMs` while active.
import { useEffect, useState } from 'react';

export function useNow(active = true, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    // The clock was frozen while inactive: catch up at once, or the first countdown shows a stale figure.
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return now;
}
