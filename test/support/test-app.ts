import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createHubApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/app-config.js';
import { runMigrations } from '../../src/database/migrations-runner.js';

export interface GraphqlResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: string[]; extensions: Record<string, any> }[] };
}

export interface TestApp {
  url: string;
  app: INestApplication;
  db: DataSource;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphqlResponse<T>>;
  post(body: string, headers?: Record<string, string>): Promise<{ status: number; text: string; json: () => any }>;
  get(path: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** The real hub on a free port, on the test run's database, spoken to over HTTP. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.TEST_DATABASE_URL,
    MIGRATIONS_RUN: 'false',
    // Webhooks are sent only where a test starts the worker (test/notifications.e2e-spec.ts).
    WEBHOOK_WORKER: 'false',
    ...env,
  });
  // The real migrations; after the first file of a run they find nothing left to do.
  await runMigrations(config);
  const app = await createHubApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;

  const post: TestApp['post'] = async (body, headers = {}) => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  };
  return {
    url,
    app,
    db: app.get(DataSource),
    async gql(query, variables, headers = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GraphqlResponse<any>['body'] };
    },
    post,
    async get(path) {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, text: await res.text() };
    },
    close: () => app.close(),
  };
}
