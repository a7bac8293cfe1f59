// The Setup screen's state: the answers, the plan built from them and the config as it is now (read when the
// summary is shown, so "what will change" is about the file of this moment), the write (the key first, then one
// config.setMany guarded by the file's hash) and, on the last step, the session turns and outbox items that show
// the first answer going out. Turns and items are only listened to on that step and kept bounded.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Turn } from '../../../shared/contract-agent';
import type { OutboxItem } from '../../../shared/contract-outbound';
import {
  normalizePhone,
  planSetup,
  setupCurrentFrom,
  type PlanResult,
  type SetupCurrent,
  type SetupDmPolicy,
  type SetupMode,
} from '../../../shared/setup-plan';
import { useBackend } from '../backend-context';
import type { ModelForm } from '../model-settings-model';
import { lastSeq, nextStep, previousStep, type ModelGate, type SetupStep } from '../setup-model';
import { appStore } from '../store';

const MAX_LIVE = 50;

export interface SetupView {
  step: SetupStep;
  mode: SetupMode;
  ownerText: string;
  owner: ReturnType<typeof normalizePhone>;
  dmPolicy: SetupDmPolicy;
  gate: ModelGate;
  /** The plan for the answers against the config as last read (null until the summary is shown). */
  plan: PlanResult | null;
  confirmReplace: boolean;
  saving: boolean;
  saveError: string | null;
  sinceSeq: number;
  turns: Turn[];
  outbox: OutboxItem[];
  setMode(mode: SetupMode): void;
  setOwnerText(text: string): void;
  setDmPolicy(policy: SetupDmPolicy): void;
  setGate(gate: ModelGate): void;
  setConfirmReplace(yes: boolean): void;
  go(step: SetupStep): void;
  next(): void;
  back(): void;
  /** Reads the config and builds the summary for the model form (null when the model step was skipped). */
  review(form: ModelForm | null): Promise<void>;
  save(form: ModelForm | null): Promise<boolean>;
}

const append = <T>(list: T[], item: T): T[] => [...list, item].slice(-MAX_LIVE);

export function useSetup(): SetupView {
  const { api } = useBackend();
  const [step, setStep] = useState<SetupStep>('mode');
  const [mode, setMode] = useState<SetupMode>('dedicated');
  const [ownerText, setOwnerText] = useState('');
  const [dmPolicy, setDmPolicy] = useState<SetupDmPolicy>('pairing');
  const [gate, setGate] = useState<ModelGate>('untested');
  const [current, setCurrent] = useState<{ value: SetupCurrent; hash: string } | null>(null);
  const [confirmReplace, setConfirmReplace] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [sinceSeq, setSinceSeq] = useState(0);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [outbox, setOutbox] = useState<OutboxItem[]>([]);
  const [planForm, setPlanForm] = useState<ModelForm | null>(null);

  const owner = useMemo(() => normalizePhone(ownerText), [ownerText]);
  const plan = useMemo(
    () =>
      current
        ? planSetup(
            {
              mode,
              owner: ownerText,
              dmPolicy: mode === 'dedicated' ? dmPolicy : undefined,
              model: planForm ? toModel(planForm) : null,
            },
            current.value,
          )
        : null,
    [current, mode, ownerText, dmPolicy, planForm],
  );

  const review = useCallback(
    async (form: ModelForm | null) => {
      setSaveError(null);
      setConfirmReplace(false);
      setPlanForm(form);
      const got = await api.config.get();
      if (!got.ok) {
        setSaveError(`Could not read the config: ${got.error.message}`);
        return;
      }
      setCurrent({ value: setupCurrentFrom(got.value.value), hash: got.value.hash });
    },
    [api],
  );

  const save = useCallback(
    async (form: ModelForm | null): Promise<boolean> => {
      if (!plan?.ok || !current) return false;
      setSaving(true);
      setSaveError(null);
      try {
        if (form?.key) {
          const stored = await api.models.setKey({ provider: form.provider, apiKey: form.key });
          if (!stored.ok) {
            setSaveError(`The key was not stored: ${stored.error.message}`);
            return false;
          }
        }
        if (plan.plan.entries.length > 0) {
          const saved = await api.config.setMany({ entries: plan.plan.entries, baseHash: current.hash });
          if (!saved.ok) {
            setSaveError(`Not saved: ${saved.error.message}`);
            return false;
          }
        }
        // Only messages accepted from now on count as the first one on the last step.
        setSinceSeq(lastSeq(appStore.getState().inbound.messages));
        return true;
      } finally {
        setSaving(false);
      }
    },
    [api, plan, current],
  );

  useEffect(() => {
    if (step !== 'done') return;
    const offTurn = api.on('sessions.turn', (turn) => setTurns((list) => append(list, turn)));
    const offOutbox = api.on('outbox.changed', (item) =>
      setOutbox((list) =>
        append(
          list.filter((o) => o.seq !== item.seq),
          item,
        ),
      ),
    );
    return () => {
      offTurn();
      offOutbox();
    };
  }, [api, step]);

  return {
    step,
    mode,
    ownerText,
    owner,
    dmPolicy,
    gate,
    plan,
    confirmReplace,
    saving,
    saveError,
    sinceSeq,
    turns,
    outbox,
    setMode,
    setOwnerText,
    setDmPolicy,
    setGate,
    setConfirmReplace,
    go: setStep,
    next: () => setStep((s) => nextStep(s)),
    back: () => setStep((s) => previousStep(s)),
    review,
    save,
  };
}

function toModel(form: ModelForm) {
  return {
    preset: form.preset,
    provider: form.provider,
    api: form.api,
    baseUrl: form.baseUrl,
    model: form.model,
  };
}
