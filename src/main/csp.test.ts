import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UI_CSP } from '../shared/csp';
import {
  CONTENT_SECURITY_POLICY,
  DEV_CONTENT_SECURITY_POLICY,
  cspFromHtml,
  metaPolicy,
  withCspHeader,
} from './csp';

describe('content security policy', () => {
  it('is the same in main, the shared constant and the renderer meta tag', () => {
    const html = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8');
    expect(CONTENT_SECURITY_POLICY).toBe(UI_CSP);
    // The meta tag carries every directive but frame-ancestors, which only works (and is only allowed) as a header.
    expect(cspFromHtml(html)).toBe(metaPolicy(CONTENT_SECURITY_POLICY));
    expect(`${cspFromHtml(html)}; frame-ancestors 'none'`.split('; ').sort()).toEqual(
      CONTENT_SECURITY_POLICY.split('; ').sort(),
    );
  });

  it('is strict: self-only scripts, styles and connections, no plugins, framing or forms', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
      'form-action': "'none'",
    });
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(DEV_CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('replaces any CSP header a response carried, whatever its case', () => {
    const headers = withCspHeader({
      'content-security-policy': ['default-src *'],
      'Content-Type': 'text/html',
    });
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(withCspHeader(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});
