// Node-only: checks a folder of catalog files the way the catalog will read
// them. Used by the catalog content test; not exported to the browser.
import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  DefaultNamespaceEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  STACK_LABELS,
  validateStackPortalFields,
} from '@internal/backstage-plugin-stacks-common';

export interface CatalogProblem {
  file: string;
  entity?: string;
  field?: string;
  message: string;
}

export interface LoadedEntity {
  file: string;
  entity: Entity;
}

const kindValidators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
];

const policies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** Each relation field: where it is, the kind its short refs default to. */
const RELATION_FIELDS: Array<[string, string]> = [
  ['spec.owner', 'group'],
  ['spec.domain', 'domain'],
  ['spec.system', 'system'],
  ['spec.subcomponentOf', 'component'],
  ['spec.providesApis', 'api'],
  ['spec.consumesApis', 'api'],
  ['spec.dependsOn', 'component'],
  ['spec.dependencyOf', 'component'],
  ['spec.memberOf', 'group'],
  ['spec.children', 'group'],
  ['spec.parent', 'group'],
  ['spec.subdomainOf', 'domain'],
];

function get(entity: Entity, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>(
      (v, key) => (v as Record<string, unknown> | undefined)?.[key],
      entity,
    );
}

function listYaml(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listYaml(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

/** Replaces `$text: ./file` placeholders the way the catalog does. */
function resolvePlaceholders(
  value: unknown,
  file: string,
  problems: CatalogProblem[],
  shownAs: string,
): unknown {
  if (Array.isArray(value))
    return value.map(v => resolvePlaceholders(v, file, problems, shownAs));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$text') {
      const target = path.resolve(
        path.dirname(file),
        String((value as { $text: unknown }).$text),
      );
      if (!fs.existsSync(target)) {
        problems.push({
          file: shownAs,
          message: `$text target ${target} does not exist`,
        });
        return '';
      }
      return fs.readFileSync(target, 'utf8');
    }
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        resolvePlaceholders(v, file, problems, shownAs),
      ]),
    );
  }
  return value;
}

/**
 * Reads every entity file under `root` (the files a Location reaches and any
 * other `*.yaml` that holds entities) and reports each invalid entity,
 * unknown Stack Portal field value, relation that points nowhere and file no
 * location registers.
 */
export async function checkCatalogTree(
  root: string,
  options: { registeredFiles: string[]; ignore?: (file: string) => boolean },
): Promise<{ entities: LoadedEntity[]; problems: CatalogProblem[] }> {
  const problems: CatalogProblem[] = [];
  const entities: LoadedEntity[] = [];
  const rel = (file: string) => path.relative(root, file);

  for (const file of listYaml(root)) {
    if (options.ignore?.(file)) continue;
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length) {
        problems.push({
          file: rel(file),
          message: `YAML: ${doc.errors[0].message}`,
        });
        continue;
      }
      const raw = doc.toJS();
      if (!raw || typeof raw !== 'object' || !('kind' in raw)) continue;
      const data = resolvePlaceholders(
        raw,
        file,
        problems,
        rel(file),
      ) as Entity;
      const name = `${data.kind}:${data.metadata?.name ?? '?'}`;
      try {
        const entity = (await policies.enforce(data)) ?? data;
        let known = false;
        for (const validator of kindValidators) {
          if (await validator.check(entity)) known = true;
        }
        if (!known) {
          problems.push({
            file: rel(file),
            entity: name,
            field: 'kind',
            message: `unknown kind ${entity.kind}`,
          });
        }
        for (const p of validateStackPortalFields(entity)) {
          problems.push({
            file: rel(file),
            entity: name,
            field: p.field,
            message: p.message,
          });
        }
        entities.push({ file, entity });
      } catch (e) {
        problems.push({
          file: rel(file),
          entity: name,
          message: (e as Error).message,
        });
      }
    }
  }

  // Files that hold entities must be registered, or they silently never load.
  const registered = new Set(options.registeredFiles.map(f => path.resolve(f)));
  for (const { entity, file } of entities) {
    if (entity.kind === 'Location') {
      for (const target of (entity.spec?.targets as string[] | undefined) ??
        []) {
        const resolved = path.resolve(path.dirname(file), target);
        if (!fs.existsSync(resolved)) {
          problems.push({
            file: rel(file),
            entity: `Location:${entity.metadata.name}`,
            field: 'spec.targets',
            message: `${target} does not exist`,
          });
        }
        registered.add(resolved);
      }
    }
  }
  for (const file of new Set(entities.map(e => e.file))) {
    if (!registered.has(path.resolve(file))) {
      problems.push({
        file: rel(file),
        message: 'no location registers this file, so its entities never load',
      });
    }
  }

  // Every relation must point at an entity that exists.
  const refs = new Set(
    entities.map(({ entity }) => stringifyEntityRef(entity)),
  );
  for (const { entity, file } of entities) {
    const name = `${entity.kind}:${entity.metadata.name}`;
    const fields: Array<[string, unknown, string]> = RELATION_FIELDS.map(
      ([f, kind]) => [f, get(entity, f), kind],
    );
    fields.push([
      `metadata.labels.${STACK_LABELS.stack}`,
      entity.metadata.labels?.[STACK_LABELS.stack],
      'system',
    ]);
    for (const [field, value, defaultKind] of fields) {
      for (const target of ([] as unknown[]).concat(value ?? [])) {
        if (typeof target !== 'string') continue;
        const ref = stringifyEntityRef(
          parseEntityRef(target, {
            defaultKind,
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        );
        if (!refs.has(ref)) {
          problems.push({
            file: rel(file),
            entity: name,
            field,
            message: `points to ${ref}, which no catalog file defines`,
          });
        }
      }
    }
  }
  return { entities, problems };
}

/** One line per problem: file, entity, field and what is wrong. */
export function formatProblems(problems: CatalogProblem[]): string {
  return problems
    .map(
      p =>
        `${p.file}${p.entity ? ` ${p.entity}` : ''}${
          p.field ? ` ${p.field}` : ''
        }: ${p.message}`,
    )
    .join('\n');
}
