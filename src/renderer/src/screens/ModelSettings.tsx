// Settings → Model: which model answers. A preset fills the API and address; the key field is write-only (a stored
// key is never shown, only that one is stored); Test makes a real tiny request with what is typed, before saving.
import { agentNotice } from '../../../shared/agent-notice';
import { ModelFields } from '../components/ModelFields';
import { checkForm } from '../model-settings-model';
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

export function ModelSettings() {
  const online = useOnline();
  const agent = useApp((s) => s.agent);
  const m = useModelSettings();
  const { form } = m;
  const problems = m.dirty ? checkForm(form) : {};
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
      <ModelFields form={form} problems={problems} models={m.models} onEdit={m.edit} />
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
