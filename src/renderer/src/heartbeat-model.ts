// What the Heartbeat card says about each agent's heartbeat: how often, when next, and the last run in words —
// ok, an alert delivered, skipped and why, failed and why — with the tokens it cost. Pure, so it is tested
// without a browser.
import type { HeartbeatAgent, HeartbeatRun } from '../../shared/contract-heartbeat';
import { formatCost } from './conversations-model';

export type HeartbeatTone = 'ok' | 'alert' | 'muted' | 'error';

export interface HeartbeatLine {
  agentId: string;
  schedule: string;
  next: string;
  last: string;
  tone: HeartbeatTone;
  spent: string;
}

/** "in 4 min", "in 12 s", "due now"; "off" when disabled. */
export function nextRunText(agent: Pick<HeartbeatAgent, 'enabled' | 'nextRunAt'>, now: number): string {
  if (!agent.enabled) return 'off';
  if (!agent.nextRunAt) return 'not scheduled';
  const s = Math.round((Date.parse(agent.nextRunAt) - now) / 1000);
  if (s <= 0) return 'due now';
  if (s < 120) return `in ${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `in ${m} min` : `in ${Math.round(m / 60)} h`;
}

export function lastRunText(run: HeartbeatRun | undefined): { text: string; tone: HeartbeatTone } {
  if (!run) return { text: 'has not run yet', tone: 'muted' };
  const why = run.reason ? ` — ${run.reason}` : '';
  switch (run.result) {
    case 'ok':
      return { text: run.reason ? `ok${why}` : 'ok: nothing needed attention', tone: 'ok' };
    case 'alert':
      return { text: `alert delivered${run.target ? ` to ${run.target}` : ''}${why}`, tone: 'alert' };
    case 'skipped':
      return { text: `skipped${why}`, tone: 'muted' };
    case 'failed':
      return { text: `failed${why}`, tone: 'error' };
  }
}

export function heartbeatLine(agent: HeartbeatAgent, now: number): HeartbeatLine {
  const last = lastRunText(agent.last);
  return {
    agentId: agent.agentId,
    schedule: agent.enabled
      ? `every ${agent.every}${agent.activeHours ? `, ${agent.activeHours}` : ''} · to ${agent.target}`
      : 'off (every is 0)',
    next: nextRunText(agent, now),
    last: last.text,
    tone: last.tone,
    spent: agent.last ? `${agent.last.tokens} tokens · ${formatCost(agent.last.costUsd)}` : '',
  };
}
