// About: the version, the licence, and every third-party package the app ships with its licence text, from the
// notices file the build writes beside the UI (about-model.ts).
import { useEffect, useMemo, useState } from 'react';
import {
  appLicenceLine,
  copyleftPackages,
  filterPackages,
  licenceSummary,
  NOTICES_URL,
  parseNotices,
  type NoticePackage,
  type NoticesResult,
} from '../about-model';

function PackageRow({ pkg }: { pkg: NoticePackage }) {
  return (
    <li className="about-package" data-testid="about-package" data-name={pkg.name}>
      <details>
        <summary>
          <span className="about-package-name">{pkg.name}</span>{' '}
          <span className="muted small">{pkg.version}</span>{' '}
          <span className="about-licence" data-testid="about-package-licence">
            {pkg.license}
          </span>
        </summary>
        {pkg.homepage && <p className="muted small">{pkg.homepage}</p>}
        {pkg.texts.length === 0 ? (
          <p className="muted small">No licence file in the package; its licence is {pkg.license}.</p>
        ) : (
          pkg.texts.map((t) => (
            <pre key={t.file} className="about-licence-text" aria-label={`${pkg.name} ${t.file}`}>
              {t.text}
            </pre>
          ))
        )}
      </details>
    </li>
  );
}

export function AboutScreen() {
  const [result, setResult] = useState<NoticesResult | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    let live = true;
    fetch(NOTICES_URL, { cache: 'no-store' })
      .then(async (res) => parseNotices(res.status, await res.text()))
      .catch((err: unknown) => ({
        ok: false as const,
        error: `The notices could not be loaded: ${String(err)}`,
      }))
      .then((r) => live && setResult(r));
    return () => {
      live = false;
    };
  }, []);

  const packages = result?.ok ? result.notices.packages : [];
  const shown = useMemo(() => filterPackages(packages, query), [packages, query]);

  if (!result) return <p className="muted">Loading…</p>;
  if (!result.ok) {
    return (
      <section className="panel">
        <h2>About OpenClaw</h2>
        <div className="notice notice-error" role="alert" data-testid="about-error">
          {result.error}
        </div>
      </section>
    );
  }
  const { notices } = result;
  const copyleft = copyleftPackages(notices.packages);
  return (
    <div className="settings-stack">
      <section className="panel" data-testid="about">
        <h2>About {notices.app.name}</h2>
        <p data-testid="about-version">Version {notices.app.version}</p>
        <p data-testid="about-licence">{appLicenceLine(notices)}</p>
        {copyleft.length > 0 && (
          <p className="muted small" data-testid="about-copyleft">
            Copyleft components: {copyleft.map((p) => `${p.name} ${p.version} (${p.license})`).join(', ')}.
          </p>
        )}
      </section>
      <section className="panel">
        <h3>Third-party software</h3>
        <p className="muted small" data-testid="about-summary">
          {notices.packages.length} packages · {licenceSummary(notices.packages)}
        </p>
        <input
          type="search"
          placeholder="Filter by name or licence"
          aria-label="Filter packages"
          data-testid="about-filter"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <ul className="about-packages" data-testid="about-packages">
          {shown.map((p) => (
            <PackageRow key={`${p.name}@${p.version}`} pkg={p} />
          ))}
        </ul>
      </section>
    </div>
  );
}
