import { expect, it } from 'vitest';
import { DEVICE_CACHE_TTL_MS, deviceCache } from './device-cache';

it('answers for 5 minutes from each set, forgets on del and flushAll', () => {
  let now = 0;
  const cache = deviceCache(() => now);
  const devices = [{ user: '1555', device: 0 }];
  cache.set('1555', devices);
  expect(cache.get('1555')).toBe(devices);
  now = DEVICE_CACHE_TTL_MS - 1;
  expect(cache.get('1555')).toBe(devices);
  now = DEVICE_CACHE_TTL_MS;
  expect(cache.get('1555')).toBeUndefined();
  cache.set('a', 1);
  cache.set('b', 2);
  cache.del('a');
  expect([cache.get('a'), cache.get('b')]).toEqual([undefined, 2]);
  cache.flushAll();
  expect(cache.get('b')).toBeUndefined();
});

it('keeps at most 5,000 users, dropping the one set longest ago', () => {
  const cache = deviceCache(() => 0);
  for (let i = 0; i <= 5000; i++) cache.set(`u${i}`, i);
  expect(cache.get('u0')).toBeUndefined();
  expect(cache.get('u1')).toBe(1);
  expect(cache.get('u5000')).toBe(5000);
});
