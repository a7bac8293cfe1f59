// Who may talk to the assistant, edited field by field: DM policy and allowlist, groups, read receipts and the
// ack reaction, for the channel as a whole or for one account. Saves go through config.set (the gateway applies
// them without a restart); the JSON5 editor below shows the same file and follows every save.
import type { ReactNode } from 'react';
import {
  ACK_GROUP_MODES,
  DM_POLICIES,
  formProblems,
  GROUP_POLICIES,
  type AccessValues,
  type FieldId,
} from '../access-model';
import { placeIssues } from '../access-plan';
import { useBackend } from '../backend-context';
import { ChoiceField, EmojiField, GroupsField, SenderListField } from '../components/AccessFields';
import { IssueList } from '../components/IssueList';
import { useApp, useOnline } from '../store';
import { useAccessSettings, type AccessNotice } from './use-access-settings';

const DM_LABELS: Record<(typeof DM_POLICIES)[number], string> = {
  pairing: 'pairing — unknown senders get a code to approve',
  allowlist: 'allowlist — only the numbers below',
  open: 'open — everyone (needs "*" below)',
  disabled: 'disabled — no direct messages',
};
const GROUP_LABELS: Record<(typeof GROUP_POLICIES)[number], string> = {
  allowlist: 'allowlist — only listed senders and groups',
  open: 'open — every group',
  disabled: 'disabled — no groups',
};
const ACK_GROUP_LABELS: Record<(typeof ACK_GROUP_MODES)[number], string> = {
  mentions: 'when the assistant is mentioned',
  always: 'on every message',
  never: 'never',
};
const ON_OFF = [
  { value: true, label: 'on' },
  { value: false, label: 'off' },
] as const;

function Section(props: { title: string; children: ReactNode }) {
  return (
    <fieldset className="access-section">
      <legend>{props.title}</legend>
      {props.children}
    </fieldset>
  );
}

function NoticeLine(props: { notice: AccessNotice; onReload(): void }) {
  const { notice } = props;
  const online = useOnline();
  if (notice.kind === 'saved')
    return (
      <div className="notice notice-ok" role="status" data-testid="access-saved">
        {notice.count === 0
          ? 'Nothing to save.'
          : 'Saved. The gateway applies it right away, without a restart.'}
      </div>
    );
  if (notice.kind === 'error')
    return (
      <div className="notice notice-error" role="alert" data-testid="access-error">
        {notice.message}
      </div>
    );
  return (
    <div className="notice notice-warn" role="alert" data-testid={`access-${notice.kind}`}>
      {notice.kind === 'conflict'
        ? 'The config file changed on disk after these settings were read, so your changes were not saved. ' +
          'They are compared with the new file now: Save again to write them on top of it, or '
        : 'The config file changed on disk. Your unsaved changes here are kept; '}
      <button type="button" className="link-button" disabled={!online} onClick={props.onReload}>
        reload the settings
      </button>{' '}
      (this discards your changes).
    </div>
  );
}

export function AccessSettings() {
  const { api } = useBackend();
  const s = useAccessSettings(api);
  const statusAccounts = useApp((st) => st.channels.accounts);
  const online = useOnline();
  const { data, form, scope } = s;
  const inheritable = scope.kind === 'account';
  const channel = data?.channel ?? {};
  const problems = formProblems(form, inheritable ? channel : null);
  const placed = placeIssues(s.issues.errors, scope);
  // Accounts with their own settings, and linked ones that have none yet (saving creates their entry).
  const accounts = [
    ...new Set([...Object.keys(data?.accounts ?? {}), ...Object.keys(statusAccounts)]),
  ].sort();
  const shown: AccessValues = form;

  const field = (id: FieldId, label: string, help?: ReactNode) => ({
    id,
    label,
    help,
    problem: problems[id],
    issues: placed.byField[id],
    inheritable,
  });
  const choice = <T extends string>(values: readonly T[], labels: Record<T, string>) =>
    values.map((v) => ({ value: v, label: labels[v] }));

  return (
    <section className="access" data-testid="access-settings">
      <div className="panel-head">
        <h2>Who can talk to the assistant</h2>
        <label className="small access-scope">
          Applies to{' '}
          <select
            data-testid="access-scope"
            value={s.scopeKey}
            disabled={s.dirty || s.busy !== null}
            title={s.dirty ? 'Save or revert your changes first' : undefined}
            onChange={(e) => s.chooseScope(e.target.value)}
          >
            <option value="">every account (channels.whatsapp)</option>
            {accounts.map((id) => (
              <option key={id} value={id}>
                account {id}
                {data && !(id in data.accounts) ? ' (no own settings yet)' : ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      {s.loadError && (
        <div className="notice notice-error" role="alert" data-testid="access-load-error">
          Could not read the WhatsApp settings: {s.loadError}
        </div>
      )}
      {s.notice && <NoticeLine notice={s.notice} onReload={s.reload} />}
      <Section title="Direct messages">
        <ChoiceField
          {...field('dmPolicy', 'DM policy', 'Who may write to the assistant in a direct chat.')}
          value={shown.dmPolicy}
          inherited={channel.dmPolicy}
          options={choice(DM_POLICIES, DM_LABELS)}
          onChange={(dmPolicy) => s.edit({ dmPolicy })}
        />
        <SenderListField
          {...field(
            'allowFrom',
            'Allowed numbers (allowFrom)',
            'E.164, like +15551234567; "*" for everyone.',
          )}
          kind="dm"
          list={shown.allowFrom}
          inherited={channel.allowFrom}
          onChange={(allowFrom) => s.edit({ allowFrom })}
        />
        <ChoiceField
          {...field('selfChatMode', 'Self-chat mode', 'The assistant runs on your own number.')}
          value={shown.selfChatMode}
          inherited={channel.selfChatMode}
          options={ON_OFF}
          onChange={(selfChatMode) => s.edit({ selfChatMode })}
        />
        <ChoiceField
          {...field('sendReadReceipts', 'Read receipts', 'Blue ticks once a message is accepted.')}
          value={shown.sendReadReceipts}
          inherited={channel.sendReadReceipts}
          options={ON_OFF}
          onChange={(sendReadReceipts) => s.edit({ sendReadReceipts })}
        />
      </Section>
      <Section title="Groups">
        <ChoiceField
          {...field('groupPolicy', 'Group policy')}
          value={shown.groupPolicy}
          inherited={channel.groupPolicy}
          options={choice(GROUP_POLICIES, GROUP_LABELS)}
          onChange={(groupPolicy) => s.edit({ groupPolicy })}
        />
        <SenderListField
          {...field(
            'groupAllowFrom',
            'Allowed group senders (groupAllowFrom)',
            'Who may trigger it in groups.',
          )}
          kind="group"
          list={shown.groupAllowFrom}
          inherited={channel.groupAllowFrom}
          onChange={(groupAllowFrom) => s.edit({ groupAllowFrom })}
        />
        <GroupsField
          {...field('groups', 'Groups', 'Group JIDs, or "*" for every group.')}
          groups={shown.groups}
          inherited={channel.groups}
          onChange={(groups) => s.edit({ groups })}
        />
      </Section>
      <Section title="Acknowledgment reaction">
        <EmojiField
          {...field('ackEmoji', 'Emoji', 'Sent on receipt, before the reply. Empty turns it off.')}
          value={shown.ackEmoji}
          inherited={channel.ackEmoji}
          onChange={(ackEmoji) => s.edit({ ackEmoji })}
        />
        <ChoiceField
          {...field('ackDirect', 'In direct chats')}
          value={shown.ackDirect}
          inherited={channel.ackDirect}
          options={ON_OFF}
          onChange={(ackDirect) => s.edit({ ackDirect })}
        />
        <ChoiceField
          {...field('ackGroup', 'In groups')}
          value={shown.ackGroup}
          inherited={channel.ackGroup}
          options={choice(ACK_GROUP_MODES, ACK_GROUP_LABELS)}
          onChange={(ackGroup) => s.edit({ ackGroup })}
        />
      </Section>
      {placed.other.length > 0 && (
        <IssueList
          testId="access-errors"
          tone="error"
          title="Not saved"
          issues={placed.other}
          onPick={() => {}}
        />
      )}
      {s.issues.warnings.length > 0 && (
        <IssueList
          testId="access-warnings"
          tone="warn"
          title="Saved, with warnings"
          issues={s.issues.warnings}
          onPick={() => {}}
        />
      )}
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          data-testid="access-save"
          disabled={!s.dirty || s.busy !== null || !online || Object.keys(problems).length > 0}
          onClick={() => void s.save()}
        >
          {s.busy === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          data-testid="access-revert"
          disabled={!s.dirty || s.busy !== null}
          onClick={s.revert}
        >
          Revert
        </button>
        {s.dirty && (
          <span className="muted small" data-testid="access-dirty">
            Unsaved changes
          </span>
        )}
      </div>
    </section>
  );
}
