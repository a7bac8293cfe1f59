// The instant model of bench/agent.bench.ts, in its own process: model-sim's JSON parsing, SSE writing and request
// recording are the model's cost, not the gateway's, so they must not share the measured process's CPU (bare
// Baileys never pays them). Answers every request at once, in one delta, echoing the tags of the turn it answers.
// Over IPC: sends { url } once listening; on { watch: tag } it reports { tag, requestAt, streamEndAt } for the
// request answering that tag, as wall-clock milliseconds (performance.timeOrigin + now) the parent converts.
import { ServerResponse } from 'node:http';
import { startModelSim, type RecordedRequest } from '../../e2e/model-sim/index';
import { onStreamEnd, requestTags } from './replies';

export interface ModelTiming {
  tag: string;
  requestAt: number;
  streamEndAt: number;
}

const wall = (): number => performance.timeOrigin + performance.now();

// The end of the stream is when its last bytes are handed to the socket, not model-sim's 'close' event a loop turn
// later: on a loaded machine this process can be descheduled in between while the gateway already answers. One
// request is in flight while latency is measured (one message at a time), so the latest end() is the watched one's.
let lastEndAt = 0;
const end = ServerResponse.prototype.end;
ServerResponse.prototype.end = function (this: ServerResponse, ...args: unknown[]) {
  lastEndAt = wall();
  return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
} as typeof end;

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/support/model-child.ts runs as a forked child (IPC)');
  const sim = await startModelSim();
  const watched = new Set<string>();
  process.on('message', (m: { watch?: string; stop?: true }) => {
    if (m.watch) watched.add(m.watch);
    if (m.stop) void sim.close().then(() => process.disconnect());
  });
  sim.respond((req: RecordedRequest) => {
    const tags = requestTags(req);
    // model-sim keeps its newest 10,000 requests; a bench has no use for them.
    sim.requests.length = 0;
    const t = tags.find((x) => watched.has(x));
    if (t !== undefined) {
      watched.delete(t);
      const requestAt = wall();
      onStreamEnd(req, () =>
        process.send!({ tag: t, requestAt, streamEndAt: lastEndAt } satisfies ModelTiming),
      );
    }
    return { text: `got ${tags.join(' ')}`, chunkSize: 10_000 };
  });
  process.send({ url: sim.url });
}

await main();
