// When the agent needs the owner's attention, and the one line that says why: the UI header, the tray and the
// CLI show the same words. Nothing is said while the agent answers normally (a status line that never changes
// stops being read).
import type { AgentStatus } from './contract-agent';

export interface AgentNotice {
  text: string;
  /** 'waiting': no model, messages pile up; 'failed': the last run failed after retries and fallbacks. */
  kind: 'waiting' | 'failed';
}

export function agentNotice(
  status: Pick<AgentStatus, 'configured' | 'sentence' | 'lastFailure'> | null | undefined,
): AgentNotice | null {
  if (!status) return null;
  if (!status.configured) return { kind: 'waiting', text: status.sentence };
  if (status.lastFailure) {
    const model = status.lastFailure.model ? ` (${status.lastFailure.model})` : '';
    return { kind: 'failed', text: `The last answer failed${model}: ${status.lastFailure.reason}` };
  }
  return null;
}
