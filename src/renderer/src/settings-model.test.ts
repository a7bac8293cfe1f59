import { describe, expect, it } from 'vitest';
import { describeIssueLocation, issuesFromError, offsetOf, onExternalChange } from './settings-model';

describe('settings model', () => {
  it('takes the issues from details.errors, details itself, or the message', () => {
    const issue = {
      path: 'channels.whatsapp.dmPolicy',
      message: 'must be one of pairing, allowlist, open, disabled',
      line: 3,
      column: 5,
    };
    expect(
      issuesFromError({
        code: 'config.invalid',
        message: 'invalid',
        details: { errors: [issue, { junk: 1 }] },
      }),
    ).toEqual([issue]);
    expect(issuesFromError({ code: 'config.parse_error', message: 'x', details: [issue] })).toEqual([issue]);
    expect(issuesFromError({ code: 'config.write_failed', message: 'disk full' })).toEqual([
      { path: '', message: 'disk full' },
    ]);
  });

  it('never clobbers unsaved edits when the file changes on disk', () => {
    expect(onExternalChange({ baseHash: 'a', dirty: false, saving: false }, 'a')).toBe('ignore');
    expect(onExternalChange({ baseHash: 'a', dirty: false, saving: false }, 'b')).toBe('reload');
    expect(onExternalChange({ baseHash: 'a', dirty: true, saving: false }, 'b')).toBe('notify');
    expect(onExternalChange({ baseHash: 'a', dirty: true, saving: true }, 'b')).toBe('defer');
  });

  it('describes where an issue is', () => {
    expect(describeIssueLocation({ path: '', message: 'm' })).toBe('(whole file)');
    expect(describeIssueLocation({ path: 'a.b', message: 'm', line: 2 })).toBe('a.b · line 2');
    expect(describeIssueLocation({ path: 'a.b', message: 'm', line: 2, column: 9 })).toBe(
      'a.b · line 2, column 9',
    );
  });

  it('finds the offset of a line and column, clamped to the text', () => {
    const text = '{\n  a: 1,\n  b: 2\n}';
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(offsetOf(text, 2, 3)).toBe(4);
    expect(text.slice(offsetOf(text, 3, 3), offsetOf(text, 3, 3) + 4)).toBe('b: 2');
    expect(offsetOf(text, 2, 99)).toBe(text.indexOf('\n', 2));
    expect(offsetOf(text, 99)).toBe(text.length);
  });
});
