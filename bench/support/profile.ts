// A V8 CPU profile of one measured round (open the .cpuprofile in Chrome DevTools, or compare two sides' files in a
// terminal with bench/profile-diff.mjs), when the bench's profile variable names a directory: to see where one
// side's time goes apart from the other's.
import { mkdir, writeFile } from 'node:fs/promises';
import inspector from 'node:inspector/promises';
import { join } from 'node:path';

/** Starts profiling if `dir` is set; the returned function stops it and writes <dir>/<name>-<time>.cpuprofile. */
export async function startProfile(
  dir: string | undefined,
): Promise<((name: string) => Promise<void>) | null> {
  if (!dir) return null;
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
  };
}
