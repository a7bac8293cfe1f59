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
            <IssueMessage message={issue.message} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A message's first line as text; what follows (a JSON5 syntax error's source lines and caret) in monospace with
 * its spacing kept, so the caret stays under the column it points at. Scrolls sideways on its own when long.
 */
function IssueMessage(props: { message: string }) {
  const [first, ...rest] = props.message.split('\n');
  return (
    <>
      <span className="issue-message">{first}</span>
      {rest.length > 0 && (
        <pre className="issue-excerpt" data-testid="config-issue-excerpt">
          {rest.join('\n')}
        </pre>
      )}
    </>
  );
}
