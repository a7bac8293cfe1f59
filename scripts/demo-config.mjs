// What `npm run demo` writes as its gateway's config, and how it reads the model simulator's banner. Apart from
// scripts/demo.mjs (which builds the app and runs three processes) so a test can start a gateway on exactly this.

/** First line of the config the demo writes: marks the folder as the demo's own, safe to empty. */
export const DEMO_MARK = '// openclaw demo: throwaway state, emptied on every run';

/** The model the demo's gateway answers with: e2e/model-sim, which echoes what it was sent. */
export const DEMO_MODEL = 'demo/demo-model';

/**
 * The demo's config: logs beside the demo state rather than in the shared default file a real gateway writes, and
 * the simulated model as the default agent's model. No apiKey: a loopback server needs none.
 */
export function demoConfig({ logFile, modelBaseUrl }) {
  const provider = {
    api: 'openai-completions',
    baseUrl: modelBaseUrl,
    models: [{ id: 'demo-model', name: 'Simulated model' }],
  };
  return [
    DEMO_MARK,
    '{',
    `  logging: { file: ${JSON.stringify(logFile)} },`,
    `  // The simulated model (e2e/model-sim, started by the demo): every answer repeats the message it answers.`,
    `  models: { providers: { demo: ${JSON.stringify(provider)} } },`,
    `  agents: { defaults: { model: ${JSON.stringify(DEMO_MODEL)} } },`,
    '}',
    '',
  ].join('\n');
}

/** The OpenAI-compatible base URL from a line of the model simulator's banner (e2e/model-sim/cli.ts). */
export function modelSimBaseUrl(line) {
  return /^\s*OpenAI-compatible baseUrl\s+(\S+)/.exec(line)?.[1];
}
