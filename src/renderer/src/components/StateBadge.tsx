// An account's health state as a colored badge ("Connected", "Logged out"…); data-state carries the raw state.
import type { AccountState } from '../../../shared/contract';
import { badgeFor } from '../channels-model';

export function StateBadge(props: { state: AccountState; testId?: string; small?: boolean }) {
  const { label, tone } = badgeFor(props.state);
  return (
    <span
      className={`badge badge-${tone}${props.small ? ' badge-small' : ''}`}
      data-testid={props.testId}
      data-state={props.state}
    >
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
