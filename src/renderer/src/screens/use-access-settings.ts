// State and gateway calls behind the structured access editors in Settings. One form per scope (the channel or
// one account); a save writes only the changed keys, each through config.set/config.unset guarded by the hash of
// the file the form was read from. Like the JSON5 editor next to it, it never replaces unsaved edits behind the
// person's back: a change on disk reloads the form only when it holds none.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { OpenClawApi } from '../../../shared/api';
import type { ConfigIssue } from '../../../shared/contract';
import { CHANNEL_PATH, readChannel, type AccessValues, type Scope } from '../access-model';
import { changedFields, planWrites } from '../access-plan';
import { issuesFromError, onExternalChange } from '../settings-model';

export interface AccessData {
  hash: string;
  channel: AccessValues;
  accounts: Record<string, AccessValues>;
}

export type AccessNotice =
  | { kind: 'saved'; count: number }
  | { kind: 'conflict' }
  | { kind: 'changed-on-disk' }
  | { kind: 'error'; message: string };

export const scopeOf = (key: string): Scope =>
  key === '' ? { kind: 'channel' } : { kind: 'account', id: key };

export function loadedFor(data: AccessData | null, scope: Scope): AccessValues {
  if (!data) return {};
  return scope.kind === 'channel' ? data.channel : (data.accounts[scope.id] ?? {});
}

export function useAccessSettings(api: OpenClawApi) {
  const [data, setData] = useState<AccessData | null>(null);
  const [scopeKey, setScopeKey] = useState('');
  const [form, setForm] = useState<AccessValues>({});
  const [busy, setBusy] = useState<'loading' | 'saving' | null>('loading');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<AccessNotice | null>(null);
  const [issues, setIssues] = useState<{ errors: ConfigIssue[]; warnings: ConfigIssue[] }>({
    errors: [],
    warnings: [],
  });
  const scope = scopeOf(scopeKey);
  const loaded = loadedFor(data, scope);
  const dirty = data !== null && changedFields(scope, loaded, form).length > 0;

  // The config.changed handler outlives renders; it reads the current form through this ref.
  // `written` holds the hashes our own writes produced: their config.changed events may arrive after the save
  // has finished and must not read as someone else's change.
  const live = useRef({ data, dirty, scopeKey, saving: false, mounted: true, written: new Set<string>() });
  Object.assign(live.current, { data, dirty, scopeKey });

  /** Reads the channel's config; `resetForm` replaces the form with what was read (no unsaved edits to keep). */
  const load = useCallback(
    async (resetForm: boolean) => {
      const result = await api.config.get({ path: CHANNEL_PATH });
      if (!live.current.mounted) return;
      setBusy((b) => (b === 'loading' ? null : b));
      if (!result.ok) return setLoadError(result.error.message);
      setLoadError(null);
      const next: AccessData = { hash: result.value.hash, ...readChannel(result.value.value) };
      setData(next);
      live.current.data = next;
      if (resetForm) setForm(loadedFor(next, scopeOf(live.current.scopeKey)));
    },
    [api],
  );

  useEffect(() => {
    live.current.mounted = true;
    void load(true);
    const off = api.on('config.changed', (status) => {
      const l = live.current;
      if (l.written.has(status.hash)) return;
      const action = onExternalChange(
        { baseHash: l.data?.hash ?? null, dirty: l.dirty, saving: l.saving },
        status.hash,
      );
      if (action === 'reload') void load(true);
      else if (action === 'notify') setNotice({ kind: 'changed-on-disk' });
    });
    return () => {
      live.current.mounted = false;
      off();
    };
  }, [api, load]);

  const chooseScope = useCallback((key: string) => {
    setScopeKey(key);
    live.current.scopeKey = key;
    setForm(loadedFor(live.current.data, scopeOf(key)));
    setIssues({ errors: [], warnings: [] });
    setNotice(null);
  }, []);

  const edit = useCallback((patch: AccessValues) => {
    setForm((f) => {
      const next = { ...f, ...patch };
      // An explicit undefined in the patch means "inherit": drop the key rather than keep it as undefined.
      for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k as keyof AccessValues];
      return next;
    });
    setNotice((n) => (n?.kind === 'saved' ? null : n));
  }, []);

  const save = useCallback(async () => {
    if (!data) return;
    const writes = planWrites(scope, loaded, form, scope.kind === 'account' ? data.channel : null);
    live.current.saving = true;
    setBusy('saving');
    setNotice(null);
    let hash = data.hash;
    let done = 0;
    const warnings: ConfigIssue[] = [];
    let errors: ConfigIssue[] = [];
    let failure: AccessNotice | null = null;
    for (const w of writes) {
      const result =
        w.op === 'set'
          ? await api.config.set({ path: w.path, value: w.value, baseHash: hash })
          : await api.config.unset({ path: w.path, baseHash: hash });
      if (result.ok) {
        hash = result.value.hash;
        live.current.written.add(hash);
        warnings.splice(0, warnings.length, ...result.value.warnings);
        done++;
        continue;
      }
      const { error } = result;
      if (error.code === 'config.conflict') failure = { kind: 'conflict' };
      else if (error.code === 'config.invalid' || error.code === 'config.parse_error')
        errors = issuesFromError(error);
      else errors = [{ path: w.path, message: error.message }];
      break;
    }
    live.current.saving = false;
    if (!live.current.mounted) return;
    setBusy(null);
    setIssues({ errors, warnings });
    if (failure) setNotice(failure);
    else if (errors.length === 0) setNotice({ kind: 'saved', count: done });
    // Read back what is on disk now; the form keeps whatever was not written, so it stays dirty and visible.
    await load(failure === null && errors.length === 0);
  }, [api, data, form, load, loaded, scope]);

  const revert = useCallback(() => {
    setForm(loaded);
    setIssues({ errors: [], warnings: [] });
    setNotice(null);
  }, [loaded]);

  const reload = useCallback(() => {
    setNotice(null);
    setIssues({ errors: [], warnings: [] });
    setBusy('loading');
    void load(true);
  }, [load]);

  return {
    data,
    scope,
    scopeKey,
    chooseScope,
    form,
    loaded,
    edit,
    dirty,
    busy,
    loadError,
    notice,
    issues,
    save,
    revert,
    reload,
  };
}
