// The UI's Content-Security-Policy as Electron's main process sends it. The string lives in src/shared so the
// headless gateway's HTTP server sends the very same header; index.html carries it as a meta tag too (a test
// checks they agree), which covers loads where no response headers exist (the dev server's transformed page).
import { UI_CSP } from '../shared/csp';

export const CONTENT_SECURITY_POLICY = UI_CSP;

/** Directives a <meta> policy may not carry: Chromium ignores them there and logs a console error per load. */
const HEADER_ONLY = ['frame-ancestors', 'report-uri', 'sandbox'];

/** The policy as index.html's meta tag carries it: the header's, minus the header-only directives. */
export function metaPolicy(policy: string = CONTENT_SECURITY_POLICY): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !HEADER_ONLY.includes(d.split(/\s+/)[0] ?? ''))
    .join('; ');
}

/**
 * The policy for the Vite dev server only: React Fast Refresh injects an inline module script and Vite injects
 * CSS as <style> tags, which the production policy forbids. Never used for a built app.
 */
export function relax(policy: string): string {
  return policy
    .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
}

export const DEV_CONTENT_SECURITY_POLICY = relax(CONTENT_SECURITY_POLICY);

type Headers = Record<string, string[] | string>;

/** Response headers with `policy` replacing whatever CSP the response carried (names compare case-insensitively). */
export function withCspHeader(
  headers: Headers | undefined,
  policy: string = CONTENT_SECURITY_POLICY,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}

/** The CSP meta tag's content in an HTML document, or null when there is none. */
export function cspFromHtml(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']Content-Security-Policy["']/i.test(tag)) continue;
    const content = /content\s*=\s*"([^"]*)"/i.exec(tag) ?? /content\s*=\s*'([^']*)'/i.exec(tag);
    return content?.[1] ?? null;
  }
  return null;
}
