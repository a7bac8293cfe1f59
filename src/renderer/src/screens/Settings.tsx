// Settings: structured editors for who may talk to the assistant, and the whole config file as text (JSON5,
// comments kept), checked by the gateway before it is written.
import { useRef, type KeyboardEvent } from 'react';
import type { ConfigIssue } from '../../../shared/contract';
import { useBackend } from '../backend-context';
import { IssueList } from '../components/IssueList';
import { hashFor } from '../routes';
import { offsetOf } from '../settings-model';
import { useApp, useOnline } from '../store';
import { AccessSettings } from './AccessSettings';
import { ModelSettings } from './ModelSettings';
import { useConfigEditor, type EditorNotice } from './use-config-editor';

function Notice(props: { notice: EditorNotice; onReload(): void }) {
  const { notice, onReload } = props;
  const online = useOnline();
  switch (notice.kind) {
    case 'saved':
      return (
        <div className="notice notice-ok" role="status" data-testid="config-saved">
          Saved. The gateway has picked up the new config.
        </div>
      );
    case 'valid':
      return (
        <div className="notice notice-ok" role="status" data-testid="config-valid">
          No problems found. Not saved yet.
        </div>
      );
    case 'not-saved':
      return (
        <div className="notice notice-error" role="alert" data-testid="config-not-saved">
          Not saved: the config has problems (listed below). Your text is kept as you typed it.
        </div>
      );
    case 'reloaded':
      return (
        <div className="notice" role="status" data-testid="config-reloaded">
          The file changed on disk; the editor now shows the new version.
        </div>
      );
    case 'conflict':
      return (
        <div className="notice notice-warn" role="alert" data-testid="config-conflict">
          The config file changed on disk after you opened it, so your version was not saved. Copy your
          changes if you need them, then{' '}
          <button type="button" className="link-button" disabled={!online} onClick={onReload}>
            reload the file
          </button>{' '}
          (this discards your edits).
        </div>
      );
    case 'changed-on-disk':
      return (
        <div className="notice notice-warn" role="alert" data-testid="config-changed-on-disk">
          The config file changed on disk. Your unsaved edits are kept;{' '}
          <button type="button" className="link-button" disabled={!online} onClick={onReload}>
            reload the file
          </button>{' '}
          to see the new version (this discards your edits).
        </div>
      );
    case 'error':
      return (
        <div className="notice notice-error" role="alert" data-testid="config-error">
          {notice.message}
        </div>
      );
  }
}

export function Settings() {
  return (
    <div className="settings-stack">
      <section className="panel">
        <h1>Settings</h1>
        <p className="muted small">
          New here, or changing numbers?{' '}
          <a href={hashFor('setup')} data-testid="settings-open-setup">
            Run the setup again
          </a>{' '}
          (mode, your number, the model, linking the phone).
        </p>
        <AccessSettings />
      </section>
      <ModelSettings />
      <ConfigFileEditor />
    </div>
  );
}

/** The whole file as JSON5 text. */
function ConfigFileEditor() {
  const { api } = useBackend();
  const editor = useConfigEditor(api);
  const disk = useApp((s) => s.config);
  const online = useOnline();
  const textarea = useRef<HTMLTextAreaElement>(null);

  const jumpTo = (issue: ConfigIssue) => {
    const el = textarea.current;
    if (!el || issue.line === undefined) return;
    const offset = offsetOf(el.value, issue.line, issue.column);
    el.focus();
    el.setSelectionRange(offset, offset);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      if (editor.dirty && editor.busy === null && online) void editor.save();
    }
  };

  const { base, busy, dirty, notice } = editor;
  // The editor's own problems once checked; otherwise whatever the file on disk has (kept live by the store).
  const issues = editor.issues
    ? { ...editor.issues, title: 'Problems in the text above' }
    : disk && (disk.errors.length > 0 || disk.warnings.length > 0)
      ? { errors: disk.errors, warnings: disk.warnings, title: 'The file on disk has problems' }
      : null;
  return (
    <section className="panel settings">
      <div className="panel-head">
        <h2>Config file</h2>
        {base && (
          <span className="muted small">
            Config file: <code data-testid="config-path">{base.file}</code>
          </span>
        )}
      </div>
      {editor.loadError && (
        <div className="notice notice-error" role="alert" data-testid="config-load-error">
          Could not read the config: {editor.loadError}
        </div>
      )}
      {base && !base.exists && (
        <p className="muted small">
          The file does not exist yet: the gateway runs on defaults. Save creates it.
        </p>
      )}
      {notice && <Notice notice={notice} onReload={editor.reload} />}
      <textarea
        ref={textarea}
        className="editor"
        data-testid="config-editor"
        aria-label="Config file (JSON5)"
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        autoCorrect="off"
        wrap="off"
        value={editor.text}
        disabled={base === null}
        onChange={(e) => editor.setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="toolbar">
        <button
          type="button"
          data-testid="config-validate"
          disabled={base === null || busy !== null || !online}
          onClick={() => void editor.validate()}
        >
          {busy === 'validating' ? 'Validating…' : 'Validate'}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="config-save"
          disabled={!dirty || busy !== null || !online}
          onClick={() => void editor.save()}
        >
          {busy === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          data-testid="config-revert"
          disabled={!dirty || busy !== null}
          onClick={editor.revert}
        >
          Revert
        </button>
        <button
          type="button"
          data-testid="config-reload"
          disabled={busy !== null || !online}
          onClick={editor.reload}
        >
          Reload from disk
        </button>
        {dirty && (
          <span className="muted small" data-testid="config-dirty">
            Unsaved changes
          </span>
        )}
      </div>
      {issues && issues.errors.length > 0 && (
        <IssueList
          testId="config-errors"
          tone="error"
          title={issues.title}
          issues={issues.errors}
          onPick={jumpTo}
        />
      )}
      {issues && issues.warnings.length > 0 && (
        <IssueList
          testId="config-warnings"
          tone="warn"
          title="Warnings"
          issues={issues.warnings}
          onPick={jumpTo}
        />
      )}
    </section>
  );
}
