import { describe, expect, it } from 'vitest';
import { hashFor, routeFromHash } from './routes';

describe('routes', () => {
  it('reads the screen from the hash and falls back to Link', () => {
    expect(routeFromHash('#/logs')).toBe('logs');
    expect(routeFromHash('#settings')).toBe('settings');
    expect(routeFromHash('#/settings/extra')).toBe('settings');
    expect(routeFromHash('')).toBe('link');
    expect(routeFromHash('#/nope')).toBe('link');
    expect(hashFor('pairing')).toBe('#/pairing');
  });
});
