// `openclaw message send`: hands a message to the running gateway's outbox (which owns every send) and reports the
// WhatsApp ids it carries. By default it then waits until each is sent or has failed, so "sent" means sent; the
// outbox keeps trying after the CLI stops waiting.
import { resolve } from 'node:path';
import type { OutboxItem } from '../../shared/contract';
import { RemoteError, withGateway } from '../client';
import { CliError } from '../errors';
import { locateGateway } from '../locate';

export interface MessageSendOptions {
  to?: string;
  message?: string;
  media?: string[];
  gifPlayback?: boolean;
  account?: string;
  json?: boolean;
  wait?: boolean;
  timeout?: string;
}

/**
 * A media source as the gateway must read it: URLs as given, a local path made absolute against this process's
 * folder (the gateway runs elsewhere, so `./photo.jpg` would otherwise name a file in its folder).
 */
export function mediaSource(source: string, cwd = process.cwd()): string {
  if (/^(https?|file):/i.test(source)) return source;
  return resolve(cwd, source);
}

/** Settled: nothing more will happen to the item unless someone retries it. */
const FINAL = new Set<OutboxItem['state']>(['sent', 'failed', 'expired', 'cancelled']);
/** Changes kept while the call is on its way, before this send's ids are known. */
const MAX_EARLY_EVENTS = 1000;

export async function messageSend(opts: MessageSendOptions): Promise<number> {
  const to = opts.to?.trim();
  if (!to)
    throw new CliError('--to is required: a phone number in E.164 form (+15551234567) or a group JID.');
  const media = (opts.media ?? []).map((m) => mediaSource(m));
  if (!opts.message && media.length === 0) {
    throw new CliError('Nothing to send: give --message, --media, or both.');
  }
  const timeoutMs = opts.timeout === undefined ? 60_000 : Number(opts.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1000 || timeoutMs > 600_000) {
    throw new CliError(
      `--timeout must be a number of seconds from 1 to 600 (got ${JSON.stringify(opts.timeout)})`,
    );
  }
  return withGateway(await locateGateway(), async (client) => {
    // Subscribed before the call, so no change to the new items can slip past. Until the call answers, every
    // item's change is kept (bounded: a busy gateway sends others' messages too); after it, only ours.
    const latest = new Map<string, OutboxItem>();
    let ours: Set<string> | null = null;
    let notify = () => undefined as void;
    let closed = false;
    if (opts.wait !== false) {
      await client.on('outbox.changed', (item) => {
        if (ours && !ours.has(item.messageId)) return;
        latest.delete(item.messageId);
        latest.set(item.messageId, item);
        if (!ours && latest.size > MAX_EARLY_EVENTS) latest.delete(latest.keys().next().value!);
        notify();
      });
      client.onClose(() => {
        closed = true;
        notify();
      });
    }
    let sent;
    try {
      sent = await client.call('message.send', {
        to,
        message: opts.message,
        media: media.length ? media : undefined,
        gifPlayback: opts.gifPlayback || undefined,
        accountId: opts.account,
      });
    } catch (err) {
      // Coded refusals (not connected, media that cannot be used, a bad number) are for the person, as is.
      if (err instanceof RemoteError) throw new CliError(err.error.message);
      throw err;
    }
    ours = new Set(sent.ids);
    let items: Array<OutboxItem | undefined> = sent.ids.map(() => undefined);
    if (opts.wait !== false) {
      const settled = () => closed || sent.ids.every((id) => FINAL.has(latest.get(id)?.state ?? 'pending'));
      await new Promise<void>((done) => {
        const timer = setTimeout(done, timeoutMs);
        notify = () => {
          if (!settled()) return;
          clearTimeout(timer);
          done();
        };
        notify();
      });
      items = sent.ids.map((id) => latest.get(id));
    }
    const states = items.map((item) => item?.state ?? 'pending');
    if (opts.json) {
      console.log(
        JSON.stringify(
          {
            ...sent,
            items: sent.ids.map((id, i) => ({
              id,
              state: states[i],
              ...(items[i]?.error ? { error: items[i]!.error } : {}),
            })),
          },
          null,
          2,
        ),
      );
    } else {
      const n = sent.ids.length;
      console.log(`${n} message${n === 1 ? '' : 's'} to ${sent.to} from account "${sent.accountId}":`);
      sent.ids.forEach((id, i) => {
        const item = items[i];
        const what = opts.wait === false ? 'queued' : describe(states[i]!, item);
        console.log(`  ${id}  ${what}`);
      });
      if (opts.wait !== false && states.some((s) => !FINAL.has(s))) {
        console.log(
          closed
            ? 'The gateway went away while they were queued; they are stored and go out when it runs again.'
            : `Still queued after ${Math.round(timeoutMs / 1000)} s; the gateway keeps trying (see the Outbox screen).`,
        );
      }
    }
    return states.some((s) => s === 'failed' || s === 'expired' || s === 'cancelled') ? 1 : 0;
  });
}

function describe(state: OutboxItem['state'], item: OutboxItem | undefined): string {
  if (state === 'pending' || state === 'sending') {
    return item?.error ? `queued (last try: ${item.error})` : 'queued';
  }
  return item?.error ? `${state}: ${item.error}` : state;
}
