// The About screen's data: the app's version and licence and the third-party notices that `npm run build` writes
// next to the UI (THIRD_PARTY_NOTICES.json; scripts/notices.mjs). The same relative URL works in both shells: the
// desktop app's app:// handler and the headless gateway's HTTP server both serve the UI folder.
import { z } from 'zod';

export const NOTICES_URL = './THIRD_PARTY_NOTICES.json';

const NoticesSchema = z.object({
  app: z.object({ name: z.string(), version: z.string(), license: z.string() }),
  packages: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      license: z.string(),
      homepage: z.string().optional(),
      texts: z.array(z.object({ file: z.string(), text: z.string() })),
    }),
  ),
});
export type Notices = z.infer<typeof NoticesSchema>;
export type NoticePackage = Notices['packages'][number];

export type NoticesResult = { ok: true; notices: Notices } | { ok: false; error: string };

const NOT_BUILT =
  'The third-party notices are written by `npm run build` (scripts/notices.mjs); this UI was not built that way.';

/** The notices file as fetched: its HTTP status and body text (a dev server answers unknown paths with HTML). */
export function parseNotices(status: number, body: string): NoticesResult {
  if (status === 404) return { ok: false, error: NOT_BUILT };
  if (status !== 200) return { ok: false, error: `The notices could not be loaded (HTTP ${status}).` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: NOT_BUILT };
  }
  const parsed = NoticesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `THIRD_PARTY_NOTICES.json is not in the expected form (${issue?.path.join('.') || 'top level'}: ${issue?.message}).`,
    };
  }
  return { ok: true, notices: parsed.data };
}

/** GPL and LGPL packages: they set the terms the app as a whole is passed on under, so they are named up front. */
export function copyleftPackages(packages: readonly NoticePackage[]): NoticePackage[] {
  return packages.filter((p) => /\b(A|L)?GPL\b/i.test(p.license));
}

/** "MIT 111 · ISC 14 · …": licences by how many packages use them, most first (ties by name). */
export function licenceSummary(packages: readonly NoticePackage[]): string {
  const counts = new Map<string, number>();
  for (const p of packages) counts.set(p.license, (counts.get(p.license) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([licence, n]) => `${licence} ${n}`)
    .join(' · ');
}

/** Packages whose name or licence contains the query (case-insensitive); all of them for an empty query. */
export function filterPackages(packages: readonly NoticePackage[], query: string): NoticePackage[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...packages];
  return packages.filter((p) => p.name.toLowerCase().includes(q) || p.license.toLowerCase().includes(q));
}

/** The licence line of the app: our code's licence, and what the distributed whole is conveyed under. */
export function appLicenceLine(notices: Notices): string {
  const gpl = copyleftPackages(notices.packages).some((p) => /^GPL/i.test(p.license));
  const own = `Source code: ${notices.app.license}.`;
  return gpl
    ? `${own} The app as distributed includes GPL-3.0 software (libsignal) and is conveyed under the GPL-3.0.`
    : own;
}
