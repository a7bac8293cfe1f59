import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandHome, resolveLogFile, resolvePaths } from './paths';

const home = '/home/ada';

describe('resolvePaths', () => {
  it('defaults to ~/.openclaw', () => {
    expect(resolvePaths({}, home)).toEqual({
      stateDir: '/home/ada/.openclaw',
      configPath: '/home/ada/.openclaw/openclaw.json',
    });
  });

  it('puts the config inside OPENCLAW_STATE_DIR', () => {
    expect(resolvePaths({ OPENCLAW_STATE_DIR: '~/oc' }, home)).toEqual({
      stateDir: '/home/ada/oc',
      configPath: '/home/ada/oc/openclaw.json',
    });
  });

  it('lets OPENCLAW_CONFIG_PATH move only the file', () => {
    expect(
      resolvePaths({ OPENCLAW_STATE_DIR: '/srv/oc', OPENCLAW_CONFIG_PATH: '~/cfg/oc.json5' }, home),
    ).toEqual({
      stateDir: '/srv/oc',
      configPath: '/home/ada/cfg/oc.json5',
    });
  });

  it('makes relative paths absolute and ignores empty variables', () => {
    const p = resolvePaths({ OPENCLAW_STATE_DIR: 'rel/state', OPENCLAW_CONFIG_PATH: '  ' }, home);
    expect(p.stateDir).toBe(path.resolve('rel/state'));
    expect(p.configPath).toBe(path.join(path.resolve('rel/state'), 'openclaw.json'));
  });
});

describe('expandHome / resolveLogFile', () => {
  it('expands only a leading ~', () => {
    expect(expandHome('~', home)).toBe(home);
    expect(expandHome('~/x', home)).toBe('/home/ada/x');
    expect(expandHome('/a/~/b', home)).toBe('/a/~/b');
    expect(expandHome('~bob/x', home)).toBe('~bob/x');
  });

  it('puts the local date into the log file name', () => {
    const d = new Date(2026, 0, 5, 23, 59);
    expect(resolveLogFile('/tmp/openclaw/openclaw-YYYY-MM-DD.log', d, home)).toBe(
      '/tmp/openclaw/openclaw-2026-01-05.log',
    );
    expect(resolveLogFile('~/logs/oc.log', d, home)).toBe('/home/ada/logs/oc.log');
  });
});
