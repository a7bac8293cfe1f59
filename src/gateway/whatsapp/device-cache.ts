// Baileys' userDevicesCache for one account, kept across the account's sockets. Baileys makes a new one in memory
// for every socket, so after each dropped connection the first message to each contact asked WhatsApp for the
// contact's devices again and, for each device on a LID, for a fresh prekey bundle (session-refresh.ts): a round
// trip or two before the reply, and one of the contact's one-time prekeys used up. Entries live as long as in
// Baileys' own (5 minutes; its handling of device notifications keeps them current meanwhile); bounded.
import type { CacheStore } from '@whiskeysockets/baileys';

export const DEVICE_CACHE_TTL_MS = 5 * 60_000;
const MAX_USERS = 5000;

export function deviceCache(now: () => number = Date.now): CacheStore {
  // Map order is insertion order, and every set re-inserts: the first entry is the oldest.
  const entries = new Map<string, { at: number; value: unknown }>();
  return {
    get<T>(key: string): T | undefined {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (now() - hit.at < DEVICE_CACHE_TTL_MS) return hit.value as T;
      entries.delete(key);
      return undefined;
    },
    set<T>(key: string, value: T): void {
      entries.delete(key);
      entries.set(key, { at: now(), value });
      if (entries.size > MAX_USERS) entries.delete(entries.keys().next().value!);
    },
    del(key: string): void {
      entries.delete(key);
    },
    flushAll(): void {
      entries.clear();
    },
  };
}
