// How many AsyncLocalStorages the process visits for every new promise. Before Node 24, each enabled one tags every
// new async resource with a symbol of its own (`kResourceStore`), so the tags on a fresh promise count them; this
// helper's own storage, kept enabled so that the hook is on, is one of them. Node 24 keeps the context in
// AsyncContextFrame instead: no hook, no tags, always 0.
import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';

const own = new AsyncLocalStorage<number>();
/** Before Node 24 the count includes this helper's own storage, so a blind probe (0) would be a failure there. */
export const PER_PROMISE_HOOK = Number(process.versions.node.split('.')[0]) < 24;

export function storagesOnNewPromises(): Promise<number> {
  return own.run(1, async () => {
    await null;
    const tags = Object.getOwnPropertySymbols(executionAsyncResource()).filter(
      (s) => s.description === 'kResourceStore',
    ).length;
    if (PER_PROMISE_HOOK && tags === 0)
      throw new Error('no AsyncLocalStorage tag on a new promise: this Node tracks them some other way');
    return tags;
  });
}
