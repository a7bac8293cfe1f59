// A list of config issues: where (key path, line/column) and what. Issues with a line move the cursor there.
import type { ConfigIssue } from '../../../shared/contract';
import { describeIssueLocation } from '../settings-model';

export function IssueList(props: {
  testId: string;
  tone: 'error' | 'warn';
  title: string;
  issues: ConfigIssue[];
  onPick(issue: ConfigIssue): void;
}) {
  return (
    <div className={`issues issues-${props.tone}`}>
      <h2>{props.title}</h2>
      <ul data-testid={props.testId}>
        {props.issues.map((issue, i) => (
          <li key={`${issue.path}:${issue.line ?? ''}:${i}`} data-testid="config-issue">
            {issue.line !== undefined ? (
              <button type="button" className="link-button issue-path" onClick={() => props.onPick(issue)}>
                {describeIssueLocation(issue)}
              </button>
            ) : (
              <code className="issue-path">{describeIssueLocation(issue)}</code>
            )}
            <span className="issue-message">{issue.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
