import { describe, expect, it } from 'vitest';
import {
  appLicenceLine,
  copyleftPackages,
  filterPackages,
  licenceSummary,
  parseNotices,
  type Notices,
} from './about-model';

const notices: Notices = {
  app: { name: 'OpenClaw', version: '0.1.0', license: 'MIT' },
  packages: [
    { name: '@img/sharp-libvips-linux-x64', version: '1.3.5', license: 'LGPL-3.0-or-later', texts: [] },
    {
      name: 'libsignal',
      version: '6.0.0',
      license: 'GPL-3.0',
      texts: [{ file: 'LICENSE', text: 'GNU GPL' }],
    },
    { name: 'ws', version: '8.23.0', license: 'MIT', texts: [] },
    { name: 'zod', version: '4.6.7', license: 'MIT', texts: [] },
  ],
};

describe('About model', () => {
  it('reads the notices file the build writes', () => {
    const result = parseNotices(200, JSON.stringify({ ...notices, generatedAt: '2026-12-05T00:00:00Z' }));
    expect(result).toEqual({ ok: true, notices });
  });

  it('explains a missing or foreign file instead of showing nothing', () => {
    const notBuilt = parseNotices(404, '');
    expect(!notBuilt.ok && notBuilt.error).toMatch(/npm run build/);
    // A dev server answers any path with index.html.
    const html = parseNotices(200, '<!doctype html>');
    expect(!html.ok && html.error).toMatch(/npm run build/);
    const wrong = parseNotices(200, JSON.stringify({ app: notices.app, packages: [{ name: 'x' }] }));
    expect(!wrong.ok && wrong.error).toMatch(
      /^THIRD_PARTY_NOTICES\.json is not in the expected form \(packages\.0\.version/,
    );
    const failed = parseNotices(500, '');
    expect(!failed.ok && failed.error).toBe('The notices could not be loaded (HTTP 500).');
  });

  it('names the copyleft packages and what they mean for the app', () => {
    expect(copyleftPackages(notices.packages).map((p) => p.name)).toEqual([
      '@img/sharp-libvips-linux-x64',
      'libsignal',
    ]);
    expect(appLicenceLine(notices)).toBe(
      'Source code: MIT. The app as distributed includes GPL-3.0 software (libsignal) and is conveyed under the GPL-3.0.',
    );
    expect(appLicenceLine({ ...notices, packages: notices.packages.slice(2) })).toBe('Source code: MIT.');
  });

  it('summarises licences and filters by name or licence', () => {
    expect(licenceSummary(notices.packages)).toBe('MIT 2 · GPL-3.0 1 · LGPL-3.0-or-later 1');
    expect(filterPackages(notices.packages, ' SIGNAL ').map((p) => p.name)).toEqual(['libsignal']);
    expect(filterPackages(notices.packages, 'lgpl').map((p) => p.name)).toEqual([
      '@img/sharp-libvips-linux-x64',
    ]);
    expect(filterPackages(notices.packages, '')).toHaveLength(4);
  });
});
