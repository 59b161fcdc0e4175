import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';

const ROOT = new URL('../', import.meta.url).pathname;
const run = promisify(execFile);
const scratch: string[] = [];
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('scripts/build-if-stale.mjs (npm run seed:demo, npm run verify)', () => {
  it('builds when there is no build or a source is newer than dist/, and otherwise leaves dist/ alone', async () => {
    const project = scratchDir('hub-build-if-stale-');
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src', 'a.ts'), 'export {};\n');
    // A stand-in for `tsc`: writes dist/main.js as the real build does, and counts its runs.
    writeFileSync(
      join(project, 'build.mjs'),
      `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
       mkdirSync('dist', { recursive: true }); writeFileSync('dist/main.js', ''); appendFileSync('builds', 'x');`,
    );
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'p', private: true, scripts: { build: 'node build.mjs' } }));
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(project, 'package.json'), past, past);
    utimesSync(join(project, 'src', 'a.ts'), past, past);
    const buildIfStale = () => run(process.execPath, [join(ROOT, 'scripts/build-if-stale.mjs'), project], { cwd: project });
    const builds = () => readFileSync(join(project, 'builds'), 'utf8').length;

    await buildIfStale();
    expect(builds()).toBe(1);
    await buildIfStale();
    expect(builds()).toBe(1);

    const future = new Date(Date.now() + 60_000);
    utimesSync(join(project, 'src', 'a.ts'), future, future);
    await buildIfStale();
    expect(builds()).toBe(2);
  });
});

describe('the test run itself (test/support/global-setup.mjs, global-teardown.mjs)', () => {
  /** The global setup and teardown in a process of their own, with a temporary folder of their own. */
  async function setupAndTeardown(env: Record<string, string>): Promise<{ tmp: string; output: string }> {
    const tmp = scratchDir('hub-tooling-tmp-');
    chmodSync(tmp, 0o755); // the embedded PostgreSQL runs as the postgres user when we are root
    const script = `
      const { default: setup } = await import(${JSON.stringify(join(ROOT, 'test/support/global-setup.mjs'))});
      const { default: teardown } = await import(${JSON.stringify(join(ROOT, 'test/support/global-teardown.mjs'))});
      await setup();
      console.log('redis available: ' + process.env.TEST_REDIS_AVAILABLE);
      await teardown();`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: tmp, ...env },
    });
    return { tmp, output: stdout + stderr };
  }

  it('leaves nothing behind in the temporary folder with the embedded PostgreSQL', async () => {
    const { tmp } = await setupAndTeardown({ TEST_REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it('says once, at the end, why the Redis suites are skipped when no Redis answers', async () => {
    const { output } = await setupAndTeardown({ DATABASE_URL: process.env.TEST_ADMIN_DATABASE_URL!, TEST_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(output).toContain('redis available: false');
    expect(output.match(/Skipped the cross-replica suites/g)).toHaveLength(1);
    expect(output).toMatch(/no Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });
});
