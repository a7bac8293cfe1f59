// The shell: navigation on the left, gateway status on top, a banner while the config is invalid, and the
// current screen. A browser that is not signed in sees only how to sign in.
import { useEffect, useRef, useState, type ComponentType } from 'react';
import { ConfigBanner } from './components/ConfigBanner';
import { Header } from './components/Header';
import { OfflineBanner } from './components/OfflineBanner';
import { SignedOut } from './components/SignedOut';
import { hashFor, routeFromHash, ROUTES, type RouteId } from './routes';
import { AboutScreen } from './screens/About';
import { Logs } from './screens/Logs';
import { AccountsScreen } from './screens/Accounts';
import { ConversationsScreen } from './screens/Conversations';
import { LinkScreen } from './screens/Link';
import { MessagesScreen } from './screens/Messages';
import { OutboxScreen } from './screens/Outbox';
import { PairingScreen } from './screens/Pairing';
import { SetupScreen } from './screens/Setup';
import { Settings } from './screens/Settings';
import { livePending } from './pairing-model';
import { isFirstRun, shouldOpenSetup } from './setup-model';
import { useApp } from './store';
import { useNow } from './use-now';

function useRoute(): RouteId {
  const [route, setRoute] = useState(() => routeFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const SCREENS: Record<RouteId, ComponentType> = {
  link: LinkScreen,
  accounts: AccountsScreen,
  pairing: PairingScreen,
  messages: MessagesScreen,
  conversations: ConversationsScreen,
  outbox: OutboxScreen,
  settings: Settings,
  logs: Logs,
  setup: SetupScreen,
  about: AboutScreen,
};

/** How many requests wait for approval, next to "Pairing" in the nav (expired ones drop out on the clock). */
function PendingBadge() {
  const pending = useApp((s) => s.pairing.pending);
  const now = useNow(pending.length > 0, 10_000);
  const count = livePending(pending, now).length;
  if (count === 0) return null;
  return (
    <span className="nav-count" data-testid="nav-pairing-count" aria-label={`${count} waiting`}>
      {count}
    </span>
  );
}

/** Opens Setup once, on a first run, when the app was opened without asking for a particular screen. */
function useFirstRunSetup(): void {
  const firstRun = useApp((s) => isFirstRun(s.channels.loaded, s.channels.accounts, s.agent));
  const decided = useRef(false);
  useEffect(() => {
    if (decided.current || !firstRun) return;
    decided.current = true;
    if (shouldOpenSetup(window.location.hash, firstRun)) window.location.hash = hashFor('setup');
  }, [firstRun]);
}

export function App() {
  const route = useRoute();
  const connection = useApp((s) => s.connection);
  useFirstRunSetup();
  if (connection.status === 'unauthorized') return <SignedOut />;
  const Screen = SCREENS[route];
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          OpenClaw
        </div>
        <ul>
          {ROUTES.map((r) => (
            <li key={r.id}>
              <a
                href={hashFor(r.id)}
                data-testid={`nav-${r.id}`}
                className={r.id === route ? 'active' : undefined}
                aria-current={r.id === route ? 'page' : undefined}
              >
                {r.label}
                {r.id === 'pairing' && <PendingBadge />}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="main">
        <Header />
        <OfflineBanner />
        <ConfigBanner />
        <main className="content" data-testid={`screen-${route}`}>
          <Screen />
        </main>
      </div>
    </div>
  );
}
