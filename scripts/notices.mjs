// Third-party notices for what the app ships: every production package in package-lock.json that is installed here
// (optional packages for other platforms, such as another OS's libvips, are not in this build and not listed), with
// its version, its licence and the text of its licence files. Run after `electron-vite build` (npm run build); writes
// out/renderer/THIRD_PARTY_NOTICES.json, which the About screen reads (served by the app:// handler in the desktop
// app and by the gateway's HTTP server in a browser), and THIRD_PARTY_NOTICES.txt beside it for people.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Licence file names, case-insensitive: LICENSE, LICENCE.md, COPYING, NOTICE.txt, LICENSE-MIT… */
const LICENCE_FILE = /^(licen[cs]e|copying|notice)([.-][\w.-]*)?$/i;
/** A licence text past this is cut with a note: some packages put a whole bundle's notices in one file. */
const MAX_TEXT = 64 * 1024;

/** `license` as a string: SPDX expression, the legacy `licenses` array joined with OR, or UNKNOWN. */
export function licenceOf(pkg) {
  if (typeof pkg.license === 'string' && pkg.license.trim()) return pkg.license.trim();
  if (pkg.license && typeof pkg.license.type === 'string') return pkg.license.type;
  if (Array.isArray(pkg.licenses)) {
    const types = pkg.licenses.map((l) => (typeof l === 'string' ? l : l?.type)).filter(Boolean);
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`;
  }
  return 'UNKNOWN';
}

function licenceTexts(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => LICENCE_FILE.test(name))
    .sort()
    .flatMap((name) => {
      const file = join(dir, name);
      if (!statSync(file).isFile()) return [];
      let text = readFileSync(file, 'utf8');
      if (text.length > MAX_TEXT)
        text = `${text.slice(0, MAX_TEXT)}\n[… cut at ${MAX_TEXT} characters; see ${name}]`;
      return [{ file: name, text }];
    });
}

/**
 * The notices for the project at `root`: the app itself, then every installed production package, sorted by name.
 * Throws when package-lock.json is missing or is not lockfileVersion 2/3 (the `packages` map is needed).
 */
export function collectNotices(root) {
  const lockFile = join(root, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  if (!lock.packages || typeof lock.packages !== 'object') {
    throw new Error(
      `${lockFile}: no "packages" map (lockfileVersion ${lock.lockfileVersion}); run npm install with npm 7+`,
    );
  }
  const app = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const seen = new Map();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.link || !path.includes('node_modules/')) continue;
    const dir = join(root, path);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue; // an optional package for another platform
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    const name = pkg.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const key = `${name}@${pkg.version}`;
    if (seen.has(key)) continue; // the same version nested in two places
    seen.set(key, {
      name,
      version: pkg.version ?? '',
      license: licenceOf(pkg),
      ...(typeof pkg.homepage === 'string' ? { homepage: pkg.homepage } : {}),
      texts: licenceTexts(dir),
    });
  }
  const packages = [...seen.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
  return {
    app: { name: 'OpenClaw', package: app.name, version: app.version, license: licenceOf(app) },
    generatedAt: new Date().toISOString(),
    packages,
  };
}

export function noticesText(notices) {
  const lines = [
    `Third-party software in ${notices.app.name} ${notices.app.version}`,
    `${notices.packages.length} packages. ${notices.app.name} itself: ${notices.app.license} (see LICENSE and NOTICE).`,
    '',
  ];
  for (const p of notices.packages) {
    lines.push('='.repeat(78), `${p.name} ${p.version} — ${p.license}`);
    if (p.homepage) lines.push(p.homepage);
    for (const t of p.texts) lines.push('', `--- ${t.file} ---`, t.text.trimEnd());
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes both files into `outDir` (out/renderer); returns the notices. */
export function writeNotices(root, outDir) {
  const notices = collectNotices(root);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'THIRD_PARTY_NOTICES.json'), `${JSON.stringify(notices)}\n`);
  writeFileSync(join(outDir, 'THIRD_PARTY_NOTICES.txt'), noticesText(notices));
  return notices;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const notices = writeNotices(root, join(root, 'out', 'renderer'));
  process.stdout.write(
    `third-party notices: ${notices.packages.length} packages → out/renderer/THIRD_PARTY_NOTICES.{json,txt}\n`,
  );
}
