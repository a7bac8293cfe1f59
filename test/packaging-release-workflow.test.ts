// The release workflow cannot run here (it downloads Electron and needs a CI service with three operating
// systems); this reads it as YAML and checks what it must do. js-yaml comes with electron-builder.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: { push?: { tags?: string[] } };
  jobs: Record<string, { 'runs-on': string; strategy?: { matrix?: { os?: string[] } }; steps: Step[] }>;
}

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const text = readFileSync(new URL('../.github/workflows/release.yml', import.meta.url), 'utf8');
const workflow = yaml.load(text) as Workflow;
const jobs = Object.values(workflow.jobs);

describe('release workflow', () => {
  it('runs on a pushed version tag', () => {
    expect(workflow.on.push?.tags).toEqual(['v*']);
  });

  it('builds on Linux, macOS and Windows', () => {
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job['runs-on']).toBe('${{ matrix.os }}');
    expect(job.strategy?.matrix?.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
  });

  it('installs with the Electron download, builds, checks and publishes with electron-builder, in that order', () => {
    const steps = jobs[0]!.steps;
    const runs = steps.map((s) => s.run ?? '');
    const at = (command: string) => runs.findIndex((r) => r.includes(command));
    expect(at('npm ci')).toBeGreaterThan(-1);
    expect(at('npm run build')).toBeGreaterThan(at('npm ci'));
    expect(at('node scripts/dist-check.mjs')).toBeGreaterThan(at('npm run build'));
    expect(at('electron-builder --publish always')).toBeGreaterThan(at('node scripts/dist-check.mjs'));
    // The Electron binary is the point here: nothing may skip its download.
    expect(text).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    const node = steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(Number(node?.with?.['node-version'])).toBeGreaterThanOrEqual(22);
  });

  it('names signing and notarization secrets only by reference', () => {
    const publish = jobs[0]!.steps.find((s) => s.run?.includes('electron-builder'));
    expect(publish?.env?.GH_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    for (const name of [
      'CSC_LINK',
      'CSC_KEY_PASSWORD',
      'WIN_CSC_LINK',
      'WIN_CSC_KEY_PASSWORD',
      'APPLE_API_KEY_ID',
    ]) {
      expect(publish?.env?.[name]).toMatch(/^\$\{\{ .*secrets\.[A-Z_]+.* \}\}$/);
    }
    // Every env value in the file is an expression, never a literal credential.
    for (const step of jobs[0]!.steps) {
      for (const value of Object.values(step.env ?? {})) expect(value).toMatch(/^\$\{\{ .+ \}\}$/);
    }
  });
});
