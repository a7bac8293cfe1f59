// ffmpeg is optional: audio that is not Ogg/Opus and animated GIFs sent for inline playback are converted with it
// when it is installed, and sent as they are (with a warning) when it is not. Looked for once per process.
import { spawn } from 'node:child_process';

const FFMPEG_TIMEOUT_MS = 120_000;
/** ffmpeg's own chatter kept for an error message: the tail is where it says what went wrong. */
const STDERR_KEEP = 2000;

let found: Promise<string | null> | undefined;

function run(
  bin: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const timeout = AbortSignal.timeout(FFMPEG_TIMEOUT_MS);
    const child = spawn(bin, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-STDERR_KEEP)));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/** The ffmpeg to use (`OPENCLAW_FFMPEG`, else `ffmpeg` on PATH), or null when none runs. */
export function findFfmpeg(): Promise<string | null> {
  found ??= (async () => {
    const bin = process.env.OPENCLAW_FFMPEG || 'ffmpeg';
    try {
      const { code } = await run(bin, ['-hide_banner', '-version']);
      return code === 0 ? bin : null;
    } catch {
      return null;
    }
  })();
  return found;
}

/** Runs one conversion; throws with ffmpeg's last words when it fails. */
export async function convert(bin: string, args: string[], signal?: AbortSignal): Promise<void> {
  const { code, stderr } = await run(
    bin,
    ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args],
    signal,
  );
  if (code !== 0)
    throw new Error(`ffmpeg exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
}
