// Accounts: one health card per WhatsApp account — state, what it means, the figures behind it (uptime,
// reconnects, last message), its recent history — with Link and Log out. Live from channels.state events; a
// snapshot every few seconds as well, since the time of the last inbound message changes without an event.
import { useEffect, useState, type ReactNode } from 'react';
import type { AccountStatus } from '../../../shared/contract';
import { useBackend } from '../backend-context';
import { refreshChannels } from '../channels-controller';
import {
  accountChoices,
  canLink,
  canReconnect,
  formatAgo,
  formatClock,
  nextAttemptText,
  sendLimitsText,
  timelineNewestFirst,
  uptimeText,
} from '../channels-model';
import { Sentence } from '../components/Sentence';
import { StateBadge } from '../components/StateBadge';
import { hashFor } from '../routes';
import { appStore, useApp, useOnline } from '../store';
import { useNow } from '../use-now';

const REFRESH_MS = 10_000;

function Fact(props: { label: string; children: ReactNode; testId?: string; tone?: 'error' }) {
  return (
    <div className="fact">
      <dt>{props.label}</dt>
      <dd data-testid={props.testId} className={props.tone === 'error' ? 'error-text' : undefined}>
        {props.children}
      </dd>
    </div>
  );
}

function AccountCard(props: { status: AccountStatus; isDefault: boolean; now: number }) {
  const { status: a, isDefault, now } = props;
  const { api } = useBackend();
  const online = useOnline();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const id = a.accountId;

  const logout = async () => {
    setBusy(true);
    setFailure(null);
    const result = await api.channels.logout({ accountId: id });
    setBusy(false);
    setConfirming(false);
    if (!result.ok) setFailure(`Could not log out: ${result.error.message}`);
  };

  const reconnect = async () => {
    setBusy(true);
    setFailure(null);
    const result = await api.channels.reconnect({ accountId: id });
    setBusy(false);
    if (!result.ok) setFailure(`Could not reconnect: ${result.error.message}`);
  };

  const next = nextAttemptText(a, now);
  const timeline = timelineNewestFirst(a.timeline, 6);
  const limits = sendLimitsText(a, now);
  return (
    <article className="account-card" data-testid={`account-card-${id}`} data-state={a.state}>
      <header className="account-head">
        <div>
          <h2>{a.name ?? id}</h2>
          <span className="muted small">
            {a.name ? `${id} · ` : ''}
            {isDefault ? 'default account' : 'account'}
          </span>
        </div>
        <StateBadge state={a.state} testId="account-state" />
      </header>
      <p className="account-sentence" data-testid="account-sentence">
        <Sentence text={a.sentence} />
      </p>
      {a.warnings.length > 0 && (
        <ul className="chips" data-testid="account-warnings">
          {a.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <Fact label="Number" testId="account-number">
          {a.number ?? '—'}
        </Fact>
        <Fact label="Connected since" testId="account-uptime">
          {uptimeText(a, now, online) ?? '—'}
        </Fact>
        <Fact label="Reconnect attempts" testId="account-attempts">
          {a.reconnectAttempts}
        </Fact>
        {next && (
          <Fact label="Next attempt" testId="account-next-attempt">
            {next}
          </Fact>
        )}
        <Fact label="Last message in" testId="account-last-inbound">
          {a.lastInboundAt ? formatAgo(a.lastInboundAt, now) : 'none yet'}
        </Fact>
        {limits && (
          <Fact label="Sending limits" testId="account-send-limits">
            {limits.map((line) => (
              <span key={line} className="fact-line">
                {line}
              </span>
            ))}
          </Fact>
        )}
        {a.lastError && (
          <Fact label="Last error" testId="account-last-error" tone="error">
            {a.lastError}
          </Fact>
        )}
      </dl>
      {timeline.length > 0 && (
        <div className="timeline">
          <h3>Recent changes</h3>
          <ol data-testid="account-timeline">
            {timeline.map((t, i) => (
              <li key={`${t.at}-${i}`}>
                <time dateTime={t.at}>{formatClock(t.at, now)}</time>
                <StateBadge state={t.state} small />
                <span className="timeline-sentence" title={t.sentence}>
                  {t.sentence}
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
      {failure && (
        <div className="notice notice-error" role="alert">
          {failure}
        </div>
      )}
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-label={`Log out ${id}?`}>
          <p>
            <strong>
              Log out “{id}”{a.number ? ` (${a.number})` : ''}?
            </strong>{' '}
            The gateway tells WhatsApp to remove this device and deletes its credentials; to use the account
            again you link it with a new QR code.
          </p>
          <div className="toolbar">
            <button
              type="button"
              className="danger"
              data-testid={`account-logout-confirm-${id}`}
              disabled={busy || !online}
              onClick={() => void logout()}
            >
              {busy ? 'Logging out…' : 'Log out'}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <footer className="toolbar account-actions">
          {canLink(a) && (
            <a
              className="button primary"
              data-testid={`account-link-${id}`}
              href={hashFor('link', { account: id })}
            >
              Link
            </a>
          )}
          {canReconnect(a) && (
            <button
              type="button"
              className="primary"
              data-testid={`account-reconnect-${id}`}
              disabled={busy || !online}
              onClick={() => void reconnect()}
            >
              {busy ? 'Reconnecting…' : 'Reconnect'}
            </button>
          )}
          {a.linked && (
            <button
              type="button"
              data-testid={`account-logout-${id}`}
              disabled={!online}
              onClick={() => setConfirming(true)}
            >
              Log out…
            </button>
          )}
        </footer>
      )}
    </article>
  );
}

export function AccountsScreen() {
  const { api } = useBackend();
  const channels = useApp((s) => s.channels);
  const online = useOnline();
  // Nothing on the cards moves while the gateway is gone: no clock, and no polling that can only fail.
  const now = useNow(online);
  useEffect(() => {
    if (!online) return;
    void refreshChannels(api, appStore);
    const timer = setInterval(() => void refreshChannels(api, appStore), REFRESH_MS);
    return () => clearInterval(timer);
  }, [api, online]);

  const accounts = accountChoices(channels.accounts, channels.defaultAccount)
    .map((id) => channels.accounts[id])
    .filter((a) => a !== undefined);
  return (
    <section className="panel accounts-screen" data-testid="accounts-screen">
      <div className="panel-head">
        <h1>Accounts</h1>
        <a className="small" href={hashFor('link')}>
          Link an account
        </a>
      </div>
      {channels.error && (
        <div className="notice notice-error" role="alert">
          Could not read the WhatsApp accounts: {channels.error.message}
        </div>
      )}
      {!channels.loaded && !channels.error && <p className="muted">Reading the accounts…</p>}
      {channels.loaded && accounts.length === 0 && (
        <p className="muted" data-testid="accounts-empty">
          No WhatsApp accounts. <a href={hashFor('link')}>Link one</a>.
        </p>
      )}
      {!online && channels.loaded && (
        <p className="muted small" data-testid="accounts-stale">
          Last known state: the gateway cannot be reached, so these accounts may have changed since.
        </p>
      )}
      <div className={online ? 'account-grid' : 'account-grid stale'}>
        {accounts.map((a) => (
          <AccountCard
            key={a.accountId}
            status={a}
            isDefault={a.accountId === channels.defaultAccount}
            now={now}
          />
        ))}
      </div>
    </section>
  );
}
