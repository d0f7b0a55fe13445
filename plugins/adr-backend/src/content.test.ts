import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { adrPlugin } from './plugin';

// The portal's own content, read as the portal reads it: SmartStack's and
// StackPro's decisions, the portal's docs/adr, and the stacks' documentation.
const repoRoot = path.resolve(__dirname, '../../..');
const at = (file: string) => `file:${path.join(repoRoot, file)}`;

const withAdrs = (
  kind: string,
  name: string,
  file: string,
  adrLocation: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: {
    name,
    annotations: {
      'backstage.io/managed-by-location': at(file),
      'backstage.io/adr-location': adrLocation,
    },
  },
  spec: {},
});

/** Each stack's name, declared status and docs location, as its YAML file says. */
const stacks: Entity[] = fs
  .readdirSync(path.join(repoRoot, 'catalog/stacks'))
  .filter(f => f.endsWith('.yaml'))
  .map(f => {
    const text = fs.readFileSync(
      path.join(repoRoot, 'catalog/stacks', f),
      'utf8',
    );
    const field = (key: string) =>
      text.match(new RegExp(`${key}: *'?([^'\\n]+)`))?.[1];
    const docs = field('stackportal.io/docs-location');
    const rank = field('stackportal.io/review-rank');
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: f.replace('.yaml', ''),
        labels: {
          'stackportal.io/doc-status': field('stackportal.io/doc-status')!,
          'stackportal.io/priority': field('stackportal.io/priority')!,
        },
        annotations: {
          'backstage.io/managed-by-location': at(`catalog/stacks/${f}`),
          ...(docs ? { 'stackportal.io/docs-location': docs } : {}),
          ...(rank ? { 'stackportal.io/review-rank': rank } : {}),
        },
      },
      spec: { type: 'stack' },
    };
  });

describe("the portal's content", () => {
  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        adrPlugin,
        catalogServiceMock.factory({
          entities: [
            withAdrs(
              'System',
              'smartstack',
              'catalog/smartstack/catalog-info.yaml',
              'adr',
            ),
            withAdrs(
              'System',
              'stackpro',
              'catalog/stackpro/catalog-info.yaml',
              'adr',
            ),
            withAdrs(
              'Component',
              'stackpro-messaging',
              'catalog/stackpro/catalog-info.yaml',
              'adr/messaging',
            ),
            withAdrs(
              'Component',
              'stackpro-datalake',
              'catalog/stackpro/catalog-info.yaml',
              'adr/datalake',
            ),
            withAdrs(
              'Component',
              'stack-portal',
              'catalog/stack-portal.yaml',
              '../docs/adr',
            ),
            ...stacks,
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            adr: {
              localRoots: [
                path.join(repoRoot, 'catalog'),
                path.join(repoRoot, 'docs'),
              ],
            },
          },
        }),
      ],
    });
    return server;
  }

  it("has SmartStack's nine ADRs, with ADR-004 superseding ADR-002 and the C4 diagrams", async () => {
    const server = await startBackend();
    const res = await request(server).get(
      '/api/adr/entities/system/default/smartstack/adrs',
    );
    expect(res.body.problems).toEqual([]);
    expect(
      res.body.adrs.map((a: any) => `${a.id} ${a.status} ${a.date}`),
    ).toEqual([
      'ADR-001 accepted 2025-05-10',
      'ADR-002 superseded 2025-05-10',
      'ADR-003 accepted 2025-05-10',
      'ADR-004 accepted 2025-05-11',
      'ADR-005 accepted 2025-05-11',
      'ADR-006 accepted 2025-05-11',
      'ADR-007 accepted 2025-05-11',
      'ADR-008 accepted 2025-05-11',
      'ADR-009 accepted 2025-05-11',
    ]);
    expect(res.body.adrs[3].supersedes.map((l: any) => l.key)).toEqual([
      'ADR-002-real-time-updates.md',
    ]);
    expect(res.body.adrs[1].supersededBy.map((l: any) => l.key)).toEqual([
      'ADR-004-websocket-implementation.md',
    ]);
    const diagrams = await Promise.all(
      res.body.adrs.map(async (a: any) => {
        const record = await request(server).get(
          `/api/adr/entities/system/default/smartstack/adrs/${encodeURIComponent(
            a.key,
          )}`,
        );
        return (record.body.markdown.match(/```mermaid\n(\w+)/g) ?? []).map(
          (m: string) => m.split('\n')[1],
        );
      }),
    );
    expect(diagrams.flat()).toEqual(
      expect.arrayContaining([
        'C4Context',
        'C4Container',
        'C4Component',
        'C4Deployment',
      ]),
    );
  });

  it("has StackPro's and the portal's own decisions, all passing the checks", async () => {
    const server = await startBackend();
    const index = await request(server).get('/api/adr/adrs');
    expect(index.body.problems).toEqual([]);
    expect(index.body.adrs.filter((a: any) => a.problems.length)).toEqual([]);
    const count = (ref: string) =>
      index.body.adrs.filter((a: any) => a.entities[0].entityRef === ref)
        .length;
    expect(count('system:default/smartstack')).toBe(9);
    expect(count('system:default/stackpro')).toBe(8);
    expect(count('component:default/stackpro-messaging')).toBe(1);
    expect(count('component:default/stack-portal')).toBeGreaterThanOrEqual(5);
  });

  it('measures the stacks as the review describes them: 7 complete, Integration without User Features', async () => {
    const server = await startBackend();
    const res = await request(server).get('/api/adr/coverage');
    expect(res.body.measured).toEqual({
      complete: 7,
      incomplete: 1,
      missing: 13,
    });
    expect(res.body.mismatches).toBe(0);
    const integration = res.body.stacks.find(
      (s: any) => s.name === 'integration-stack',
    );
    expect(integration.parts.filter((p: any) => !p.present)).toEqual([
      {
        part: 'user-features',
        present: false,
        evidence: 'no "User Features" heading',
      },
    ]);
    expect(res.body.stacks[0].name).toBe('integration-stack');
  });
});
