#!/usr/bin/env node
// `npm start`: build, then launch the desktop app where an Electron binary and a display exist; otherwise say so
// in one line and run the headless gateway, which prints a link that opens the same UI in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installedElectron } from './electron-binary.mjs';

function electronBinary() {
  return installedElectron(fileURLToPath(new URL('..', import.meta.url)))?.binary ?? null;
}

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = electronBinary();
const hasDisplay =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
let command;
let args;
if (electron && hasDisplay) {
  [command, args] = [electron, ['.']];
} else {
  const why = electron ? 'there is no display' : "Electron's binary is not installed on this machine";
  console.log(`Desktop app unavailable (${why}): running the headless gateway; open the UI link it prints.`);
  [command, args] = [process.execPath, ['bin/openclaw.js', 'gateway', 'run', ...process.argv.slice(2)]];
}
const child = spawn(command, args, { stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal's process group; wait for its clean shutdown.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
