/*
 * The portal as production runs it: two replicas of the backend (separate
 * processes, src/index.ts) on one PostgreSQL and one Redis, started together
 * on an empty database. They must both become ready, take audited writes at
 * once into one linear audit chain, and tell the truth while PostgreSQL
 * restarts under them and while their Unleash is killed and comes back:
 * 2xx for what was done (its audit outcome stored), 503 with Retry-After for
 * what was not, never 500. A backend that cannot start exits non-zero with
 * the reason. Runs once, in about three minutes.
 *
 * PostgreSQL is a private cluster the test starts with initdb and pg_ctl
 * (docs/deployment.md); Redis is the one at 127.0.0.1:6379; Unleash is a real
 * `unleash-server` (feature-flags-backend's test server, on a database of the
 * PostgreSQL at 127.0.0.1:5432). Any missing: the test says so loudly and is
 * skipped.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_TOKEN,
  UnleashTestServer,
} from '@internal/backstage-plugin-feature-flags-backend/testUtils';
import { stringify } from 'yaml';
import {
  postgresBinaries,
  PrivatePostgres,
} from './__testUtils__/privatePostgres';
import { answers, freePort, Replica } from './__testUtils__/replicas';

jest.setTimeout(480_000);

const REDIS_PORT = 6379;
const START_TIMEOUT_MS = 300_000;
const WRITERS_PER_REPLICA = 4;
const OUTAGE_MS = 3_000;
const ENTITY = 'component:default/stackpro-messaging';
/** Each replica toggles a flag of its own in Unleash's development environment. */
const FLAGS = ['FAULT_TEST_A', 'FAULT_TEST_B'];

const bin = postgresBinaries();
let redisUp = false;

interface Answer {
  replica: string;
  title: string;
  status: number;
  retryAfter?: string;
  ticketId?: string;
  body: string;
}

let workDir: string;
let pg: PrivatePostgres | undefined;
let unleash: UnleashTestServer | undefined;
let replicas: Replica[] = [];
let broken: Replica | undefined;
/** The replicas' logs stay in workDir for a look when a test failed. */
let passed = 0;

function replicaConfig(
  port: number,
  pgPort: number,
  signingKey: string,
  unleashUrl: string,
) {
  const baseUrl = `http://localhost:${port}`;
  return {
    app: { baseUrl },
    backend: {
      baseUrl,
      listen: { port },
      cors: { origin: baseUrl },
      database: {
        client: 'pg',
        connection: { host: '127.0.0.1', port: pgPort, user: 'postgres' },
      },
      cache: { store: 'redis', connection: `redis://127.0.0.1:${REDIS_PORT}` },
    },
    auditLog: { export: { signingKey } },
    featureFlags: { provider: 'unleash' },
    unleash: { url: unleashUrl, adminToken: ADMIN_TOKEN, timeoutMs: 5_000 },
    // the test reads no metrics: no calls to a local CloudWatch
    stackpro: { sandbox: { enabled: false } },
  };
}

async function token(replica: Replica, user: string): Promise<string> {
  const res = await fetch(`${replica.url}/api/auth/development/refresh`, {
    headers: { 'x-stack-portal-user': user },
  });
  if (res.status !== 200)
    throw new Error(`${user} cannot sign in: ${res.status}`);
  return ((await res.json()) as any).backstageIdentity.token;
}

async function raiseTicket(
  replica: Replica,
  bearer: string,
  title: string,
): Promise<Answer> {
  const res = await fetch(`${replica.url}/api/support/tickets`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearer}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      entityRef: ENTITY,
      type: 'question',
      priority: 'P4',
      title,
      body: 'Raised by the scale-out test.',
    }),
  });
  const body = await res.text();
  return {
    replica: replica.name,
    title,
    status: res.status,
    retryAfter: res.headers.get('retry-after') ?? undefined,
    ticketId: res.status === 201 ? JSON.parse(body).id : undefined,
    body: body.slice(0, 300),
  };
}

interface ToggleAnswer {
  replica: string;
  flag: string;
  enabled: boolean;
  status: number;
  retryAfter?: string;
  body: string;
}

async function toggle(
  replica: Replica,
  bearer: string,
  flag: string,
  enabled: boolean,
): Promise<ToggleAnswer> {
  const answer = { replica: replica.name, flag, enabled };
  try {
    const res = await fetch(
      `${replica.url}/api/feature-flags/flags/default/${flag}/environments/development`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ enabled, reason: 'fault test' }),
      },
    );
    return {
      ...answer,
      status: res.status,
      retryAfter: res.headers.get('retry-after') ?? undefined,
      body: (await res.text()).slice(0, 300),
    };
  } catch (e) {
    return { ...answer, status: 0, body: String(e) };
  }
}

/** A flag's state in development as a replica reads it, and as Unleash holds it. */
async function flagState(replica: Replica, bearer: string, flag: string) {
  const res = await fetch(
    `${replica.url}/api/feature-flags/flags/default/${flag}`,
    { headers: { authorization: `Bearer ${bearer}` } },
  );
  if (res.status !== 200) return `${res.status}`;
  const { flag: body } = (await res.json()) as any;
  return body.environments.find((e: any) => e.name === 'development')?.enabled;
}

async function unleashState(flag: string) {
  const feature = await unleash!.admin(
    'GET',
    `/api/admin/projects/default/features/${flag}`,
  );
  return feature.environments.find((e: any) => e.name === 'development')
    ?.enabled;
}

/** Audit events of one action, read through the audit API. */
async function auditEvents(replica: Replica, bearer: string, action: string) {
  const events: any[] = [];
  let cursor: string | undefined;
  do {
    const url = new URL(`${replica.url}/api/audit-log/events`);
    url.searchParams.set('action', action);
    url.searchParams.set('limit', '500');
    if (cursor) url.searchParams.set('cursor', cursor);
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    if (res.status !== 200)
      throw new Error(`audit events: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as any;
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}

async function verifyChain(replica: Replica, bearer: string) {
  const res = await fetch(`${replica.url}/api/audit-log/verify`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Writers raising tickets through every replica until `until` resolves. */
async function writeUntil(
  until: Promise<unknown>,
  tokens: Map<Replica, string>,
  tag: string,
) {
  const answered: Answer[] = [];
  let done = false;
  until.finally(() => {
    done = true;
  });
  let n = 0;
  await Promise.all(
    [...tokens].flatMap(([replica, bearer]) =>
      Array.from({ length: WRITERS_PER_REPLICA }, async () => {
        while (!done) {
          const title = `${tag} ${replica.name} #${n++}`;
          answered.push(
            await raiseTicket(replica, bearer, title).catch(e => ({
              replica: replica.name,
              title,
              status: 0,
              body: String(e),
            })),
          );
        }
      }),
    ),
  );
  return answered;
}

const describeIfParts = bin ? describe : describe.skip;
if (!bin) {
  const banner = '#'.repeat(64);
  // eslint-disable-next-line no-console
  console.warn(
    `${banner}\nNo PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql nor PORTAL_PG_BIN:\nthe scale-out and fault test is SKIPPED\n${banner}`,
  );
}

describeIfParts('two replicas on PostgreSQL and Redis', () => {
  beforeAll(async () => {
    redisUp = await answers(REDIS_PORT);
    if (!redisUp) {
      throw new Error(
        `Redis is not answering on 127.0.0.1:${REDIS_PORT}; the scale-out test needs it`,
      );
    }
    workDir = mkdtempSync(join(tmpdir(), 'portal-replicas-'));
    [pg, unleash] = await Promise.all([
      PrivatePostgres.create(bin!, await freePort()),
      UnleashTestServer.create(),
    ]);
    for (const name of FLAGS) {
      await unleash.admin('POST', '/api/admin/projects/default/features', {
        name,
        type: 'operational',
      });
    }
    const signingKey = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const start = async (name: string, pgPort: number) => {
      const port = await freePort();
      const configFile = join(workDir, `${name}.yaml`);
      writeFileSync(
        configFile,
        stringify(replicaConfig(port, pgPort, signingKey, unleash!.url)),
      );
      return Replica.start({ name, port, configFile, logDir: workDir });
    };
    // together, on the empty database; and one whose database is not there
    replicas = await Promise.all([
      start('replica-a', pg.port),
      start('replica-b', pg.port),
    ]);
    broken = await start('no-database', await freePort());
  });

  afterAll(async () => {
    await Promise.all([...replicas, broken].map(r => r?.stop()));
    await pg?.destroy();
    await unleash?.destroy();
    if (workDir && passed === 4) {
      rmSync(workDir, { recursive: true, force: true });
    } else if (workDir) {
      // eslint-disable-next-line no-console
      console.warn(`The replicas' logs are kept in ${workDir}`);
    }
  });

  it('start together on an empty database and all become ready', async () => {
    await Promise.all(replicas.map(r => r.waitUntilReady(START_TIMEOUT_MS)));
    expect(replicas.map(r => r.status)).toEqual([undefined, undefined]);
    // signing in needs the users, which the catalog reads after start
    for (const replica of replicas) {
      await replica.waitFor(
        'a signed-in user and the catalog',
        async () => {
          const bearer = await token(replica, 'eli.martin');
          const res = await fetch(
            `${replica.url}/api/catalog/entities/by-name/component/default/stackpro-messaging`,
            {
              headers: { authorization: `Bearer ${bearer}` },
            },
          );
          return res.status === 200;
        },
        START_TIMEOUT_MS,
      );
    }
    passed++;
  });

  it('exits non-zero, saying why, when it cannot become ready', async () => {
    const status = await Promise.race([
      broken!.exited,
      new Promise(r => setTimeout(() => r('still running'), START_TIMEOUT_MS)),
    ]);
    expect(status).toMatchObject({ code: 1 });
    expect(broken!.log()).toMatch(/could not start, exiting/);
    passed++;
  });

  it('take concurrent audited writes through both into one chain, and tell the truth while PostgreSQL restarts', async () => {
    const writers = new Map<Replica, string>();
    for (const replica of replicas)
      writers.set(replica, await token(replica, 'eli.martin'));
    const compliance = await token(replicas[0], 'priya.nair');

    // 1. both replicas at once, the database up
    const calm = await writeUntil(
      new Promise(r => setTimeout(r, 4_000)),
      writers,
      'calm',
    );
    expect(calm.filter(a => a.status !== 201)).toEqual([]);
    expect(new Set(calm.map(a => a.replica)).size).toBe(2);

    // 2. the same while PostgreSQL stops and comes back
    const outage = (async () => {
      await new Promise(r => setTimeout(r, 1_500));
      await pg!.stop('fast');
      await new Promise(r => setTimeout(r, OUTAGE_MS));
      await pg!.start();
      await new Promise(r => setTimeout(r, 4_000));
    })();
    const stormy = await writeUntil(outage, writers, 'restart');
    await outage;

    const lies = stormy.filter(
      a =>
        a.status !== 201 && !(a.status === 503 && a.retryAfter !== undefined),
    );
    expect(lies).toEqual([]);
    expect(stormy.some(a => a.status === 503)).toBe(true);

    // 3. every acknowledged write is there with its audit outcome; nothing
    // refused has one; the chain is linear and intact
    const acknowledged = [...calm, ...stormy].filter(a => a.status === 201);
    const refused = stormy.filter(a => a.status === 503);
    let outcomes: any[] = [];
    await replicas[0].waitFor(
      'every acknowledged write in the audit log',
      async () => {
        outcomes = (
          await auditEvents(replicas[0], compliance, 'ticket-create')
        ).filter(e => e.outcome === 'succeeded');
        const ids = new Set(outcomes.map(e => e.meta?.ticketId));
        return acknowledged.every(a => ids.has(a.ticketId));
      },
      60_000,
    );
    const titles = outcomes.map(e => e.meta?.title);
    for (const a of acknowledged) {
      expect(titles.filter(t => t === a.title)).toHaveLength(1);
    }
    expect(refused.filter(a => titles.includes(a.title))).toEqual([]);
    for (const replica of replicas) {
      const res = await fetch(
        `${replica.url}/api/support/tickets/${acknowledged.at(-1)!.ticketId}`,
        {
          headers: { authorization: `Bearer ${writers.get(replica)}` },
        },
      );
      expect(res.status).toBe(200);
    }
    const verified = await verifyChain(replicas[1], compliance);
    expect(verified).toMatchObject({ status: 200, body: { ok: true } });
    expect(verified.body.checked).toBeGreaterThanOrEqual(
      acknowledged.length * 2,
    );
    passed++;
  });

  it("tell the truth about flag toggles while Unleash is killed and comes back, and share the flags' state", async () => {
    const admins = new Map<Replica, string>();
    for (const replica of replicas)
      admins.set(replica, await token(replica, 'amara.okafor'));
    const compliance = await token(replicas[0], 'priya.nair');
    const successesBefore = (
      await auditEvents(replicas[0], compliance, 'flag-toggle')
    ).filter(e => e.outcome === 'succeeded').length;

    // each replica toggles its own flag back and forth, one request at a
    // time; once both have applied one, Unleash is killed (SIGKILL) and
    // started again, and the writers go on until both have applied one since
    let done = false;
    let phase: 'before' | 'down' | 'after' = 'before';
    const applied = { before: new Set<string>(), after: new Set<string>() };
    const until = async (what: string, test: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!test()) {
        if (Date.now() > deadline)
          throw new Error(`no ${what} within ${ms / 1000} s`);
        await new Promise(r => setTimeout(r, 100));
      }
    };
    const outage = (async () => {
      await until(
        'toggle applied through each replica before the kill',
        () => applied.before.size === 2,
        60_000,
      );
      phase = 'down';
      await unleash!.kill();
      await new Promise(r => setTimeout(r, OUTAGE_MS));
      await unleash!.start();
      phase = 'after';
      await until(
        'toggle applied through each replica after Unleash came back',
        () => applied.after.size === 2,
        120_000,
      );
    })().finally(() => {
      done = true;
    });
    const answered: ToggleAnswer[] = [];
    await Promise.all(
      replicas.map(async (replica, i) => {
        let enabled = true;
        while (!done) {
          const answer = await toggle(
            replica,
            admins.get(replica)!,
            FLAGS[i],
            enabled,
          );
          answered.push(answer);
          if (answer.status === 200 && phase !== 'down')
            applied[phase].add(replica.name);
          enabled = !enabled;
          // as a client that was told to come back would, if not as late
          if (answer.status !== 200) await new Promise(r => setTimeout(r, 250));
        }
      }),
    );
    await outage;

    const lies = answered.filter(
      a =>
        a.status !== 200 && !(a.status === 503 && a.retryAfter !== undefined),
    );
    expect(lies).toEqual([]);
    const refused = answered.filter(a => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.map(a => a.body).join('\n')).toMatch(
      /Unleash at \S+ (cannot be reached|did not answer)/,
    );
    const acknowledged = answered.filter(a => a.status === 200);

    // every toggle answered 200 has its succeeded outcome in the audit log,
    // and no refused one has
    await replicas[1].waitFor(
      "every acknowledged toggle's outcome in the audit log",
      async () =>
        (
          await auditEvents(replicas[1], compliance, 'flag-toggle')
        ).filter(e => e.outcome === 'succeeded').length ===
        successesBefore + acknowledged.length,
      60_000,
    );

    // after the outage a change through one replica is what Unleash holds and
    // what the other replica shows at once
    for (const [i, replica] of replicas.entries()) {
      const other = replicas[1 - i];
      const wanted = !(await unleashState(FLAGS[i]));
      const answer = await toggle(
        replica,
        admins.get(replica)!,
        FLAGS[i],
        wanted,
      );
      expect(answer).toMatchObject({ status: 200 });
      expect(await unleashState(FLAGS[i])).toBe(wanted);
      expect(await flagState(other, admins.get(other)!, FLAGS[i])).toBe(wanted);
    }
    passed++;
  });
});
