// The browser UI's session key: the second secret that, with the session cookie, signs this page in. `/login`
// redirects to `/#ui-key=<key>`; the page keeps the key in localStorage, which belongs to our origin alone (port
// included), unlike the cookie, which the browser sends to every port of 127.0.0.1. The fragment is removed from
// the address bar at once, before the screens read the hash for their routes.
import { UI_KEY_FRAGMENT } from '../../../shared/protocol';

const STORAGE_KEY = 'openclaw.uiKey';

export interface UiKeyPage {
  location: { hash: string; pathname: string; search: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/** Takes a key the sign-in redirect put in the fragment (if any) and returns a reader of the stored key. */
export function takeUiKey(page: UiKeyPage): () => string | undefined {
  const prefix = `#${UI_KEY_FRAGMENT}=`;
  let fromLink: string | undefined;
  if (page.location.hash.startsWith(prefix)) {
    fromLink = page.location.hash.slice(prefix.length) || undefined;
    try {
      if (fromLink) page.localStorage.setItem(STORAGE_KEY, fromLink);
    } catch {
      // Storage can be switched off: this page load still signs in with the key it was handed.
    }
    page.history.replaceState(null, '', page.location.pathname + page.location.search);
  }
  // Storage first: a sign-in in another tab replaces both the cookie and the stored key.
  return () => {
    try {
      return page.localStorage.getItem(STORAGE_KEY) ?? fromLink;
    } catch {
      return fromLink;
    }
  };
}

/** The key reader for this browser page, or none outside a browser (Node runs this file in tests). */
export function browserUiKey(): () => string | undefined {
  // `in`, not a read: reading localStorage throws where the browser blocks storage; takeUiKey handles that.
  const isPage = 'location' in globalThis && 'history' in globalThis && 'localStorage' in globalThis;
  return isPage ? takeUiKey(globalThis as unknown as UiKeyPage) : () => undefined;
}
