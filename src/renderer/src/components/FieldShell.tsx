// The frame every access field shares — label, help, the control, and what is wrong right under it — plus the
// two pieces several fields use: "Same as the channel" (an account inheriting) and a box that adds an entry.
import { useState, type ReactNode } from 'react';
import type { ConfigIssue } from '../../../shared/contract';
import type { FieldId } from '../access-model';

export interface FieldProps {
  id: FieldId;
  label: string;
  help?: ReactNode;
  /** The local check's verdict, shown while the form is edited. */
  problem?: string;
  /** The gateway's issues about this key path, from the last save. */
  issues?: ConfigIssue[];
}

export function FieldShell(props: FieldProps & { warnings?: string[]; children: ReactNode }) {
  return (
    <div className="access-field" data-testid={`access-field-${props.id}`}>
      <div className="access-label">
        <span>{props.label}</span>
        {props.help && <span className="muted small">{props.help}</span>}
      </div>
      <div className="access-control">
        {props.children}
        {props.problem && (
          <p className="field-error" role="alert" data-testid="access-field-error">
            {props.problem}
          </p>
        )}
        {props.issues?.map((issue, i) => (
          <p key={i} className="field-error" role="alert" data-testid="access-field-issue">
            <code>{issue.path}</code> {issue.message}
          </p>
        ))}
        {props.warnings?.map((w) => (
          <p key={w} className="field-warning" data-testid="access-field-warning">
            {w}
          </p>
        ))}
      </div>
    </div>
  );
}

export function InheritToggle(props: { id: FieldId; inherit: boolean; onChange(inherit: boolean): void }) {
  return (
    <label className="inherit-toggle small">
      <input
        type="checkbox"
        data-testid={`access-${props.id}-inherit`}
        checked={props.inherit}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      Same as the channel
    </label>
  );
}

/** A text box and an Add button; `check` returns the problem with the (normalized) entry, or null. */
export function AddEntry(props: {
  id: FieldId;
  placeholder: string;
  normalize(text: string): string;
  check(entry: string): string | null;
  onAdd(entry: string): void;
}) {
  const [text, setText] = useState('');
  const entry = props.normalize(text);
  const problem = text.trim() === '' ? null : props.check(entry);
  const add = () => {
    if (entry === '' || problem) return;
    props.onAdd(entry);
    setText('');
  };
  return (
    <div className="add-entry">
      <input
        type="text"
        data-testid={`access-${props.id}-input`}
        aria-label={`Add to ${props.id}`}
        aria-invalid={problem ? 'true' : undefined}
        placeholder={props.placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          add();
        }}
      />
      <button
        type="button"
        data-testid={`access-${props.id}-add`}
        disabled={entry === '' || problem !== null}
        onClick={add}
      >
        Add
      </button>
      {problem && (
        <p className="field-error" role="alert" data-testid="access-entry-error">
          {problem}
        </p>
      )}
    </div>
  );
}
