import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadLedgerConfig } from '../../apps/ledger/src/config/ledger-config';
import { POSTGRES_MALLOC_TUNABLES } from '../../libs/event-store/src/embedded/embedded-postgres';

/** docker-compose.yml cannot run here (no Docker engine): its shape is checked instead, and what the README says about it. */

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string | string[] };
  depends_on?: Record<string, { condition?: string }>;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const root = path.resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

function parseCompose(text: string): ComposeFile {
  const parsed: unknown = load(text);
  if (typeof parsed !== 'object' || parsed === null || !('services' in parsed)) throw new Error('docker-compose.yml has no services');
  return parsed as ComposeFile;
}

const compose = parseCompose(read('docker-compose.yml'));
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
/** Host ports published by a service ("127.0.0.1:3000:3000" → 3000). */
const publishedPorts = (entry: Service): number[] => (entry.ports ?? []).map((port) => Number(port.split(':').at(-2)));
const namedVolumes = (entry: Service): string[] => (entry.volumes ?? []).map((volume) => volume.split(':')[0] ?? '');

/** What a user's `.env` would hold: the connector's Genesys settings. */
const USER_ENV: Record<string, string> = {
  GENESYS_CLIENT_ID: 'compose-test-client',
  GENESYS_CLIENT_SECRET: 'compose-test-secret',
  GENESYS_TOPICS: 'v2.routing.queues.11111111-2222-3333-4444-555555555555.conversations',
};

/** Compose's `${NAME}` / `${NAME:-default}` interpolation, as `docker compose` would do it with USER_ENV set. */
const interpolate = (environment: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [
      key,
      value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => USER_ENV[name] ?? fallback ?? ''),
    ]),
  );

describe('docker-compose.yml', () => {
  it('defines EventStoreDB, PostgreSQL and the ledger as api and projector', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['eventstore', 'ledger-api', 'ledger-projector', 'postgres']);
  });

  it('runs a stable EventStoreDB (24.10 or newer), insecure, without projections, on a named volume, with a healthcheck', () => {
    const eventstore = service('eventstore');
    const version = /^eventstore\/eventstore:(\d+)\.(\d+)/.exec(eventstore.image ?? '');
    expect(version).not.toBeNull();
    expect(Number(version?.[1]) * 100 + Number(version?.[2])).toBeGreaterThanOrEqual(2410);
    expect(eventstore.environment).toMatchObject({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' });
    expect(namedVolumes(eventstore)).toContain('eventstore-data');
    expect(eventstore.volumes).toContain('eventstore-data:/var/lib/eventstore');
    expect(JSON.stringify(eventstore.healthcheck?.test)).toContain('/health/live');
    expect(publishedPorts(eventstore)).toContain(2113);
  });

  it("runs PostgreSQL 17 on a named volume, with a healthcheck and the embedded server's malloc tunables", () => {
    const postgres = service('postgres');
    expect(postgres.image).toMatch(/^postgres:17(\.|-|$)/);
    expect(postgres.environment?.GLIBC_TUNABLES).toBe(POSTGRES_MALLOC_TUNABLES);
    expect(postgres.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
  });

  it('declares every named volume it mounts', () => {
    for (const entry of Object.values(compose.services)) {
      for (const volume of namedVolumes(entry)) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    }
  });

  it.each([
    ['ledger-api', ['api']],
    ['ledger-projector', ['projector', 'connector']],
  ])('runs %s from the Dockerfile with a configuration the service accepts', (name, roles) => {
    const ledger = service(name);
    expect(ledger.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    const config = loadLedgerConfig(interpolate(ledger.environment ?? {}));
    expect(config.roles).toEqual(roles);
    const eventStore = new URL((config.eventStoreUrl ?? '').replace(/^esdb:/, 'http:'));
    expect([eventStore.hostname, eventStore.port, eventStore.searchParams.get('tls')]).toEqual(['eventstore', '2113', 'false']);
    expect(new URL(config.databaseUrl ?? '').hostname).toBe('postgres');
    expect(ledger.depends_on).toEqual({ eventstore: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    expect(JSON.stringify(ledger.healthcheck?.test)).toContain(`:${config.port}/health/`);
  });

  it('starts without a .env: optional settings have defaults, none is required (`docker compose up eventstore` works bare)', () => {
    expect(read('docker-compose.yml')).not.toMatch(/\$\{[A-Z0-9_]+:?\?/);
  });

  it('publishes the API on 3000 and nothing of the projector', () => {
    expect(publishedPorts(service('ledger-api'))).toEqual([3000]);
    expect(publishedPorts(service('ledger-projector'))).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

  it('builds in one node:20-bookworm-slim stage with npm ci && npm run build, and runs in another', () => {
    expect(dockerfile.match(/^FROM node:20-bookworm-slim AS \w+$/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci$/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    expect(dockerfile).toMatch(/^COPY --from=build /m);
  });

  it('starts the entry point `npm run start:prod` starts, with the same Node flags as `npm start`', () => {
    const words = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(packageJson.scripts['start:prod']).toBe(words.join(' '));
    expect(packageJson.scripts['start']).toBe(`nest build ledger && ${packageJson.scripts['start:prod']}`);
    expect(words).toContain('--max-semi-space-size=32');
    expect(words).toContain('--no-allocation-site-pretenuring');
  });

  it('keeps node_modules, dist and local data out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.ledger-data', '.git']));
  });
});

describe('README on docker compose', () => {
  const readme = read('README.md');
  const section = /^(#+)[^\n]*(docker|compose)[^\n]*\n([\s\S]*?)(?=^#{1,3} |$(?![\s\S]))/im.exec(readme)?.[3] ?? '';

  it('names only services that exist in its docker compose commands', () => {
    const commands = [...readme.matchAll(/docker compose (?:up|start|stop|restart|logs|run|exec|build|pull|rm)((?: -{1,2}[a-z-]+)*)((?: [a-z][a-z0-9-]*)*)(?=`|\n|$)/g)];
    for (const command of commands) {
      for (const name of (command[2] ?? '').trim().split(/\s+/).filter(Boolean)) expect(Object.keys(compose.services)).toContain(name);
    }
  });

  it('has a Docker Compose section naming only ports and variables the compose file has', () => {
    expect(section).not.toBe('');
    const published = Object.values(compose.services).flatMap(publishedPorts);
    for (const match of section.matchAll(/(?:localhost|127\.0\.0\.1):(\d{2,5})/g)) expect(published).toContain(Number(match[1]));
    const variables = new Set(Object.values(compose.services).flatMap((entry) => Object.keys(entry.environment ?? {})));
    for (const match of section.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)(?:=[^`]*)?`/g)) expect([...variables]).toContain(match[1]);
  });
});
