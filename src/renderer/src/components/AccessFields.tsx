// Field editors for the access settings: a choice (select), an allowlist of numbers, the groups table and the
// ack emoji. Each shows what is wrong right under itself — its own check while typing, the gateway's issues
// about its key path after a save. In an account's scope every field can inherit the channel's value instead.
import {
  emojiProblem,
  groupKeyProblem,
  listWarnings,
  normalizePhone,
  senderEntryProblem,
  type GroupsValue,
} from '../access-model';
import { AddEntry, FieldShell, InheritToggle, type FieldProps } from './FieldShell';

/** One value from a list; `inherited` (account scope) adds "Same as the channel (…)" for the undefined value. */
export function ChoiceField<T extends string | boolean>(
  props: FieldProps & {
    value: T | undefined;
    options: ReadonlyArray<{ value: T; label: string }>;
    inherited?: T;
    inheritable: boolean;
    onChange(value: T | undefined): void;
  },
) {
  const labelOf = (v: T | undefined) => props.options.find((o) => o.value === v)?.label ?? String(v);
  // Option values are the config values as text ("pairing", "true"); "" is "not set", which no value spells.
  const known = props.options.some((o) => o.value === props.value);
  return (
    <FieldShell {...props}>
      <select
        data-testid={`access-${props.id}`}
        aria-label={props.label}
        value={known ? String(props.value) : ''}
        onChange={(e) => props.onChange(props.options.find((o) => String(o.value) === e.target.value)?.value)}
      >
        {(props.inheritable || !known) && (
          <option value="">
            {props.inheritable ? `Same as the channel (${labelOf(props.inherited)})` : 'Default'}
          </option>
        )}
        {props.options.map((o) => (
          <option key={String(o.value)} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** allowFrom / groupAllowFrom: E.164 numbers or "*". */
export function SenderListField(
  props: FieldProps & {
    list: string[] | undefined;
    /** The channel's list, in an account's scope. */
    inherited?: string[];
    inheritable: boolean;
    kind: 'dm' | 'group';
    onChange(list: string[] | undefined): void;
  },
) {
  const { list, inheritable, inherited } = props;
  const own = list !== undefined || !inheritable;
  const shown = list ?? (inheritable ? (inherited ?? []) : []);
  const warnings = listWarnings(shown, props.kind);
  return (
    <FieldShell {...props} warnings={warnings}>
      {inheritable && (
        <InheritToggle
          id={props.id}
          inherit={!own}
          onChange={(inherit) => props.onChange(inherit ? undefined : [...(inherited ?? [])])}
        />
      )}
      {shown.length === 0 && <p className="muted small">No numbers.</p>}
      <ul className="entries" data-testid={`access-${props.id}-list`}>
        {shown.map((entry, i) => (
          <li key={`${entry}-${i}`} data-testid="access-entry" className={own ? undefined : 'inherited'}>
            <code data-testid="access-entry-value">{entry}</code>
            {senderEntryProblem(entry) && (
              <span className="error-text small">{senderEntryProblem(entry)}</span>
            )}
            {own && (
              <button
                type="button"
                className="link-button small"
                aria-label={`Remove ${entry}`}
                onClick={() => props.onChange(shown.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {own && (
        <AddEntry
          id={props.id}
          placeholder="+15551234567 or *"
          normalize={normalizePhone}
          check={(e) => (shown.includes(e) ? `${e} is already listed.` : senderEntryProblem(e))}
          onAdd={(e) => props.onChange([...shown, e])}
        />
      )}
    </FieldShell>
  );
}

/** groups: group JIDs (or "*") each with whether the assistant answers only when mentioned. */
export function GroupsField(
  props: FieldProps & {
    groups: GroupsValue | undefined;
    inherited?: GroupsValue;
    inheritable: boolean;
    onChange(groups: GroupsValue | undefined): void;
  },
) {
  const own = props.groups !== undefined || !props.inheritable;
  const shown = props.groups ?? (props.inheritable ? (props.inherited ?? {}) : {});
  const entries = Object.entries(shown);
  const set = (jid: string, requireMention: boolean) =>
    props.onChange({ ...shown, [jid]: { requireMention } });
  const remove = (jid: string) => props.onChange(Object.fromEntries(entries.filter(([k]) => k !== jid)));
  return (
    <FieldShell {...props}>
      {props.inheritable && (
        <InheritToggle
          id={props.id}
          inherit={!own}
          onChange={(inherit) => props.onChange(inherit ? undefined : { ...(props.inherited ?? {}) })}
        />
      )}
      {entries.length === 0 && <p className="muted small">No groups listed.</p>}
      <ul className="entries" data-testid="access-groups-list">
        {entries.map(([jid, entry]) => (
          <li key={jid} data-testid="access-group" className={own ? undefined : 'inherited'}>
            <code>{jid === '*' ? '* (every group)' : jid}</code>
            <label className="small">
              <input
                type="checkbox"
                disabled={!own}
                checked={entry.requireMention ?? true}
                onChange={(e) => set(jid, e.target.checked)}
              />
              only when mentioned
            </label>
            {own && (
              <button type="button" className="link-button small" onClick={() => remove(jid)}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {own && (
        <AddEntry
          id={props.id}
          placeholder="120363012345678901@g.us or *"
          normalize={(t) => t.trim()}
          check={(k) => (k in shown ? `${k} is already listed.` : groupKeyProblem(k))}
          onAdd={(k) => set(k, true)}
        />
      )}
    </FieldShell>
  );
}

export function EmojiField(
  props: FieldProps & {
    value: string | undefined;
    inherited?: string;
    inheritable: boolean;
    onChange(value: string | undefined): void;
  },
) {
  const own = props.value !== undefined || !props.inheritable;
  const shown = props.value ?? (props.inheritable ? (props.inherited ?? '') : '');
  const problem = props.problem ?? (own ? (emojiProblem(shown) ?? undefined) : undefined);
  return (
    <FieldShell {...props} problem={problem}>
      {props.inheritable && (
        <InheritToggle
          id={props.id}
          inherit={!own}
          onChange={(inherit) => props.onChange(inherit ? undefined : (props.inherited ?? ''))}
        />
      )}
      <input
        type="text"
        className="emoji-input"
        data-testid="access-ackEmoji"
        aria-label="Reaction emoji"
        aria-invalid={problem ? 'true' : undefined}
        placeholder="off"
        disabled={!own}
        value={shown}
        onChange={(e) => props.onChange(e.target.value.trim())}
      />
    </FieldShell>
  );
}
