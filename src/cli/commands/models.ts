// `openclaw models list|test`: which models are configured, where their keys come from (never the keys), and one
// real tiny request to see that a model answers, explained in words when it does not.
import type { ModelInfo } from '../../shared/contract-agent';
import { withGateway } from '../client';
import { CliError } from '../errors';
import { locateGateway } from '../locate';
import { printTable } from '../table';

const KEY_SOURCE: Record<ModelInfo['keySource'], string> = {
  env: 'environment',
  config: 'config',
  credentials: 'stored key',
  none: 'none',
};

export async function modelsList(opts: { json?: boolean }): Promise<number> {
  const { models } = await withGateway(await locateGateway(), (client) => client.call('models.list'));
  if (opts.json) {
    console.log(JSON.stringify({ models }, null, 2));
    return 0;
  }
  if (models.length === 0) {
    console.log(
      'No models configured. Set one with: openclaw config set agents.defaults.model <provider>/<model> ' +
        '(and models.providers.<provider>), or in Settings → Model.',
    );
    return 0;
  }
  printTable(
    ['MODEL', 'API', 'KEY', 'INPUT', 'CONTEXT', 'USED BY'],
    models.map((m) => [
      m.ref,
      m.api,
      KEY_SOURCE[m.keySource],
      m.input.join('+'),
      String(m.contextWindow),
      m.usedBy.map((u) => `${u.agentId} (${u.role})`).join(', ') || '-',
    ]),
  );
  return 0;
}

export async function modelsTest(ref: string | undefined, opts: { json?: boolean }): Promise<number> {
  if (ref !== undefined && !/^[^/\s]+\/\S+$/.test(ref.trim())) {
    throw new CliError(
      `[ref] must be "provider/model", like openai/gpt-4o-mini (got ${JSON.stringify(ref)}).`,
    );
  }
  const result = await withGateway(await locateGateway(), (client) =>
    // The gateway's test has its own short timeout; this only has to outlast it.
    client.call('models.test', ref ? { ref: ref.trim() } : {}, { timeoutMs: 90_000 }),
  );
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
  }
  if (result.ok) console.log(result.message);
  else console.error(result.message);
  return result.ok ? 0 : 1;
}
