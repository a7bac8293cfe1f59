// Two layers keep secrets out of logs. Key-based: values under well-known secret keys are censored wherever they
// sit in a line. Value-based: exact strings registered at runtime (the gateway token, API keys from the config)
// are censored anywhere in the serialized line, message text included, whatever key they hide under.

export const CENSOR = '[redacted]';

/** Keys whose values never reach a log line. Matched case-insensitively against the whole key. */
export const SENSITIVE_KEYS: readonly string[] = [
  'token',
  'password',
  'secret',
  'authorization',
  'cookie',
  'set-cookie',
  'creds',
  'privateKey',
  'noiseKey',
  'signedIdentityKey',
  'signedPreKey',
  'advSecretKey',
  'apiKey',
  // How model providers' SDKs and proxies carry keys in request headers (Anthropic, Azure OpenAI).
  'x-api-key',
  'api-key',
  'api_key',
  'accessToken',
  'refreshToken',
  // Signal session state as libsignal and Baileys shape it (a SessionEntry, a key pair, a media key).
  'privKey',
  'rootKey',
  'chainKey',
  'baseKey',
  'messageKeys',
  'ephemeralKeyPair',
  'keyPair',
  'pendingPreKey',
  'registrationId',
  'mediaKey',
];

const sensitive = new Set(SENSITIVE_KEYS.map((k) => k.toLowerCase()));

/**
 * Paths for pino's own `redact`. Only top-level keys: pino's wildcard paths (`*.token`, `*.*.token`) cost
 * ~6–35 µs per line with this many keys, against ~0.1 µs for `redactKeysDeep`, which the hub runs on every parsed
 * line anyway and which reaches any depth, including what serializers and child bindings produced.
 */
export const PINO_REDACT_PATHS: readonly string[] = SENSITIVE_KEYS.map((k) =>
  /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`,
);

/**
 * Censors sensitive keys in place at any depth of parsed JSON, and bytes wherever they are (a Buffer reaches JSON
 * as `{ type: 'Buffer', data: [...] }`; no log line needs raw bytes, and key material travels as bytes); returns
 * whether anything changed.
 */
export function redactKeysDeep(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  let changed = false;
  if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => {
      if (isBufferJson(item)) value[i] = redactedBytes(item.data.length);
      changed = isBufferJson(item) || redactKeysDeep(item) || changed;
    });
    return changed;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (sensitive.has(key.toLowerCase())) {
      if (item !== CENSOR) {
        record[key] = CENSOR;
        changed = true;
      }
    } else if (isBufferJson(item)) {
      record[key] = redactedBytes(item.data.length);
      changed = true;
    } else {
      changed = redactKeysDeep(item) || changed;
    }
  }
  return changed;
}

/** How censored bytes read in a line: the length still helps debugging, the content is gone. */
export function redactedBytes(length: number): string {
  return `<redacted ${length} bytes>`;
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: unknown[] } {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}

/**
 * Registered secret values. Shorter values are refused: censoring a two-letter string would shred every line while
 * protecting nothing a guess could not find.
 */
export const MIN_SECRET_LENGTH = 4;

export class SecretScrubber {
  /** Each secret as it appears raw and as JSON escapes it, longest first so a secret containing another wins. */
  private forms: string[] = [];

  add(value: string): boolean {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return false;
    const escaped = JSON.stringify(value).slice(1, -1);
    for (const form of new Set([value, escaped])) if (!this.forms.includes(form)) this.forms.push(form);
    this.forms.sort((a, b) => b.length - a.length);
    return true;
  }

  get empty(): boolean {
    return this.forms.length === 0;
  }

  scrubText(text: string): string {
    let out = text;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(CENSOR);
    return out;
  }

  /** For parsed values: used when text scrubbing broke the JSON (a secret that spanned syntax). */
  scrubDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.scrubText(value);
    if (Array.isArray(value)) return value.map((v) => this.scrubDeep(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.scrubText(k)] = this.scrubDeep(v);
      return out;
    }
    return value;
  }
}
