import {
  Entity,
  parseEntityRef,
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
} from '@backstage/catalog-model';

/** The label by which a capability names the stack it belongs to. */
export const STACK_LABEL = 'stackportal.io/stack';

/** How the card calls each relation it shows, in the order it shows them. */
const RELATION_TITLES: Array<[type: string, title: string]> = [
  [RELATION_PART_OF, 'Part of'],
  [RELATION_HAS_PART, 'Has'],
  [RELATION_PROVIDES_API, 'Provides APIs'],
  [RELATION_CONSUMES_API, 'Consumes APIs'],
  [RELATION_API_PROVIDED_BY, 'Provided by'],
  [RELATION_API_CONSUMED_BY, 'Consumed by'],
  [RELATION_DEPENDS_ON, 'Depends on'],
  [RELATION_DEPENDENCY_OF, 'Dependency of'],
];

export interface RelationGroup {
  title: string;
  /** Entity refs, sorted; never empty. */
  refs: string[];
}

const kindOf = (ref: string) => {
  try {
    return parseEntityRef(ref).kind.toLocaleLowerCase('en-US');
  } catch {
    return '';
  }
};

const KIND_PLURALS: Record<string, string> = {
  component: 'components',
  resource: 'resources',
  system: 'systems',
  api: 'APIs',
  domain: 'domains',
};

/**
 * The entity's relations that have something in them, grouped as a reader
 * asks about them ("Has components", "Provides APIs", ...). `Has` is split by
 * the kind of the part, since a system's components and resources are
 * different questions. Nothing empty is returned.
 */
export function groupRelations(entity: Entity): RelationGroup[] {
  const groups: RelationGroup[] = [];
  for (const [type, title] of RELATION_TITLES) {
    const refs = [
      ...new Set(
        (entity.relations ?? [])
          .filter(relation => relation.type === type)
          .map(relation => relation.targetRef),
      ),
    ].sort();
    if (refs.length === 0) continue;
    if (type === RELATION_HAS_PART) {
      const kinds = [...new Set(refs.map(kindOf))].sort();
      for (const kind of kinds) {
        groups.push({
          title: `Has ${KIND_PLURALS[kind] ?? kind}`,
          refs: refs.filter(ref => kindOf(ref) === kind),
        });
      }
    } else {
      groups.push({ title, refs });
    }
  }
  return groups;
}
