#!/usr/bin/env node
// `npm run build` only when dist/ is older than what it is built from, so that the commands
// that run the built hub (seed:demo, verify, the process tests) do not recompile a current
// build every time. dist/main.js is written last by the build: its time is the build's.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? process.cwd();
const INPUTS = ['src', 'migrations', 'console', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

const built = newest(join(root, 'dist', 'main.js'));
const changed = Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (built > changed) process.exit(0);

console.error(built ? 'dist/ is older than the sources: building' : 'no build yet: building');
const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
process.exit(result.status ?? 1);
