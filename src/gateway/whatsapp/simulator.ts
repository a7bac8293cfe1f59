// The explicit switch that points every account at the loopback simulator (e2e/wa-sim) instead of WhatsApp.
// It replaces the certificate root this process trusts, so it is never implied: only OPENCLAW_WA_SIMULATOR
// turns it on, it must name a loopback address, and it is announced loudly in the logs and the UI.
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { GatewayError } from '../errors';

export interface SimulatorSelection {
  url: string;
  /** The simulated media host's CA (PEM), for uploads. */
  mediaCa?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function selectSimulator(
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<SimulatorSelection | null> {
  const raw = env.OPENCLAW_WA_SIMULATOR?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GatewayError(
      'whatsapp.login_failed',
      `OPENCLAW_WA_SIMULATOR is not a URL: ${JSON.stringify(raw)}`,
    );
  }
  if (url.protocol !== 'ws:' || !LOOPBACK.has(url.hostname)) {
    throw new GatewayError(
      'whatsapp.login_failed',
      `OPENCLAW_WA_SIMULATOR must be a ws:// URL on 127.0.0.1 (got ${JSON.stringify(raw)})`,
    );
  }
  const trustUrl = `http://${url.host}/trust`;
  let trust: { rootPublicKey?: string; mediaCa?: string };
  try {
    const res = await fetch(trustUrl, { signal: AbortSignal.timeout(5000) });
    trust = (await res.json()) as typeof trust;
  } catch (err) {
    throw new GatewayError(
      'whatsapp.login_failed',
      `OPENCLAW_WA_SIMULATOR is set, but the simulator does not answer at ${trustUrl} (${(err as Error).message}); start it with \`npm run sim\``,
    );
  }
  if (!trust.rootPublicKey || !/^[0-9a-f]{64}$/.test(trust.rootPublicKey)) {
    throw new GatewayError(
      'whatsapp.login_failed',
      `${trustUrl} did not return a simulator certificate root`,
    );
  }
  (WA_CERT_DETAILS as { PUBLIC_KEY: Uint8Array }).PUBLIC_KEY = Buffer.from(trust.rootPublicKey, 'hex');
  log.warn(
    { simulator: url.href },
    'WHATSAPP SIMULATOR SELECTED: every account connects to the loopback simulator, not to WhatsApp (OPENCLAW_WA_SIMULATOR)',
  );
  return { url: url.href, mediaCa: trust.mediaCa };
}
