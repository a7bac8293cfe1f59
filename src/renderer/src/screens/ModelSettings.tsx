// Settings → Model: which model answers. A preset fills the API and address; the key field is write-only (a stored
// key is never shown, only that one is stored); Test makes a real tiny request with what is typed, before saving.
import { agentNotice } from '../../../shared/agent-notice';
import type { ReactNode } from 'react';
import {
  applyPreset,
  checkForm,
  keyLine,
  presetById,
  PRESETS,
  type ModelForm,
} from '../model-settings-model';
import { useApp, useOnline } from '../store';
import { useModelSettings, type ModelNotice } from './use-model-settings';

function Notice(props: { notice: ModelNotice }) {
  const { notice } = props;
  switch (notice.kind) {
    case 'tested':
      return (
        <div
          className={`notice ${notice.ok ? 'notice-ok' : 'notice-error'}`}
          role={notice.ok ? 'status' : 'alert'}
          data-testid="model-test-result"
          data-ok={notice.ok}
        >
          {notice.ok ? `It works: ${notice.message}` : notice.message}
        </div>
      );
    case 'saved':
      return (
        <div className="notice notice-ok" role="status" data-testid="model-saved">
          Saved. The agent answers with this model from now on, waiting messages included.
        </div>
      );
    case 'key-removed':
      return (
        <div className="notice" role="status" data-testid="model-key-removed">
          The stored key was removed.
        </div>
      );
    case 'error':
      return (
        <div className="notice notice-error" role="alert" data-testid="model-error">
          {notice.message}
        </div>
      );
  }
}

function Field(props: { label: string; help?: string; problem?: string; children: ReactNode }) {
  return (
    <label className="access-field">
      <span className="access-label">
        <span>{props.label}</span>
        {props.help && <span className="muted small">{props.help}</span>}
      </span>
      <span className="access-control">
        {props.children}
        {props.problem && (
          <span className="field-error" role="alert">
            {props.problem}
          </span>
        )}
      </span>
    </label>
  );
}

export function ModelSettings() {
  const online = useOnline();
  const agent = useApp((s) => s.agent);
  const m = useModelSettings();
  const { form } = m;
  const preset = presetById(form.preset);
  const problems = m.dirty ? checkForm(form) : {};
  const set = (patch: Partial<ModelForm>) => m.edit({ ...form, ...patch });
  const notice = agentNotice(agent);
  const ready = Object.keys(checkForm(form)).length === 0;
  return (
    <section className="panel model-settings" data-testid="model-settings">
      <h2>Model</h2>
      <p className="muted small">
        {agent ? agent.sentence : 'The model the assistant answers with.'}
        {notice?.kind === 'failed' && ` ${notice.text}`}
      </p>
      {m.loadError && (
        <div className="notice notice-error" role="alert">
          Could not read the model settings: {m.loadError.message}
        </div>
      )}
      <Field label="Provider">
        <select
          data-testid="model-preset"
          value={form.preset}
          onChange={(e) => m.edit(applyPreset(form, e.target.value))}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Provider id" help="Saved as models.providers.<id>" problem={problems.provider}>
        <input
          data-testid="model-provider"
          value={form.provider}
          onChange={(e) => set({ provider: e.target.value.trim() })}
        />
      </Field>
      <Field label="Address" help="The API's base URL" problem={problems.baseUrl}>
        <input
          data-testid="model-base-url"
          value={form.baseUrl}
          placeholder="http://127.0.0.1:8000/v1"
          onChange={(e) => set({ baseUrl: e.target.value })}
        />
      </Field>
      <Field label="API" help="The wire format the server speaks">
        <select
          data-testid="model-api"
          value={form.api}
          onChange={(e) => set({ api: e.target.value as ModelForm['api'] })}
        >
          <option value="openai-completions">OpenAI Chat Completions</option>
          <option value="anthropic-messages">Anthropic Messages</option>
        </select>
      </Field>
      <Field label="Model id" problem={problems.model}>
        <input
          data-testid="model-id"
          value={form.model}
          placeholder={preset.modelHint}
          onChange={(e) => set({ model: e.target.value })}
        />
      </Field>
      <Field
        label="API key"
        help={preset.needsKey ? keyLine(m.models, form.provider) : 'Local servers usually need none.'}
      >
        <input
          data-testid="model-key"
          type="password"
          autoComplete="off"
          value={form.key}
          placeholder={preset.needsKey ? 'Paste a key to store it' : 'optional'}
          onChange={(e) => set({ key: e.target.value })}
        />
      </Field>
      <div className="button-row">
        <button
          type="button"
          data-testid="model-test"
          disabled={!online || !ready || m.busy !== null}
          onClick={() => void m.test()}
        >
          {m.busy === 'test' ? 'Testing…' : 'Test'}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="model-save"
          disabled={!online || !ready || m.busy !== null || (!m.dirty && !form.key)}
          onClick={() => void m.save()}
        >
          {m.busy === 'save' ? 'Saving…' : 'Save'}
        </button>
        {m.models.some((x) => x.provider === form.provider && x.keySource === 'credentials') && (
          <button type="button" className="link-button" disabled={!online} onClick={() => void m.removeKey()}>
            Remove the stored key
          </button>
        )}
      </div>
      {m.notice && <Notice notice={m.notice} />}
    </section>
  );
}
