// The Settings screen's Test button and `openclaw models test` speak to people: each failure kind becomes a
// sentence that says what to check, never the key.
import type { ModelError } from './types';

export interface ExplainContext {
  provider: string;
  modelId: string;
  baseUrl: string;
  /** Where the key came from; "none" changes what a 401 means. */
  keySource: string;
  envVar?: string;
  timeoutMs: number;
}

export function explainFailure(e: ModelError, c: ExplainContext): string {
  const status = e.details.status;
  switch (e.kind) {
    case 'auth':
      if (c.keySource === 'none') {
        const where = c.envVar ? `, or set ${c.envVar}` : '';
        return `The server wants an API key and none is set for "${c.provider}" (${status}). Enter the key in Settings${where}.`;
      }
      return `The API key was refused (${status}). Check the key for "${c.provider}" (it came from ${keySourceWords(c.keySource)}).`;
    case 'not_found':
      return `The server does not know the model "${c.modelId}" (404). Check the model id, or whether ${c.baseUrl} is the right address.`;
    case 'connection':
      return /nothing is listening/.test(e.message)
        ? `Nothing is listening at ${c.baseUrl}. Is the server running, and is the address right?`
        : `Could not reach ${c.baseUrl}: ${afterRef(e.message)}.`;
    case 'timeout':
      return `No answer from ${c.baseUrl} within ${Math.round(c.timeoutMs / 1000)} s.`;
    case 'rate_limited': {
      const s = e.details.retryAfterMs !== undefined ? Math.ceil(e.details.retryAfterMs / 1000) : undefined;
      return `The provider is limiting requests (429)${s !== undefined ? `; it asks to wait ${s} s` : ''}. Try again later or check the plan's limits.`;
    }
    case 'server':
      return `The server failed (${status ?? 'no status'}): ${afterRef(e.message)}. Try again later.`;
    case 'bad_request':
      return `The server refused the request (${status ?? 'no status'}): ${afterRef(e.message)}.`;
    case 'aborted':
      return 'The test was stopped.';
    case 'not_configured':
      return e.message;
  }
}

function keySourceWords(source: string): string {
  if (source === 'env') return 'the environment';
  if (source === 'credentials') return 'the key saved in Settings';
  if (source === 'config') return 'the config file';
  return 'the form';
}

/** Our ModelError messages start with "provider/model: status"; the sentence already names both. */
function afterRef(message: string): string {
  return message.replace(/^\S+:\s*(\d{3}\s+)?/, '').replace(/\.$/, '');
}
