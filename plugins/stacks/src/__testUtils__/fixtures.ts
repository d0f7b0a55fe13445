import { Entity } from '@backstage/catalog-model';
import { mockApis } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import {
  compareStacks,
  CoverageResponse,
  DOC_PARTS,
  measuredDocStatus,
  StackCoverage,
  matchesFilter,
  readStack,
  StackDomain,
  StacksFilter,
  StacksResponse,
  summarizeStacks,
} from '@internal/backstage-plugin-stacks-common';
import { StacksClient } from '../api';

const system = (
  name: string,
  title: string,
  domain: string,
  labels: { layer: string; priority: string; status: string },
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name,
    namespace: 'default',
    title,
    labels: {
      'stackportal.io/layer': labels.layer,
      'stackportal.io/priority': labels.priority,
      'stackportal.io/doc-status': labels.status,
    },
    annotations,
  },
  spec: { type: 'stack', domain, owner: 'team-platform' },
});

/** Integration Stack as the seeds have it: no user features, so incomplete. */
export const integrationStackEntity = system(
  'integration-stack',
  'Integration Stack',
  'core-infrastructure',
  { layer: 'L4', priority: 'critical', status: 'incomplete' },
  {
    'stackportal.io/review-rank': '1',
    'stackportal.io/system-features':
      'Versioned public REST API\nOAuth 2.0 connections to third-party services\nOutbound webhooks with signing and retries\n',
  },
);

export const authStackEntity = system(
  'auth-stack',
  'Auth Stack',
  'core-infrastructure',
  { layer: 'L1', priority: 'critical', status: 'missing' },
  {
    'stackportal.io/system-features': 'Single sign-on\nSessions\n',
    'stackportal.io/user-features': 'Sign in\nManage sessions\n',
  },
);

export const aiStackEntity = system(
  'ai-stack',
  'AI Stack',
  'ai-communication',
  { layer: 'L6', priority: 'low', status: 'complete' },
  {
    'stackportal.io/system-features': 'Model gateway\nEmbeddings\n',
    'stackportal.io/user-features': 'AI assistant chat\n',
  },
);

export const experimentationStackEntity = system(
  'experimentation-stack',
  'Experimentation Stack',
  'business-product',
  { layer: 'L6', priority: 'medium', status: 'missing' },
  {
    'stackportal.io/system-features': 'A/B testing\nFeature flags\n',
    'stackportal.io/user-features': 'Experiment dashboards\n',
  },
);

const entities = [
  integrationStackEntity,
  authStackEntity,
  aiStackEntity,
  experimentationStackEntity,
];

export const domains: StackDomain[] = [
  {
    entityRef: 'domain:default/core-infrastructure',
    title: 'Core Infrastructure',
    description: 'The stacks every product stands on.',
  },
  {
    entityRef: 'domain:default/business-product',
    title: 'Business & Product',
    description: 'Stacks that earn, measure and keep customers.',
  },
  {
    entityRef: 'domain:default/ai-communication',
    title: 'AI & Communication',
    description: 'Stacks for model-backed features and messaging.',
  },
];

const titles = new Map<string, string>([
  ...domains.map(d => [d.entityRef, d.title] as [string, string]),
  ['group:default/team-platform', 'Platform Team'],
]);

export const allStacks = entities
  .map(entity => readStack(entity, titles))
  .sort(compareStacks);

/** What the backend answers for a filter: filtered stacks, unfiltered summary. */
export function stacksResponse(filter: StacksFilter = {}): StacksResponse {
  return {
    stacks: allStacks.filter(stack => matchesFilter(stack, filter)),
    domains,
    summary: summarizeStacks(allStacks),
  };
}

/** Where the test client finds the stacks backend. */
export const STACKS_URL = 'http://backstage.test/api/stacks/stacks';

/** A real client pointed at {@link STACKS_URL}. */
export const testStacksClient = () =>
  new StacksClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: mockApis.fetch(),
  });

/**
 * Answers `GET /api/stacks/stacks` like the backend does, from the fixtures,
 * and records each request's query.
 */
export function serveStacks(server: SetupServer): URLSearchParams[] {
  const queries: URLSearchParams[] = [];
  serveCoverage(server);
  server.use(
    http.get(STACKS_URL, ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      return HttpResponse.json(
        stacksResponse({
          domain: query.getAll('domain'),
          layer: query.getAll('layer') as StacksFilter['layer'],
          priority: query.getAll('priority') as StacksFilter['priority'],
          status: query.getAll('status') as StacksFilter['status'],
        }),
      );
    }),
  );
  return queries;
}

/** Where the test client finds the measured coverage (the ADR backend). */
export const COVERAGE_URL = 'http://backstage.test/api/adr/coverage';

/** The six results for the parts present; none when there is no document. */
const parts = (present: string[] | undefined) =>
  present
    ? DOC_PARTS.map(part => ({
        part,
        present: present.includes(part),
        evidence: present.includes(part)
          ? `line 3: ${part}`
          : `no "${part}" heading`,
      }))
    : [];

const measured = (
  name: string,
  title: string,
  declared: StackCoverage['declaredStatus'],
  present: string[] | undefined,
  extra: Partial<StackCoverage> = {},
): StackCoverage => ({
  entityRef: `system:default/${name}`,
  name,
  title,
  declaredStatus: declared,
  measuredStatus: measuredDocStatus(parts(present)),
  parts: parts(present),
  ...extra,
});

/**
 * Coverage as the ADR backend measures it: Integration lacks User Features,
 * AI is complete, Auth is documented in full although the catalog says
 * missing, Experimentation has no document.
 */
export const coverageResponse: CoverageResponse = {
  stacks: [
    measured(
      'integration-stack',
      'Integration Stack',
      'incomplete',
      DOC_PARTS.filter(p => p !== 'user-features'),
      {
        priority: 'critical',
        reviewRank: 1,
        docsLocation: 'docs/integration-stack.md',
      },
    ),
    measured('auth-stack', 'Auth Stack', 'missing', [...DOC_PARTS], {
      priority: 'critical',
    }),
    measured(
      'experimentation-stack',
      'Experimentation Stack',
      'missing',
      undefined,
      {
        priority: 'medium',
        error: 'no documentation location (stackportal.io/docs-location)',
      },
    ),
    measured('ai-stack', 'AI Stack', 'complete', [...DOC_PARTS], {
      priority: 'low',
    }),
  ],
  measured: { complete: 2, incomplete: 1, missing: 1 },
  mismatches: 1,
};

/** Answers `GET /api/adr/coverage` from {@link coverageResponse}. */
export function serveCoverage(
  server: SetupServer,
  response: CoverageResponse = coverageResponse,
) {
  server.use(http.get(COVERAGE_URL, () => HttpResponse.json(response)));
}
