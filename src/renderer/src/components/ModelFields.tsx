// The model form's fields (preset, provider id, address, API, model id, write-only key), shared by Settings → Model
// and the Setup screen's model step.
import type { ReactNode } from 'react';
import type { ModelInfo } from '../../../shared/contract-agent';
import {
  applyPreset,
  keyLine,
  presetById,
  PRESETS,
  type FormErrors,
  type ModelForm,
} from '../model-settings-model';

function Field(props: { label: string; help?: string; problem?: string; children: ReactNode }) {
  return (
    <label className="access-field">
      <span className="access-label">
        <span>{props.label}</span>
        {props.help && <span className="muted small">{props.help}</span>}
      </span>
      <span className="access-control">
        {props.children}
        {props.problem && (
          <span className="field-error" role="alert">
            {props.problem}
          </span>
        )}
      </span>
    </label>
  );
}

export function ModelFields(props: {
  form: ModelForm;
  problems: FormErrors;
  models: readonly ModelInfo[];
  onEdit(next: ModelForm): void;
}) {
  const { form, problems } = props;
  const preset = presetById(form.preset);
  const set = (patch: Partial<ModelForm>) => props.onEdit({ ...form, ...patch });
  return (
    <>
      <Field label="Provider">
        <select
          data-testid="model-preset"
          value={form.preset}
          onChange={(e) => props.onEdit(applyPreset(form, e.target.value))}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Provider id" help="Saved as models.providers.<id>" problem={problems.provider}>
        <input
          data-testid="model-provider"
          value={form.provider}
          onChange={(e) => set({ provider: e.target.value.trim() })}
        />
      </Field>
      <Field label="Address" help="The API's base URL" problem={problems.baseUrl}>
        <input
          data-testid="model-base-url"
          value={form.baseUrl}
          placeholder="http://127.0.0.1:8000/v1"
          onChange={(e) => set({ baseUrl: e.target.value })}
        />
      </Field>
      <Field label="API" help="The wire format the server speaks">
        <select
          data-testid="model-api"
          value={form.api}
          onChange={(e) => set({ api: e.target.value as ModelForm['api'] })}
        >
          <option value="openai-completions">OpenAI Chat Completions</option>
          <option value="anthropic-messages">Anthropic Messages</option>
        </select>
      </Field>
      <Field label="Model id" problem={problems.model}>
        <input
          data-testid="model-id"
          value={form.model}
          placeholder={preset.modelHint}
          onChange={(e) => set({ model: e.target.value })}
        />
      </Field>
      <Field
        label="API key"
        help={preset.needsKey ? keyLine(props.models, form.provider) : 'Local servers usually need none.'}
      >
        <input
          data-testid="model-key"
          type="password"
          autoComplete="off"
          value={form.key}
          placeholder={preset.needsKey ? 'Paste a key to store it' : 'optional'}
          onChange={(e) => set({ key: e.target.value })}
        />
      </Field>
    </>
  );
}
