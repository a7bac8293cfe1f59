// The Model section's state: the configured primary model read from the config (on open and on every reconnect,
// never over unsaved edits), the model list for where keys come from, and the three actions — Test (a real tiny
// request with the unsaved form), Save (the key first, then one config.setMany) and removing a stored key.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ModelInfo } from '../../../shared/contract-agent';
import type { ApiError } from '../../../shared/result';
import { useBackend } from '../backend-context';
import { onEachHealth } from '../health-refresh';
import {
  checkForm,
  formFromConfig,
  hasErrors,
  saveEntries,
  testDraft,
  EMPTY_FORM,
  type ModelConfigView,
  type ModelForm,
} from '../model-settings-model';
import { appStore } from '../store';

export type ModelNotice =
  | { kind: 'tested'; ok: boolean; message: string }
  | { kind: 'saved' }
  | { kind: 'key-removed' }
  | { kind: 'error'; message: string };

export interface ModelSettingsView {
  form: ModelForm;
  dirty: boolean;
  busy: 'test' | 'save' | null;
  models: ModelInfo[];
  notice: ModelNotice | null;
  loadError: ApiError | null;
  edit(next: ModelForm): void;
  test(): Promise<void>;
  save(): Promise<void>;
  removeKey(): Promise<void>;
}

export function useModelSettings(): ModelSettingsView {
  const { api } = useBackend();
  const [view, setView] = useState<ModelConfigView>({ providers: {}, model: undefined });
  const [hash, setHash] = useState<string | undefined>(undefined);
  const [form, setForm] = useState<ModelForm>(EMPTY_FORM);
  const [dirty, setDirty] = useState(false);
  // Read inside load, which may finish after the person has started typing (the first answer is not instant).
  const dirtyRef = useRef(false);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [notice, setNotice] = useState<ModelNotice | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (replaceForm: boolean) => {
      const [providers, model, list] = await Promise.all([
        api.config.get({ path: 'models.providers' }),
        api.config.get({ path: 'agents.defaults.model' }),
        api.models.list(),
      ]);
      if (!providers.ok || !model.ok) {
        setLoadError(providers.ok ? (model.ok ? null : model.error) : providers.error);
        return;
      }
      const next: ModelConfigView = {
        providers: (providers.value.value ?? {}) as ModelConfigView['providers'],
        model: model.value.value as ModelConfigView['model'],
      };
      setLoadError(null);
      setView(next);
      setHash(model.value.hash);
      if (list.ok) setModels(list.value.models);
      if (replaceForm && !dirtyRef.current) {
        setForm(formFromConfig(next));
        setDirty(false);
      }
    },
    [api],
  );

  useEffect(() => {
    let firstOrClean = true;
    const off = onEachHealth(appStore, () => {
      // A reconnect refreshes what is shown, but never throws away what the person is typing.
      void load(firstOrClean).catch(() => undefined);
      firstOrClean = false;
    });
    return off;
  }, [load]);

  const edit = useCallback((next: ModelForm) => {
    setForm(next);
    setDirty(true);
    dirtyRef.current = true;
    setNotice(null);
  }, []);

  const test = useCallback(async () => {
    setBusy('test');
    setNotice(null);
    try {
      const result = await api.models.test({ draft: testDraft(form) });
      setNotice(
        result.ok
          ? { kind: 'tested', ok: result.value.ok, message: result.value.message }
          : { kind: 'error', message: result.error.message },
      );
    } finally {
      setBusy(null);
    }
  }, [api, form]);

  const save = useCallback(async () => {
    if (hasErrors(checkForm(form))) return;
    setBusy('save');
    setNotice(null);
    try {
      if (form.key) {
        const stored = await api.models.setKey({ provider: form.provider, apiKey: form.key });
        if (!stored.ok) {
          setNotice({ kind: 'error', message: `The key was not stored: ${stored.error.message}` });
          return;
        }
      }
      const saved = await api.config.setMany({ entries: saveEntries(form, view), baseHash: hash });
      if (!saved.ok) {
        setNotice({ kind: 'error', message: `Not saved: ${saved.error.message}` });
        return;
      }
      setNotice({ kind: 'saved' });
      dirtyRef.current = false;
      await load(true);
    } finally {
      setBusy(null);
    }
  }, [api, form, view, hash, load]);

  const removeKey = useCallback(async () => {
    const result = await api.models.setKey({ provider: form.provider, apiKey: '' });
    setNotice(result.ok ? { kind: 'key-removed' } : { kind: 'error', message: result.error.message });
    await load(false);
  }, [api, form.provider, load]);

  return { form, dirty, busy, models, notice, loadError, edit, test, save, removeKey };
}
