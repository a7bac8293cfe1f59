// The heartbeat scheduler against a real state.db file and a real workspace folder: the model is a stand-in for
// the ModelPort (the end-to-end tests use model-sim), and the target is "none" so nothing needs WhatsApp.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../config/schema';
import { validateConfigText } from '../../config/validate';
import { Outbox } from '../../outbound/outbox';
import { openStore, type Store } from '../../store/db';
import { waitFor } from '../../../../test/support/env';
import type { ModelRequest } from '../providers/types';
import type { ModelPort } from '../run';
import { HeartbeatScheduler } from './scheduler';

let dir: string;
let store: Store;
let scheduler: HeartbeatScheduler | null;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-heartbeat-'));
  store = openStore(path.join(dir, 'state.db'));
  scheduler = null;
});
afterEach(async () => {
  await scheduler?.stop();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function configFor(heartbeat: string): OpenClawConfig {
  const r = validateConfigText(
    `{ channels: { whatsapp: { allowFrom: ['+15550000001'] } },
       agents: { defaults: { model: 'sim/m', heartbeat: { ${heartbeat.includes('target:') ? '' : "target: 'none', "}${heartbeat} } } } }`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

/** `busyAnswers`: what isRunning says, in order, then false; or always true. */
function setup(heartbeat: string, busyAnswers: boolean[] | 'always' = [], reply = 'HEARTBEAT_OK') {
  let cfg = configFor(heartbeat);
  // Something to check: without a HEARTBEAT.md the default prompt makes no model call at all (run.ts).
  fs.mkdirSync(path.join(dir, 'workspace'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'workspace', 'HEARTBEAT.md'), '- Check the backups\n');
  const requests: ModelRequest[] = [];
  const busy = busyAnswers === 'always' ? [] : [...busyAnswers];
  let busyChecks = 0;
  const models: ModelPort = {
    resolveChain: () => ({ refs: ['sim/m'] }),
    modelInfo: () => ({ input: ['text'], contextWindow: 16_000, maxTokens: 1000 }),
    complete: (_refs, req) => {
      requests.push(req);
      const usage = { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 };
      return Promise.resolve({
        text: reply,
        toolCalls: [],
        usage,
        costUsd: 0,
        model: 'sim/m',
        stopReason: 'stop',
        attempts: [],
      });
    },
    simulated: () => true,
  };
  const log = pino({ level: 'silent' });
  const s = new HeartbeatScheduler({
    db: store.db,
    log,
    config: () => cfg,
    stateDir: dir,
    models,
    // No account runs here: a delivery attempt meets the outbox's own refusal.
    outbox: new Outbox({
      db: store.db,
      log,
      port: () => null,
      maxAgeMs: () => 60_000,
      onChange: () => undefined,
    }),
    runDeps: () => ({
      db: store.db,
      log,
      config: () => cfg,
      stateDir: dir,
      models,
      ownerE164: () => undefined,
    }),
    isRunning: () => {
      busyChecks += 1;
      return busyAnswers === 'always' || (busy.shift() ?? false);
    },
    exclusive: (_key, fn) => fn(new AbortController().signal),
    defaultAccount: () => 'default',
    self: () => ({}),
    now: Date.now,
    emit: () => undefined,
    busy: { retryMs: 20, maxTries: 3 },
  });
  scheduler = s;
  return {
    s,
    requests,
    busyChecks: () => busyChecks,
    setConfig(heartbeatBody: string) {
      cfg = configFor(heartbeatBody);
      s.replan();
    },
    runs: () =>
      store.db.prepare('SELECT result, reason FROM heartbeat_runs ORDER BY seq').all() as Array<{
        result: string;
        reason: string | null;
      }>,
  };
}

describe('HeartbeatScheduler', () => {
  it('tries a busy session again shortly and runs once it is free', async () => {
    const h = setup(`every: '30ms'`, [true, true]);
    h.s.replan();
    await waitFor(() => h.runs().length >= 1, 'a heartbeat');
    expect(h.runs()[0]).toEqual({ result: 'ok', reason: null });
    expect(h.busyChecks()).toBeGreaterThanOrEqual(3);
    expect(h.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('gives up on a session that stays busy, records why, and keeps to the schedule', async () => {
    const h = setup(`every: '30ms'`, 'always');
    h.s.replan();
    await waitFor(() => h.runs().length >= 2, 'two heartbeats');
    expect(h.runs()[0]).toEqual({ result: 'skipped', reason: 'the session was busy with a conversation' });
    expect(h.runs()[1]).toEqual({ result: 'skipped', reason: 'the session was busy with a conversation' });
    expect(h.busyChecks()).toBeGreaterThanOrEqual(6);
    expect(h.requests).toHaveLength(0);
  });

  it('keeps the next run when a config change leaves its plan alone, and re-plans when it changes', () => {
    const h = setup(`every: '1h'`);
    h.s.replan();
    const first = h.s.status().agents[0]!.nextRunAt;
    expect(first).not.toBeNull();
    h.s.replan();
    expect(h.s.status().agents[0]!.nextRunAt).toBe(first);
    h.setConfig(`every: '0'`);
    expect(h.s.status().agents[0]).toMatchObject({ enabled: false, nextRunAt: null, every: '0' });
    h.setConfig(`every: '2h'`);
    expect(Date.parse(h.s.status().agents[0]!.nextRunAt!)).toBeGreaterThan(Date.parse(first!));
  });

  it('stop clears every timer, and Run now afterwards is refused', async () => {
    const h = setup(`every: '1h'`);
    h.s.replan();
    await h.s.stop();
    expect(h.s.status().agents[0]!.nextRunAt).toBeNull();
    await expect(h.s.runNow()).rejects.toThrow('the gateway is stopping');
  });

  it('Run now runs at once and answers with the result; an unknown agent is named', async () => {
    const h = setup(`every: '1h'`);
    h.s.replan();
    await expect(h.s.runNow()).resolves.toMatchObject({ agentId: 'main', result: 'ok', tokens: 12 });
    expect(h.requests).toHaveLength(1);
    await expect(h.s.runNow('ghost')).rejects.toThrow('agent "ghost" has no heartbeat');
  });

  it('records an alert that could not be queued as failed, with the tokens it cost', async () => {
    const h = setup(
      `every: '1h', target: 'whatsapp', to: '+15550000001', accountId: 'other'`,
      [],
      'Water the plants.',
    );
    h.s.replan();
    await expect(h.s.runNow()).resolves.toMatchObject({
      result: 'failed',
      reason: 'the alert could not be queued: no WhatsApp account "other" is running',
      tokens: 12,
    });
  });
});
