// Pairing: people who wrote to the assistant for the first time wait here with a code until the owner approves
// or denies them (dmPolicy "pairing"); approved senders can be revoked. Live from pairing.changed. A desktop
// notification opens `#/pairing?code=…`, which highlights that request and scrolls to it.
import { useEffect, useRef, useState } from 'react';
import type { ApprovedSender, PairingRequest } from '../../../shared/contract';
import { useBackend } from '../backend-context';
import { formatAgo, formatClock, formatCountdown } from '../channels-model';
import {
  approvedNewestFirst,
  deepLinkTarget,
  expiresInMs,
  livePending,
  requestKey,
  showsAccounts,
} from '../pairing-model';
import { refreshPairing } from '../pairing-controller';
import { accountFromHash, codeFromHash, hashFor } from '../routes';
import { appStore, useApp, useOnline } from '../store';
import { useNow } from '../use-now';
import { useHash } from './use-hash';

type Outcome = { tone: 'ok' | 'warn'; text: string };

function PendingRow(props: {
  request: PairingRequest;
  now: number;
  highlighted: boolean;
  showAccount: boolean;
  /** An action on this request started (the request may vanish before the answer arrives). */
  onStart(code: string): void;
  onOutcome(outcome: Outcome, code: string): void;
}) {
  const { request: r, now, highlighted, showAccount } = props;
  const { api } = useBackend();
  const online = useOnline();
  const [busy, setBusy] = useState<'approve' | 'deny' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const row = useRef<HTMLLIElement>(null);

  useEffect(() => {
    // Only when the deep link first points here: re-scrolling on every tick would fight the person's scrolling.
    if (highlighted) row.current?.scrollIntoView({ block: 'center' });
  }, [highlighted]);

  const act = async (action: 'approve' | 'deny') => {
    props.onStart(r.code);
    setBusy(action);
    setError(null);
    const params = { channel: 'whatsapp' as const, code: r.code, accountId: r.accountId };
    const who = r.name ? `${r.name} (${r.sender})` : r.sender;
    if (action === 'deny') {
      const result = await api.pairing.deny(params);
      setBusy(null);
      if (result.ok) props.onOutcome({ tone: 'ok', text: `Denied ${who}.` }, r.code);
      else setError(result.error.message);
      return;
    }
    const result = await api.pairing.approve(params);
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    props.onOutcome(
      result.value.confirmationSent
        ? { tone: 'ok', text: `Approved ${who}. They were told they can write now.` }
        : {
            tone: 'warn',
            text: `Approved ${who}. They were not told (the account is not connected, or no confirmation is configured).`,
          },
      r.code,
    );
  };

  const left = expiresInMs(r, now);
  return (
    <li
      ref={row}
      className={`pairing-row${highlighted ? ' highlighted' : ''}`}
      data-testid={`pairing-request-${r.code}`}
      data-code={r.code}
      data-sender={r.sender}
      data-highlighted={highlighted ? 'true' : undefined}
    >
      <div className="pairing-who">
        <strong data-testid="pairing-sender">{r.sender}</strong>
        {r.name && (
          <span className="muted" data-testid="pairing-name">
            {r.name}
          </span>
        )}
        {showAccount && <span className="muted small">account {r.accountId}</span>}
      </div>
      <code className="pairing-code" data-testid="pairing-code" aria-label="Pairing code">
        {r.code}
      </code>
      <div className="pairing-times small">
        <span data-testid="pairing-age" title={formatClock(r.createdAt, now)}>
          asked {formatAgo(r.createdAt, now)}
        </span>
        <span data-testid="pairing-expires" className={left < 5 * 60_000 ? 'warn-text' : 'muted'}>
          expires in {formatCountdown(left)}
        </span>
      </div>
      <div className="toolbar pairing-actions">
        <button
          type="button"
          className="primary"
          data-testid={`pairing-approve-${r.code}`}
          disabled={busy !== null || !online}
          onClick={() => void act('approve')}
        >
          {busy === 'approve' ? 'Approving…' : 'Approve'}
        </button>
        <button
          type="button"
          data-testid={`pairing-deny-${r.code}`}
          disabled={busy !== null || !online}
          onClick={() => void act('deny')}
        >
          {busy === 'deny' ? 'Denying…' : 'Deny'}
        </button>
      </div>
      {r.firstLine && (
        // The sender's own words, as text (React escapes them): what the owner approves or denies.
        <blockquote className="pairing-line" data-testid="pairing-first-line" aria-label="They wrote">
          {r.firstLine}
        </blockquote>
      )}
      {error && (
        <div className="notice notice-error pairing-error" role="alert" data-testid="pairing-row-error">
          {error}
        </div>
      )}
    </li>
  );
}

function ApprovedRow(props: { sender: ApprovedSender; now: number; showAccount: boolean }) {
  const { sender: a, now, showAccount } = props;
  const { api } = useBackend();
  const online = useOnline();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    const result = await api.pairing.revoke({
      channel: 'whatsapp',
      sender: a.sender,
      accountId: a.accountId,
    });
    setBusy(false);
    setConfirming(false);
    if (!result.ok) setError(result.error.message);
  };

  return (
    <li className="approved-row" data-testid={`approved-${a.sender}`} data-sender={a.sender}>
      <div className="pairing-who">
        <strong>{a.sender}</strong>
        {a.name && <span className="muted">{a.name}</span>}
        {showAccount && <span className="muted small">account {a.accountId}</span>}
      </div>
      <span className="muted small" title={formatClock(a.approvedAt, now)}>
        {a.via === 'import' ? 'imported' : 'approved'} {formatAgo(a.approvedAt, now)}
      </span>
      <div className="toolbar pairing-actions">
        {confirming ? (
          <>
            <span className="small">Their next message will ask for a new code.</span>
            <button
              type="button"
              className="danger"
              data-testid={`pairing-revoke-confirm-${a.sender}`}
              disabled={busy || !online}
              onClick={() => void revoke()}
            >
              {busy ? 'Revoking…' : 'Revoke'}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button
            type="button"
            data-testid={`pairing-revoke-${a.sender}`}
            disabled={!online}
            onClick={() => setConfirming(true)}
          >
            Revoke…
          </button>
        )}
      </div>
      {error && (
        <div className="notice notice-error pairing-error" role="alert" data-testid="pairing-row-error">
          Could not revoke: {error}
        </div>
      )}
    </li>
  );
}

export function PairingScreen() {
  const { api } = useBackend();
  const pairing = useApp((s) => s.pairing);
  const hash = useHash();
  const now = useNow();
  const [outcome, setOutcomeState] = useState<Outcome | null>(null);
  const [acted, setActed] = useState<string | null>(null);
  // Once the linked request is handled here, the link has done its job: without dropping it the screen would
  // go on to say that the request is "no longer waiting".
  const setOutcome = (next: Outcome, code: string) => {
    setOutcomeState(next);
    if (codeFromHash(window.location.hash) === code) window.location.replace(hashFor('pairing'));
  };
  useEffect(() => void refreshPairing(api, appStore).catch(() => undefined), [api]);

  const pending = livePending(pairing.pending, now);
  const approved = approvedNewestFirst(pairing.approved);
  const link = deepLinkTarget(codeFromHash(hash), accountFromHash(hash), pairing, now);
  const showAccount = showsAccounts(pairing);
  return (
    <section className="panel pairing-screen" data-testid="pairing-screen">
      <div className="panel-head">
        <h1>Pairing requests</h1>
        <span className="muted small" data-testid="pairing-count">
          {pending.length === 1 ? '1 waiting' : `${pending.length} waiting`}
        </span>
      </div>
      <p className="muted">
        Someone who is not on an allowlist and writes to the assistant gets a code; their message is not
        processed. Approve them here (or with <code>openclaw pairing approve whatsapp CODE</code>) and they
        can talk to the assistant. Codes expire after an hour.
      </p>
      {pairing.error && (
        <div className="notice notice-error" role="alert" data-testid="pairing-load-error">
          Could not read the pairing requests: {pairing.error.message}
        </div>
      )}
      {(link.kind === 'expired' || (link.kind === 'gone' && link.code !== acted)) && (
        <div className="notice notice-warn" role="status" data-testid="pairing-link-missing">
          {link.kind === 'expired'
            ? `The request with code ${link.code} has expired; they can write again to get a new code.`
            : `The request with code ${link.code} is no longer waiting: it was approved, denied or has expired.`}{' '}
          <a href={hashFor('pairing')}>Show all requests</a>
        </div>
      )}
      {outcome && (
        <div className={`notice notice-${outcome.tone}`} role="status" data-testid="pairing-outcome">
          {outcome.text}
        </div>
      )}
      {!pairing.loaded && !pairing.error && <p className="muted">Reading the pairing requests…</p>}
      {pairing.loaded && pending.length === 0 && (
        <p className="muted" data-testid="pairing-empty">
          No one is waiting for approval.
        </p>
      )}
      <ul className="pairing-list" data-testid="pairing-pending">
        {pending.map((r) => (
          <PendingRow
            key={requestKey(r)}
            request={r}
            now={now}
            highlighted={link.kind === 'pending' && link.key === requestKey(r)}
            showAccount={showAccount}
            onStart={setActed}
            onOutcome={setOutcome}
          />
        ))}
      </ul>
      <h2 className="section-title">Approved senders</h2>
      {pairing.loaded && approved.length === 0 && (
        <p className="muted" data-testid="approved-empty">
          No one has been approved through pairing yet.
        </p>
      )}
      <ul className="pairing-list" data-testid="pairing-approved">
        {approved.map((a) => (
          <ApprovedRow key={`${a.accountId}:${a.sender}`} sender={a} now={now} showAccount={showAccount} />
        ))}
      </ul>
    </section>
  );
}
