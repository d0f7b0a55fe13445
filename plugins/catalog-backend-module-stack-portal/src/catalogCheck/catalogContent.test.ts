import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { checkCatalogTree, formatProblems } from './checkCatalogTree';
import {
  isStackEntity,
  readStack,
} from '@internal/backstage-plugin-stacks-common';

const repoRoot = path.resolve(__dirname, '../../../..');
const catalogRoot = path.join(repoRoot, 'catalog');

/** The files app-config.yaml registers (its paths are relative to packages/backend). */
function registeredFiles(): string[] {
  const config = parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  return config.catalog.locations
    .filter((l: { type: string }) => l.type === 'file')
    .map((l: { target: string }) =>
      path.resolve(repoRoot, 'packages/backend', l.target),
    );
}

describe('catalog content', () => {
  it('holds only valid entities whose fields and relations check out', async () => {
    const { problems, entities } = await checkCatalogTree(catalogRoot, {
      registeredFiles: registeredFiles(),
    });
    expect(formatProblems(problems)).toBe('');
    expect(entities.length).toBeGreaterThan(40);
  });

  it('has the 21 stacks of the architecture review in their four domains', async () => {
    const { entities } = await checkCatalogTree(catalogRoot, {
      registeredFiles: registeredFiles(),
    });
    const stacks = entities
      .map(e => e.entity)
      .filter(isStackEntity)
      .map(e => readStack(e));
    expect(stacks).toHaveLength(21);
    const perDomain = stacks.reduce<Record<string, number>>((acc, s) => {
      acc[s.domain!.entityRef] = (acc[s.domain!.entityRef] ?? 0) + 1;
      return acc;
    }, {});
    expect(perDomain).toEqual({
      'domain:default/core-infrastructure': 8,
      'domain:default/business-product': 7,
      'domain:default/ai-communication': 3,
      'domain:default/developer-experience': 3,
    });
    const status = (name: string) =>
      stacks.find(s => s.name === name)?.docStatus;
    expect(stacks.filter(s => s.docStatus === 'complete')).toHaveLength(7);
    expect(status('integration-stack')).toBe('incomplete');
    expect(
      stacks.find(s => s.name === 'integration-stack')?.userFeatures,
    ).toEqual([]);
    expect(stacks.filter(s => s.docStatus === 'missing')).toHaveLength(13);
    expect(
      stacks
        .filter(s => s.priority === 'critical')
        .map(s => s.name)
        .sort(),
    ).toEqual([
      'compliance-stack',
      'integration-stack',
      'observability-stack',
      'security-stack',
      'testing-stack',
    ]);
  });

  it('gives each StackPro capability a real OpenAPI 3 contract whose every response says degraded', async () => {
    const { entities } = await checkCatalogTree(catalogRoot, {
      registeredFiles: registeredFiles(),
    });
    const apis = entities
      .map(e => e.entity)
      .filter(e => e.kind === 'API' && e.metadata.name.startsWith('stackpro-'));
    expect(apis.map(a => a.metadata.name).sort()).toEqual([
      'stackpro-ai-api',
      'stackpro-billing-api',
      'stackpro-datalake-api',
      'stackpro-messaging-api',
    ]);
    for (const api of apis) {
      const doc = parse(api.spec!.definition as string);
      const deref = (node: any): any => {
        if (node?.$ref) {
          const target = node.$ref
            .replace(/^#\//, '')
            .split('/')
            .reduce((v: any, k: string) => v?.[k], doc);
          if (target === undefined) {
            throw new Error(
              `${api.metadata.name}: $ref ${node.$ref} points nowhere`,
            );
          }
          return deref(target);
        }
        return node;
      };
      expect(doc.openapi).toMatch(/^3\./);
      for (const [route, methods] of Object.entries<any>(doc.paths)) {
        expect(route).toMatch(/^\/v1\//);
        for (const operation of Object.values<any>(methods)) {
          if (!operation?.responses) continue;
          for (const [code, response] of Object.entries<any>(
            operation.responses,
          )) {
            const schema = deref(
              deref(response).content?.['application/json']?.schema,
            );
            const where = `${stringifyEntityRef(api)} ${route} ${code}`;
            const required: string[] = [
              ...(schema?.required ?? []),
              ...(schema?.allOf ?? []).flatMap(
                (s: any) => deref(s).required ?? [],
              ),
            ];
            expect({
              where,
              degradedRequired: required.includes('degraded'),
            }).toEqual({
              where,
              degradedRequired: true,
            });
          }
        }
      }
    }
  });

  describe('the check itself', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-check-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const write = (file: string, text: string) => {
      fs.writeFileSync(path.join(dir, file), text);
      return path.join(dir, file);
    };

    it('names the file and field of an unknown value, an invalid entity and a dangling relation', async () => {
      const file = write(
        'bad.yaml',
        [
          'apiVersion: backstage.io/v1alpha1',
          'kind: System',
          'metadata:',
          '  name: broken-stack',
          '  labels:',
          '    stackportal.io/layer: L9',
          '    stackportal.io/priority: high',
          '    stackportal.io/doc-status: complete',
          '  annotations:',
          '    stackportal.io/system-features: Something',
          'spec:',
          '  type: stack',
          '  owner: team-nobody',
          '  domain: nowhere',
          '---',
          'apiVersion: backstage.io/v1alpha1',
          'kind: Component',
          'metadata:',
          '  name: Not_Valid!',
          'spec:',
          '  type: service',
          '  owner: team-nobody',
          '  lifecycle: production',
        ].join('\n'),
      );
      const { problems } = await checkCatalogTree(dir, {
        registeredFiles: [file],
      });
      const text = formatProblems(problems);
      expect(text).toContain(
        'bad.yaml System:broken-stack stackportal.io/layer: "L9" is not allowed',
      );
      expect(text).toContain(
        'bad.yaml System:broken-stack spec.owner: points to group:default/team-nobody',
      );
      expect(text).toContain(
        'bad.yaml System:broken-stack spec.domain: points to domain:default/nowhere',
      );
      expect(text).toContain('bad.yaml Component:Not_Valid!');
    });

    it('reports an entity file that no location registers', async () => {
      write(
        'orphan.yaml',
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: g\nspec:\n  type: team\n  children: []\n',
      );
      const { problems } = await checkCatalogTree(dir, { registeredFiles: [] });
      expect(formatProblems(problems)).toContain(
        'orphan.yaml: no location registers this file',
      );
    });
  });
});
