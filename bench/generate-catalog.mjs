// Generates a synthetic Stack Portal catalog of exactly `total` entities (the
// Location entities the catalog creates for each registered file included) that
// passes the catalog's rules and Stack Portal's field validation
// (plugins/stacks-common/src/fields.ts, catalog/README.md).
//
//   node bench/generate-catalog.mjs <dir> [total=10000]
//
// Writes <dir>/org.yaml (Groups and Users, registered on its own with a rule
// allowing only those kinds), <dir>/stacks.yaml (4 Domains, 400 stack Systems)
// and <dir>/entities-NN.yaml (Components, APIs and Resources, 1,000 a file).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { require } from './lib.mjs';

const LAYERS = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7'];
const PRIORITIES = ['critical', 'high', 'medium', 'low'];
const DOC_STATUSES = ['complete', 'incomplete', 'missing'];
const WORDS = [
  'auth',
  'payment',
  'observability',
  'compliance',
  'data',
  'content',
  'search',
  'billing',
  'identity',
  'messaging',
  'analytics',
  'storage',
  'network',
  'gateway',
  'ledger',
  'catalog',
  'pricing',
  'routing',
  'scheduler',
  'telemetry',
];
const FEATURES = [
  'Audit logging',
  'Policy enforcement',
  'Rate limiting per tenant',
  'Structured logs with trace ids',
  'Blue-green deployments',
  'Row-level security',
  'Webhooks with retries',
  'Idempotency keys',
  'Encryption at rest',
  'Dashboards and alerts',
  'Schema validation',
  'Read replicas',
];

export const DOMAINS = 4;
export const STACKS = 400;
export const TEAMS = 20;
export const USERS_PER_TEAM = 4;
const PER_FILE = 1000;

const pad = (n, w = 4) => String(n).padStart(w, '0');
const team = i => `bench-team-${pad((i % TEAMS) + 1, 2)}`;
const stackName = i => `${WORDS[i % WORDS.length]}-stack-${pad(i + 1)}`;
const domainName = i => `bench-domain-${i + 1}`;

/** The labels of stack i: every combination occurs, deterministically. */
export function stackLabels(i) {
  return {
    'stackportal.io/layer': LAYERS[i % LAYERS.length],
    'stackportal.io/priority':
      PRIORITIES[Math.floor(i / 7) % PRIORITIES.length],
    'stackportal.io/doc-status':
      DOC_STATUSES[Math.floor(i / 3) % DOC_STATUSES.length],
  };
}

function orgEntities() {
  const out = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'bench-org', title: 'Bench Org' },
      spec: {
        type: 'organization',
        profile: { displayName: 'Bench Org' },
        children: Array.from({ length: TEAMS }, (_, i) => team(i)),
      },
    },
  ];
  for (let t = 0; t < TEAMS; t++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: team(t),
        title: `Bench Team ${t + 1}`,
        description: `Synthetic team ${t + 1}.`,
      },
      spec: {
        type: 'team',
        parent: 'bench-org',
        profile: {
          displayName: `Bench Team ${t + 1}`,
          email: `${team(t)}@stackportal.example`,
        },
        children: [],
      },
    });
  }
  // The development sign-in resolves users from the catalog: eli.martin must exist.
  out.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'eli.martin' },
    spec: {
      profile: {
        displayName: 'Eli Martin',
        email: 'eli.martin@stackportal.example',
      },
      memberOf: [team(0)],
    },
  });
  for (let t = 0; t < TEAMS; t++) {
    for (let u = 0; u < USERS_PER_TEAM; u++) {
      const name = `bench.user-${pad(t + 1, 2)}-${u + 1}`;
      out.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name },
        spec: {
          profile: {
            displayName: `Bench User ${t + 1}.${u + 1}`,
            email: `${name}@stackportal.example`,
          },
          memberOf: [team(t)],
        },
      });
    }
  }
  return out;
}

function stackEntities() {
  const out = [];
  for (let d = 0; d < DOMAINS; d++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: {
        name: domainName(d),
        title: `Bench Domain ${d + 1}`,
        description: `Synthetic domain ${d + 1}.`,
      },
      spec: { owner: team(d) },
    });
  }
  for (let i = 0; i < STACKS; i++) {
    const features = Array.from(
      { length: 3 + (i % 5) },
      (_, k) => FEATURES[(i + k) % FEATURES.length],
    );
    const annotations = {
      'stackportal.io/system-features': `${features.join('\n')}\n`,
    };
    if (i % 4 !== 0) {
      annotations['stackportal.io/user-features'] =
        'Sign-in\nSettings page\nExport to CSV\n';
    }
    const labels = stackLabels(i);
    if (labels['stackportal.io/doc-status'] !== 'complete') {
      annotations['stackportal.io/review-rank'] = String((i % 14) + 1);
    }
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: stackName(i),
        title: `${WORDS[i % WORDS.length][0].toUpperCase()}${WORDS[
          i % WORDS.length
        ].slice(1)} Stack ${i + 1}`,
        description: `Synthetic stack ${
          i + 1
        } for the Stacks endpoint benchmark.`,
        labels,
        annotations,
        tags: ['bench', WORDS[i % WORDS.length]],
      },
      spec: { type: 'stack', domain: domainName(i % DOMAINS), owner: team(i) },
    });
  }
  return out;
}

function fillerEntity(i) {
  const system = stackName(i % STACKS);
  const owner = team(i);
  const m = i % 20;
  if (m < 12) {
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `bench-component-${pad(i, 5)}`,
        description: `Synthetic component ${i}.`,
        tags: ['bench'],
      },
      spec: {
        type: ['service', 'website', 'library'][i % 3],
        lifecycle: i % 5 ? 'production' : 'experimental',
        owner,
        system,
      },
    };
  }
  if (m < 17) {
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: {
        name: `bench-api-${pad(i, 5)}`,
        description: `Synthetic API ${i}.`,
      },
      spec: {
        type: 'openapi',
        lifecycle: 'production',
        owner,
        system,
        definition: `openapi: 3.0.3\ninfo:\n  title: bench-api-${i}\n  version: 1.0.0\npaths: {}\n`,
      },
    };
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `bench-resource-${pad(i, 5)}`,
      description: `Synthetic resource ${i}.`,
    },
    spec: { type: ['database', 's3-bucket', 'queue'][i % 3], owner, system },
  };
}

/**
 * Writes the catalog and returns { files, orgFile, counts, expected } where
 * files are absolute paths to register (org first) and expected.total is the
 * number of entities the catalog will hold once everything is ingested.
 */
export function generateCatalog(dir, total = 10000) {
  const yaml = require('yaml');
  mkdirSync(dir, { recursive: true });
  const org = orgEntities();
  const stacks = stackEntities();
  // Each registered file becomes one Location entity too: solve for the filler count.
  let files = 2;
  let filler = total - org.length - stacks.length - files;
  for (;;) {
    const next =
      2 +
      Math.ceil(
        Math.max(0, total - org.length - stacks.length - files) / PER_FILE,
      );
    if (next === files) break;
    files = next;
  }
  filler = total - org.length - stacks.length - files;
  if (filler < 0)
    throw new Error(
      `total ${total} is below the fixed part (${
        org.length + stacks.length + 2
      })`,
    );

  const dump = (name, entities) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      entities.map(e => yaml.stringify(e, { lineWidth: 0 })).join('---\n'),
    );
    return path;
  };
  const orgFile = dump('org.yaml', org);
  const paths = [orgFile, dump('stacks.yaml', stacks)];
  for (let start = 0, n = 1; start < filler; start += PER_FILE, n++) {
    const batch = [];
    for (let i = start; i < Math.min(filler, start + PER_FILE); i++)
      batch.push(fillerEntity(i));
    paths.push(dump(`entities-${pad(n, 2)}.yaml`, batch));
  }
  let critMissing = 0;
  for (let i = 0; i < STACKS; i++) {
    const l = stackLabels(i);
    if (
      l['stackportal.io/priority'] === 'critical' &&
      l['stackportal.io/doc-status'] === 'missing'
    )
      critMissing++;
  }
  return {
    files: paths,
    orgFile,
    counts: {
      groups: TEAMS + 1,
      users: org.length - TEAMS - 1,
      domains: DOMAINS,
      stacks: STACKS,
      filler,
      locations: paths.length,
    },
    expected: {
      total: org.length + stacks.length + filler + paths.length,
      stacks: STACKS,
      criticalMissing: critMissing,
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, total] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node bench/generate-catalog.mjs <dir> [total=10000]');
    process.exit(2);
  }
  console.log(
    JSON.stringify(generateCatalog(dir, Number(total ?? 10000)), null, 2),
  );
}
