// Link: pick an account (or add one), ask the gateway for a QR code, and follow the account until the phone has
// linked it (or say why it did not). Everything shown comes from the account's status and its latest QR.
import { useEffect, useState } from 'react';
import { useBackend } from '../backend-context';
import {
  accountChoices,
  accountIdProblem,
  linkNeedsConfirm,
  linkNeedsForce,
  linkPhase,
} from '../channels-model';
import { LinkSteps, QrCard } from '../components/QrCard';
import { Sentence } from '../components/Sentence';
import { StateBadge } from '../components/StateBadge';
import { accountFromHash, hashFor } from '../routes';
import { appStore, useApp, useOnline } from '../store';

// Not a valid account id, so it cannot collide with one.
const NEW = '+new';

/** The account named in the hash (#/link?account=work), followed as the hash changes. */
function useHashAccount(): string | null {
  const [account, setAccount] = useState(() => accountFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setAccount(accountFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return account;
}

export function LinkScreen() {
  const { api } = useBackend();
  const channels = useApp((s) => s.channels);
  const online = useOnline();
  const hashAccount = useHashAccount();
  const [choice, setChoice] = useState<string | null>(hashAccount);
  const [newId, setNewId] = useState('');
  const [starting, setStarting] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (hashAccount) setChoice(hashAccount);
  }, [hashAccount]);

  const adding = choice === NEW;
  const accountId = adding ? newId.trim() : (choice ?? channels.defaultAccount ?? 'default');
  const problem = adding ? accountIdProblem(accountId) : null;
  const status = channels.accounts[accountId];
  const phase = linkPhase(status, channels.qr[accountId], starting === accountId);
  const choices = accountChoices(channels.accounts, channels.defaultAccount);
  if (!adding && !choices.includes(accountId)) choices.push(accountId);

  const pick = (value: string) => {
    setChoice(value);
    setConfirming(false);
    setFailure(null);
  };

  const start = async (confirmed: boolean) => {
    if (problem) return;
    if (linkNeedsConfirm(status) && !confirmed) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setFailure(null);
    setStarting(accountId);
    const force = linkNeedsForce(status);
    const result = await api.channels.login.start({ accountId, ...(force ? { force } : {}) });
    setStarting((current) => (current === accountId ? null : current));
    if (!result.ok) {
      setFailure(result.error.message);
      return;
    }
    if (result.value.qr) appStore.getState().setQr(result.value.qr);
    if (adding) {
      setChoice(result.value.accountId);
      setNewId('');
    }
  };

  const busy = starting !== null;
  const linkLabel = phase.kind === 'done' ? 'Link again…' : phase.kind === 'error' ? 'Link again' : 'Link';
  const showStart = !['qr', 'waiting', 'connecting', 'starting'].includes(phase.kind);

  return (
    <section className="panel link-screen" data-testid="link-screen">
      <div className="panel-head">
        <h1>Link a WhatsApp account</h1>
        <a className="small" href={hashFor('accounts')}>
          All accounts
        </a>
      </div>
      {channels.error && (
        <div className="notice notice-error" role="alert">
          Could not read the WhatsApp accounts: {channels.error.message}
        </div>
      )}
      <div className="link-account toolbar">
        <label>
          Account{' '}
          <select
            data-testid="link-account"
            value={adding ? NEW : accountId}
            disabled={busy}
            onChange={(e) => pick(e.target.value)}
          >
            {choices.map((id) => (
              <option key={id} value={id}>
                {id}
                {id === channels.defaultAccount ? ' (default)' : ''}
              </option>
            ))}
            <option value={NEW}>Add an account…</option>
          </select>
        </label>
        {adding && (
          <input
            type="text"
            data-testid="link-new-account"
            aria-label="New account id"
            aria-invalid={newId !== '' && problem !== null}
            placeholder="New account id, e.g. work"
            value={newId}
            autoFocus
            spellCheck={false}
            onChange={(e) => setNewId(e.target.value)}
          />
        )}
        {status && <StateBadge state={status.state} testId="link-state" />}
      </div>
      {adding && newId !== '' && problem && (
        <p className="field-error" role="alert" data-testid="link-account-error">
          {problem}
        </p>
      )}
      {adding && !problem && channels.accounts[accountId] && (
        <p className="muted small">“{accountId}” already exists: this is the same as choosing it above.</p>
      )}
      {adding && !problem && !channels.accounts[accountId] && (
        <p className="muted small">
          Linking adds it to the config under <code>channels.whatsapp.accounts</code>, so it reconnects after
          a restart.
        </p>
      )}

      <div className="link-body" data-testid="link-phase" data-phase={phase.kind}>
        {phase.kind === 'ready' && (
          <>
            <p>
              Linking makes this computer a linked device of your WhatsApp account, like WhatsApp Web. The
              gateway shows a QR code; you scan it with your phone:
            </p>
            <LinkSteps />
          </>
        )}
        {(phase.kind === 'starting' || phase.kind === 'waiting') && (
          <p className="progress" role="status">
            <span className="spinner" aria-hidden="true" /> Asking WhatsApp for a QR code…
          </p>
        )}
        {phase.kind === 'qr' && <QrCard qr={phase.qr} simulator={channels.simulator} />}
        {phase.kind === 'connecting' && (
          <p className="progress" role="status">
            <span className="spinner" aria-hidden="true" /> <Sentence text={phase.sentence} />
          </p>
        )}
        {phase.kind === 'done' && (
          <div className="notice notice-ok link-done" role="status">
            <strong data-testid="link-done">{phase.number ? `Linked as ${phase.number}` : 'Linked'}</strong>
            <span>
              The assistant now receives this account’s WhatsApp messages. See its health under{' '}
              <a href={hashFor('accounts')}>Accounts</a>.
            </span>
          </div>
        )}
        {phase.kind === 'error' && (
          <div className="notice notice-error" role="alert" data-testid="link-error">
            <Sentence text={phase.sentence} />
          </div>
        )}
        {failure && (
          <div className="notice notice-error" role="alert" data-testid="link-failed">
            Could not start linking: {failure}
          </div>
        )}
      </div>

      {confirming && (
        <div className="confirm" role="alertdialog" aria-label="Link again?" data-testid="link-confirm">
          <p>
            <strong>Link “{accountId}” again?</strong> This drops the current link
            {status?.number ? ` of ${status.number}` : ''}: the gateway deletes this device’s credentials and
            you scan a new QR code.
          </p>
          <div className="toolbar">
            <button
              type="button"
              className="danger"
              data-testid="link-confirm-yes"
              disabled={!online}
              onClick={() => void start(true)}
            >
              Drop the link and show a QR code
            </button>
            <button type="button" data-testid="link-confirm-cancel" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {showStart && !confirming && (
        <div className="toolbar">
          <button
            type="button"
            className={phase.kind === 'done' ? undefined : 'primary'}
            data-testid="link-start"
            disabled={busy || !online || !channels.loaded || problem !== null}
            onClick={() => void start(false)}
          >
            {linkLabel}
          </button>
        </div>
      )}
    </section>
  );
}
