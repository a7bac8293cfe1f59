// What a save of the access editors sends, and where the answers go. Each changed field is one `config.set` (or
// `config.unset` when an account goes back to inheriting), chained on the previous write's hash so a file changed
// by someone else stops the save instead of being overwritten. The order keeps every intermediate file valid,
// because the gateway refuses a write that leaves the config invalid.
import type { ConfigIssue } from '../../shared/contract';
import {
  effectiveValues,
  FIELD_IDS,
  fieldPath,
  type AccessValues,
  type DmPolicy,
  type FieldId,
  type Scope,
} from './access-model';

export type Write =
  { field: FieldId; path: string; op: 'set'; value: unknown } | { field: FieldId; path: string; op: 'unset' };

const LISTS: FieldId[] = ['allowFrom', 'groupAllowFrom'];

/** Is `value` what the field holds when nothing is written? For the channel, an absent list is an empty one. */
function normalized(scope: Scope, field: FieldId, value: unknown): unknown {
  if (scope.kind === 'channel' && value === undefined) {
    if (LISTS.includes(field)) return [];
    if (field === 'groups') return {};
    if (field === 'ackEmoji') return '';
  }
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function changedFields(scope: Scope, loaded: AccessValues, form: AccessValues): FieldId[] {
  return FIELD_IDS.filter((f) => !same(normalized(scope, f, loaded[f]), normalized(scope, f, form[f])));
}

/** The rule the gateway checks between dmPolicy and the allowFrom that applies. */
export function dmAllowed(policy: DmPolicy | undefined, allowFrom: readonly string[] | undefined): boolean {
  if (policy === 'open') return (allowFrom ?? []).includes('*');
  if (policy === 'allowlist') return (allowFrom ?? []).length > 0;
  return true;
}

/**
 * The writes that take the file from `loaded` to `form` for one scope (`channel` is the channel's values when
 * the scope is an account). When both dmPolicy and allowFrom change, the policy goes first if it already fits the
 * old list, otherwise the list does: one of the two orders always keeps the file valid when the end state is.
 */
export function planWrites(
  scope: Scope,
  loaded: AccessValues,
  form: AccessValues,
  channel: AccessValues | null,
): Write[] {
  const fields = changedFields(scope, loaded, form);
  if (fields.includes('dmPolicy') && fields.includes('allowFrom')) {
    const before = channel ? effectiveValues(loaded, channel) : loaded;
    const after = channel ? effectiveValues(form, channel) : form;
    if (dmAllowed(after.dmPolicy, before.allowFrom)) {
      fields.splice(fields.indexOf('dmPolicy'), 1);
      fields.unshift('dmPolicy');
    }
  }
  return fields.map((field): Write => {
    const path = fieldPath(scope, field);
    const value = form[field];
    // An empty emoji turns the reaction off: the channel simply drops the key; an account keeps "" so it does
    // not inherit the channel's emoji.
    const drop = value === undefined || (scope.kind === 'channel' && field === 'ackEmoji' && value === '');
    return drop ? { field, path, op: 'unset' } : { field, path, op: 'set', value };
  });
}

export interface PlacedIssues {
  byField: Partial<Record<FieldId, ConfigIssue[]>>;
  /** Issues about other keys (another account, a key these editors do not show). */
  other: ConfigIssue[];
}

/** Sorts the gateway's issues to the fields whose key path they name (the path itself or below it). */
export function placeIssues(issues: readonly ConfigIssue[], scope: Scope): PlacedIssues {
  const placed: PlacedIssues = { byField: {}, other: [] };
  for (const issue of issues) {
    const field = FIELD_IDS.find((f) => {
      const path = fieldPath(scope, f);
      const rest = issue.path.slice(path.length);
      return issue.path.startsWith(path) && (rest === '' || rest.startsWith('.') || rest.startsWith('['));
    });
    if (field) (placed.byField[field] ??= []).push(issue);
    else placed.other.push(issue);
  }
  return placed;
}
