// Setup: the first run from nothing to the first answer — mode, the owner's number, the model (a passing Test, or
// a clearly labelled skip), a summary of what will be written (and a question when it replaces values), linking
// the phone with the Link screen itself, and a last step that shows the first message arrive and the answer leave.
// `openclaw onboard` asks the same questions and builds the same plan (src/shared/setup-plan.ts).
import { useEffect } from 'react';
import { doneSentence, SETUP_DM_POLICIES, type SetupDmPolicy } from '../../../shared/setup-plan';
import { ModelFields } from '../components/ModelFields';
import { checkForm, hasErrors } from '../model-settings-model';
import { firstExchange, modelStepDone, SETUP_STEPS, stepIndex } from '../setup-model';
import { useApp, useOnline } from '../store';
import { LinkScreen } from './Link';
import { useModelSettings } from './use-model-settings';
import { useSetup, type SetupView } from './use-setup';

const POLICY_LABELS: Record<SetupDmPolicy, string> = {
  pairing: 'Pairing (recommended): unknown senders get a code you approve',
  allowlist: 'Allowlist: only the numbers you allow',
  open: 'Open: anyone may write',
  disabled: 'Disabled: no direct messages',
};

function Steps(props: { step: SetupView['step'] }) {
  const at = stepIndex(props.step);
  return (
    <ol className="setup-steps" aria-label="Setup steps">
      {SETUP_STEPS.map((s, i) => (
        <li key={s.id} className={i === at ? 'active' : i < at ? 'done' : undefined} aria-current={i === at}>
          {s.label}
        </li>
      ))}
    </ol>
  );
}

function ModeStep({ s }: { s: SetupView }) {
  return (
    <div data-testid="setup-mode">
      <h2>How will the assistant use WhatsApp?</h2>
      <label className="setup-choice">
        <input
          type="radio"
          name="mode"
          data-testid="setup-mode-dedicated"
          checked={s.mode === 'dedicated'}
          onChange={() => s.setMode('dedicated')}
        />
        <span>
          <strong>A dedicated number (recommended)</strong>
          <span className="muted small">
            A spare phone number just for the assistant — an old phone with an eSIM, or WhatsApp Business with
            a second number. You message it from your own phone like any contact.
          </span>
        </span>
      </label>
      <label className="setup-choice">
        <input
          type="radio"
          name="mode"
          data-testid="setup-mode-personal"
          checked={s.mode === 'personal'}
          onChange={() => s.setMode('personal')}
        />
        <span>
          <strong>My personal number (fallback)</strong>
          <span className="muted small">
            The assistant runs on your own WhatsApp and answers only when you message yourself (“Message
            yourself”); it never answers your contacts. Higher risk: automated use can get your own number
            restricted by WhatsApp.
          </span>
        </span>
      </label>
      <div className="button-row">
        <button type="button" className="primary" data-testid="setup-next" onClick={s.next}>
          Next
        </button>
      </div>
    </div>
  );
}

function OwnerStep({ s }: { s: SetupView }) {
  const typed = s.ownerText.trim() !== '';
  return (
    <div data-testid="setup-owner">
      <h2>Your phone number</h2>
      <p className="muted">
        {s.mode === 'personal'
          ? 'Your own WhatsApp number — the phone you will link and message yourself from.'
          : 'Enter the phone you will message from (you, the owner) — not the assistant’s number. It is allowed to talk to the assistant; nothing is ever sent to it unasked.'}
      </p>
      <label className="access-field">
        <span className="access-label">Number with country code</span>
        <span className="access-control">
          <input
            data-testid="setup-owner-input"
            inputMode="tel"
            placeholder="+1 555 123 4567"
            value={s.ownerText}
            aria-invalid={typed && !s.owner.ok}
            onChange={(e) => s.setOwnerText(e.target.value)}
          />
          {typed && !s.owner.ok && (
            <span className="field-error" role="alert" data-testid="setup-owner-error">
              {s.owner.error}
            </span>
          )}
          {s.owner.ok && (
            <span className="muted small" data-testid="setup-owner-normalized">
              Saved as {s.owner.e164}
            </span>
          )}
        </span>
      </label>
      {s.mode === 'dedicated' && (
        <label className="access-field">
          <span className="access-label">Who else may message the assistant?</span>
          <span className="access-control">
            <select
              data-testid="setup-dm-policy"
              value={s.dmPolicy}
              onChange={(e) => s.setDmPolicy(e.target.value as SetupDmPolicy)}
            >
              {SETUP_DM_POLICIES.map((p) => (
                <option key={p} value={p}>
                  {POLICY_LABELS[p]}
                </option>
              ))}
            </select>
          </span>
        </label>
      )}
      <div className="button-row">
        <button type="button" onClick={s.back}>
          Back
        </button>
        <button
          type="button"
          className="primary"
          data-testid="setup-next"
          disabled={!s.owner.ok}
          onClick={s.next}
        >
          Next
        </button>
      </div>
    </div>
  );
}

function ModelStep({ s }: { s: SetupView }) {
  const online = useOnline();
  const m = useModelSettings();
  const ready = !hasErrors(checkForm(m.form));
  const passed = m.notice?.kind === 'tested' && m.notice.ok;
  const { setGate } = s;
  useEffect(() => {
    if (passed) setGate('passed');
    else if (m.notice?.kind === 'tested') setGate('failed');
  }, [passed, m.notice, setGate]);
  // An edit after the summary was shown makes the Test (and so the summary) stale until it passes again.
  const reviewing = s.plan !== null && modelStepDone(s.gate);
  return (
    <div data-testid="setup-model">
      <h2>The model</h2>
      <p className="muted">Pick a provider, the model and its key; Test makes one real tiny request.</p>
      <ModelFields
        form={m.form}
        problems={m.dirty ? checkForm(m.form) : {}}
        models={m.models}
        onEdit={(next) => {
          m.edit(next);
          s.setGate('untested');
        }}
      />
      <div className="button-row">
        <button
          type="button"
          data-testid="setup-model-test"
          disabled={!online || !ready || m.busy !== null}
          onClick={() => void m.test()}
        >
          {m.busy === 'test' ? 'Testing…' : 'Test'}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="setup-model-next"
          disabled={!online || !ready || !modelStepDone(s.gate)}
          onClick={() => void s.review(m.form)}
        >
          Next
        </button>
        <button
          type="button"
          className="link-button"
          data-testid="setup-model-skip"
          disabled={!ready}
          onClick={() => {
            s.setGate('skipped');
            void s.review(m.form);
          }}
        >
          Skip the test: save this model untested
        </button>
      </div>
      {m.notice?.kind === 'tested' && (
        <div
          className={`notice ${m.notice.ok ? 'notice-ok' : 'notice-error'}`}
          role={m.notice.ok ? 'status' : 'alert'}
          data-testid="setup-model-result"
        >
          {m.notice.ok ? `It works: ${m.notice.message}` : m.notice.message}
        </div>
      )}
      {m.notice?.kind === 'error' && <div className="notice notice-error">{m.notice.message}</div>}
      {reviewing && <Review s={s} onSave={() => void save(s, m.form)} />}
    </div>
  );
}

async function save(s: SetupView, form: Parameters<SetupView['save']>[0]) {
  if (await s.save(form)) s.go('link');
}

function Review({ s, onSave }: { s: SetupView; onSave(): void }) {
  const online = useOnline();
  if (!s.plan) return null;
  if (!s.plan.ok) {
    return (
      <div className="notice notice-error" role="alert" data-testid="setup-plan-error">
        {s.plan.error}
      </div>
    );
  }
  const { plan } = s.plan;
  const mustAsk = plan.replaces.length > 0;
  return (
    <div className="panel setup-review" data-testid="setup-review">
      <h3>What will change</h3>
      {plan.summary.length === 0 ? (
        <p className="muted">The config already says all of this.</p>
      ) : (
        <ul data-testid="setup-summary">
          {plan.summary.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {mustAsk && (
        <div className="notice notice-warn" role="alert" data-testid="setup-replaces">
          <p>This replaces values already in your config:</p>
          <ul>
            {plan.replaces.map((r) => (
              <li key={r.path}>
                <code>{r.path}</code>: {JSON.stringify(r.from)} → {JSON.stringify(r.to)}
              </li>
            ))}
          </ul>
          <label>
            <input
              type="checkbox"
              data-testid="setup-replace-confirm"
              checked={s.confirmReplace}
              onChange={(e) => s.setConfirmReplace(e.target.checked)}
            />{' '}
            Replace them
          </label>
        </div>
      )}
      {s.saveError && (
        <div className="notice notice-error" role="alert" data-testid="setup-save-error">
          {s.saveError}
        </div>
      )}
      <div className="button-row">
        <button
          type="button"
          className="primary"
          data-testid="setup-save"
          disabled={!online || s.saving || (mustAsk && !s.confirmReplace)}
          onClick={onSave}
        >
          {s.saving ? 'Saving…' : 'Save and continue'}
        </button>
      </div>
    </div>
  );
}

function LinkStep({ s }: { s: SetupView }) {
  const linked = useApp((st) => {
    const id = st.channels.defaultAccount ?? 'default';
    return st.channels.accounts[id]?.state === 'open';
  });
  return (
    <div data-testid="setup-link">
      <h2>Link the phone</h2>
      <p>
        {s.mode === 'personal'
          ? 'Link your own WhatsApp: on your phone open WhatsApp → Settings → Linked devices → Link a device, and scan the code below.'
          : 'Link the assistant’s phone (the dedicated number): on that phone open WhatsApp → Settings → Linked devices → Link a device, and scan the code below.'}
      </p>
      {s.mode === 'dedicated' && (
        <p className="muted small">
          No number yet? A local eSIM or a prepaid SIM works best — it only has to receive one verification
          SMS. Avoid VoIP and “free SMS” numbers (TextNow, Google Voice): WhatsApp blocks them.
        </p>
      )}
      <LinkScreen />
      <div className="button-row">
        <button
          type="button"
          className="primary"
          data-testid="setup-next"
          disabled={!linked}
          onClick={s.next}
        >
          Next
        </button>
        <button type="button" className="link-button" data-testid="setup-link-skip" onClick={s.next}>
          Link later
        </button>
      </div>
    </div>
  );
}

function DoneStep({ s }: { s: SetupView }) {
  const messages = useApp((st) => st.inbound.messages);
  const owner = s.owner.ok ? s.owner.e164 : s.ownerText;
  const ex = firstExchange(messages, s.turns, s.outbox, s.sinceSeq);
  return (
    <div data-testid="setup-done">
      <h2>Ready</h2>
      <p className="notice notice-ok" data-testid="setup-done-sentence">
        {doneSentence(s.mode, owner)}
      </p>
      <ol className="setup-live" aria-live="polite">
        <li data-testid="setup-first-message" data-state={ex.message ? 'arrived' : 'waiting'}>
          {ex.message ? (
            <>
              Message arrived from {ex.message.sender.name ?? ex.message.from}:{' '}
              <q>{ex.message.body.split('\n').pop()}</q>
            </>
          ) : (
            'Waiting for your first message…'
          )}
        </li>
        {ex.message && (
          <li
            data-testid="setup-first-answer"
            data-state={ex.delivery?.state ?? (ex.answer ? 'answered' : 'thinking')}
          >
            {ex.answer ? (
              <>
                The assistant answered: <q>{ex.answer.text}</q>
                {ex.delivery
                  ? ` — ${ex.delivery.state === 'sent' ? 'sent to WhatsApp' : ex.delivery.state}`
                  : ''}
              </>
            ) : (
              'The assistant is answering…'
            )}
          </li>
        )}
      </ol>
    </div>
  );
}

export function SetupScreen() {
  const s = useSetup();
  return (
    <section className="panel setup-screen" data-testid="setup-screen">
      <h1>Set up OpenClaw</h1>
      <Steps step={s.step} />
      {s.step === 'mode' && <ModeStep s={s} />}
      {s.step === 'owner' && <OwnerStep s={s} />}
      {s.step === 'model' && <ModelStep s={s} />}
      {s.step === 'link' && <LinkStep s={s} />}
      {s.step === 'done' && <DoneStep s={s} />}
    </section>
  );
}
