// State and gateway calls behind the Settings editor. The user's text is never replaced behind their back: a change
// on disk reloads the editor only when it holds no unsaved edits, and a failed save keeps the text as typed.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { OpenClawApi } from '../../../shared/api';
import type { ConfigIssue } from '../../../shared/contract';
import { issuesFromError, onExternalChange } from '../settings-model';

export interface EditorBase {
  raw: string;
  hash: string;
  file: string;
  /** False when the file does not exist yet (Save creates it). */
  exists: boolean;
}

/** Problems found in the editor's text by Validate or Save (the file on disk has its own, in the store). */
export interface EditorIssues {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

export type EditorNotice =
  | { kind: 'saved' }
  | { kind: 'valid' }
  | { kind: 'conflict' }
  | { kind: 'not-saved' }
  | { kind: 'changed-on-disk' }
  | { kind: 'reloaded' }
  | { kind: 'error'; message: string };

export type Busy = 'loading' | 'validating' | 'saving' | null;

export function useConfigEditor(api: OpenClawApi) {
  const [base, setBase] = useState<EditorBase | null>(null);
  const [text, setTextState] = useState('');
  const [issues, setIssues] = useState<EditorIssues | null>(null);
  const [notice, setNotice] = useState<EditorNotice | null>(null);
  const [busy, setBusy] = useState<Busy>('loading');
  const [loadError, setLoadError] = useState<string | null>(null);
  const dirty = base !== null && text !== base.raw;

  // The config.changed handler outlives renders; it reads the current editor through this ref.
  const live = useRef({ base, dirty, saving: false, deferredHash: null as string | null, mounted: true });
  live.current.base = base;
  live.current.dirty = dirty;

  const load = useCallback(
    async (why: 'initial' | 'reload' | 'external') => {
      if (why !== 'external') setBusy('loading');
      const result = await api.config.get();
      if (!live.current.mounted) return;
      if (why !== 'external') setBusy(null);
      if (!result.ok) {
        setLoadError(result.error.message);
        return;
      }
      const v = result.value;
      const next: EditorBase = { raw: v.raw ?? '', hash: v.hash, file: v.file, exists: v.raw !== null };
      if (why === 'external') {
        if (next.hash === live.current.base?.hash) return;
        // The user started typing while we fetched: keep their text.
        if (live.current.dirty) return setNotice({ kind: 'changed-on-disk' });
      }
      setLoadError(null);
      setBase(next);
      live.current.base = next;
      setTextState(next.raw);
      setIssues(null);
      setNotice(why === 'external' ? { kind: 'reloaded' } : null);
    },
    [api],
  );

  useEffect(() => {
    live.current.mounted = true;
    void load('initial');
    const off = api.on('config.changed', (status) => {
      const l = live.current;
      const action = onExternalChange(
        { baseHash: l.base?.hash ?? null, dirty: l.dirty, saving: l.saving },
        status.hash,
      );
      if (action === 'defer') l.deferredHash = status.hash;
      else if (action === 'reload') void load('external');
      else if (action === 'notify') setNotice({ kind: 'changed-on-disk' });
    });
    return () => {
      live.current.mounted = false;
      off();
    };
  }, [api, load]);

  const setText = useCallback((value: string) => {
    setTextState(value);
    setNotice((n) => (n?.kind === 'saved' || n?.kind === 'valid' || n?.kind === 'reloaded' ? null : n));
  }, []);

  const validate = useCallback(async () => {
    setBusy('validating');
    const result = await api.config.validate({ raw: text });
    if (!live.current.mounted) return;
    setBusy(null);
    if (!result.ok) {
      setIssues({ errors: issuesFromError(result.error), warnings: [] });
      setNotice(null);
      return;
    }
    const { valid, errors, warnings } = result.value;
    setIssues(errors.length + warnings.length > 0 ? { errors, warnings } : null);
    setNotice(valid ? { kind: 'valid' } : null);
  }, [api, text]);

  const save = useCallback(async () => {
    if (!base) return;
    const raw = text;
    live.current.saving = true;
    live.current.deferredHash = null;
    setBusy('saving');
    setNotice(null);
    const result = await api.config.apply({ raw, baseHash: base.hash });
    live.current.saving = false;
    if (!live.current.mounted) return;
    setBusy(null);
    const deferred = live.current.deferredHash;
    live.current.deferredHash = null;
    if (result.ok) {
      const saved: EditorBase = { raw, hash: result.value.hash, file: result.value.file, exists: true };
      setBase(saved);
      live.current.base = saved;
      setIssues(result.value.warnings.length > 0 ? { errors: [], warnings: result.value.warnings } : null);
      setNotice({ kind: 'saved' });
      // A change event that raced the save and is not our own write: look at the disk again.
      if (deferred !== null && deferred !== saved.hash) void load('external');
      return;
    }
    const { error } = result;
    const invalid = error.code === 'config.invalid' || error.code === 'config.parse_error';
    if (invalid) setIssues({ errors: issuesFromError(error), warnings: [] });
    if (error.code === 'config.conflict') setNotice({ kind: 'conflict' });
    else if (!invalid) setNotice({ kind: 'error', message: error.message });
    else
      setNotice(
        deferred !== null && deferred !== base.hash ? { kind: 'changed-on-disk' } : { kind: 'not-saved' },
      );
  }, [api, base, load, text]);

  const revert = useCallback(() => {
    if (!base) return;
    setTextState(base.raw);
    setIssues(null);
    setNotice(null);
  }, [base]);

  const reload = useCallback(() => void load('reload'), [load]);

  return { base, text, setText, dirty, issues, notice, busy, loadError, validate, save, revert, reload };
}
