import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import {
  ADR_LOCATION_ANNOTATION,
  AdrEntityLink,
  AdrIndexEntry,
  AdrIndexFilter,
  AdrIndexResponse,
  AdrProblem,
  AdrRecordResponse,
  AdrSearchDocument,
  AdrStatus,
  EntityAdrsResponse,
} from '@internal/backstage-plugin-adr-common';
import {
  STACK_LABELS,
  STACK_SYSTEM_TYPE,
} from '@internal/backstage-plugin-stacks-common';
import { SharedCatalogReads } from '@internal/backstage-plugin-resilience-node';
import { IMAGE_TYPES, isDecisionFileName } from '../limits';
import {
  LocationProblem,
  LocationResolver,
  ResolvedLocation,
} from '../location/LocationResolver';
import {
  CachedDocumentReader,
  LocationSnapshot,
} from '../reader/DocumentReader';
import { buildLocationAdrs, LocationAdrs } from './locationAdrs';

type Options = {
  credentials: BackstageCredentials;
  /** The caller's `catalog.entity.read` decision, when the router has it. */
  catalogRead?: PolicyDecision;
};

/** Decision records of entities and of the whole portal. */
export interface AdrService {
  getEntityAdrs(
    entityRef: string,
    options: Options,
  ): Promise<EntityAdrsResponse>;
  getRecord(
    entityRef: string,
    key: string,
    options: Options,
  ): Promise<AdrRecordResponse>;
  getAsset(
    entityRef: string,
    assetPath: string,
    options: Options,
  ): Promise<{ body: Buffer; contentType: string }>;
  getIndex(filter: AdrIndexFilter, options: Options): Promise<AdrIndexResponse>;
  getSearchDocuments(options: Options): Promise<AdrSearchDocument[]>;
}

const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'metadata.labels',
  'spec.type',
  'spec.system',
];

const KIND_ORDER = ['system', 'component', 'api', 'resource', 'domain'];

const kindRank = (entity: Entity) => {
  const i = KIND_ORDER.indexOf(entity.kind.toLocaleLowerCase('en-US'));
  return i < 0 ? KIND_ORDER.length : i;
};

const titleOf = (entity: Entity) =>
  entity.metadata.title ?? entity.metadata.name;

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** Markdown as plain text for the search index: no syntax, diagrams kept as words. */
export function searchText(markdown: string): string {
  return markdown
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/^```\w*\s*$/gm, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s*(?:[-*+]|\d+\.)\s+/gm, '')
    .replace(/^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*$/gm, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[*_`|>]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The URL of an entity's Decisions tab, opened at one record. */
export function decisionUrl(entityRef: string, key?: string): string {
  const ref = parseEntityRef(entityRef);
  const base = `/catalog/${encodeURIComponent(
    ref.namespace,
  )}/${encodeURIComponent(
    ref.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(ref.name)}/decisions`;
  return key ? `${base}?record=${encodeURIComponent(key)}` : base;
}

/** The systems and stacks an entity's decisions belong to. */
function belongsTo(entity: Entity): { systems: string[]; stacks: string[] } {
  const namespace = entity.metadata.namespace ?? 'default';
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const ref = (value: string, defaultKind: string) =>
    stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: namespace }),
    );
  const systems: string[] = [];
  const stacks: string[] = [];
  if (kind === 'system') {
    systems.push(stringifyEntityRef(entity));
    if (entity.spec?.type === STACK_SYSTEM_TYPE)
      stacks.push(stringifyEntityRef(entity));
  } else if (typeof entity.spec?.system === 'string' && entity.spec.system) {
    systems.push(ref(entity.spec.system, 'system'));
  }
  const stackLabel = entity.metadata.labels?.[STACK_LABELS.stack];
  if (stackLabel) stacks.push(ref(stackLabel, 'system'));
  return { systems, stacks };
}

interface Group {
  location: ResolvedLocation;
  entities: Entity[];
  built: LocationAdrs;
  degraded: boolean;
}

interface Groups {
  groups: Group[];
  problems: AdrIndexResponse['problems'];
  link: (ref: string) => AdrEntityLink;
}

interface LocatedEntities {
  locations: Array<{ location: ResolvedLocation; entities: Entity[] }>;
  problems: AdrIndexResponse['problems'];
  link: (ref: string) => AdrEntityLink;
}

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/**
 * Reads decisions through the location resolver and the cached reader,
 * parses and checks them once per change of a location, and answers the
 * entity tab, the record reader, the portal-wide index and search. The
 * caller's credentials go to the catalog, so its permissions decide which
 * entities (and so which decisions) a caller sees.
 */
export class DefaultAdrService implements AdrService {
  private readonly built = new Map<
    string,
    { version: number; adrs: LocationAdrs }
  >();

  private constructor(
    private readonly catalog: CatalogService,
    private readonly resolver: LocationResolver,
    private readonly reader: CachedDocumentReader,
    private readonly logger: LoggerService,
    private readonly reads: SharedCatalogReads,
  ) {}

  static create(options: {
    catalog: CatalogService;
    resolver: LocationResolver;
    reader: CachedDocumentReader;
    logger: LoggerService;
    reads: SharedCatalogReads;
  }): DefaultAdrService {
    return new DefaultAdrService(
      options.catalog,
      options.resolver,
      options.reader,
      options.logger,
      options.reads,
    );
  }

  private async entity(entityRef: string, options: Options): Promise<Entity> {
    const entity = await this.catalog.getEntityByRef(entityRef, options);
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    if (!entity.metadata.annotations?.[ADR_LOCATION_ANNOTATION]) {
      throw new NotFoundError(
        `${entityRef} has no ${ADR_LOCATION_ANNOTATION} annotation`,
      );
    }
    return entity;
  }

  private locationOf(entity: Entity): ResolvedLocation {
    return this.resolver.resolve(
      entity,
      entity.metadata.annotations?.[ADR_LOCATION_ANNOTATION],
      ADR_LOCATION_ANNOTATION,
    );
  }

  private async adrsAt(
    location: ResolvedLocation,
  ): Promise<{ adrs: LocationAdrs; snapshot: LocationSnapshot }> {
    const snapshot = await this.reader.read(location, isDecisionFileName);
    const cached = this.built.get(location.key);
    if (cached && cached.version === snapshot.version) {
      return { adrs: cached.adrs, snapshot };
    }
    const adrs = buildLocationAdrs(snapshot);
    this.logger.debug(
      `Parsed ${adrs.summaries.length} decisions at ${location.display} (version ${snapshot.version})`,
    );
    this.built.set(location.key, { version: snapshot.version, adrs });
    return { adrs, snapshot };
  }

  async getEntityAdrs(
    entityRef: string,
    options: Options,
  ): Promise<EntityAdrsResponse> {
    const entity = await this.entity(entityRef, options);
    const ref = stringifyEntityRef(entity);
    const annotation = entity.metadata.annotations![ADR_LOCATION_ANNOTATION];
    let location: ResolvedLocation;
    try {
      location = this.locationOf(entity);
    } catch (e) {
      if (!(e instanceof LocationProblem)) throw e;
      const error: AdrProblem = {
        rule: 'location',
        severity: e.severity,
        message: e.message,
      };
      return {
        entityRef: ref,
        adrs: [],
        problems: [error],
        error,
        degraded: false,
        checkedAt: new Date().toISOString(),
      };
    }
    const { adrs, snapshot } = await this.adrsAt(location);
    return {
      entityRef: ref,
      location: { annotation, type: location.type, target: location.display },
      adrs: adrs.summaries,
      problems: adrs.problems,
      error: adrs.error,
      degraded: snapshot.degraded,
      checkedAt: snapshot.checkedAt.toISOString(),
    };
  }

  async getRecord(
    entityRef: string,
    key: string,
    options: Options,
  ): Promise<AdrRecordResponse> {
    const entity = await this.entity(entityRef, options);
    let location: ResolvedLocation;
    try {
      location = this.locationOf(entity);
    } catch (e) {
      if (e instanceof LocationProblem) throw new NotAllowedError(e.message);
      throw e;
    }
    const { adrs } = await this.adrsAt(location);
    const adr = adrs.summaries.find(s => s.key === key);
    if (!adr)
      throw new NotFoundError(
        `${stringifyEntityRef(entity)} has no decision ${key}`,
      );
    return {
      entityRef: stringifyEntityRef(entity),
      adr,
      markdown: adrs.bodies.get(key) ?? '',
    };
  }

  async getAsset(entityRef: string, assetPath: string, options: Options) {
    const extension =
      assetPath.split('.').pop()?.toLocaleLowerCase('en-US') ?? '';
    const contentType = IMAGE_TYPES[extension];
    if (!contentType) {
      throw new NotAllowedError(
        `${assetPath} is not an image (${Object.keys(IMAGE_TYPES).join(', ')})`,
      );
    }
    const entity = await this.entity(entityRef, options);
    let location: ResolvedLocation;
    try {
      location = this.locationOf(entity);
    } catch (e) {
      if (e instanceof LocationProblem) throw new NotAllowedError(e.message);
      throw e;
    }
    try {
      return {
        body: await this.reader.readAsset(location, assetPath),
        contentType,
      };
    } catch (e) {
      if (
        (e as NodeJS.ErrnoException).code === 'ENOENT' ||
        (e as Error).name === 'NotFoundError'
      ) {
        throw new NotFoundError(
          `${assetPath} does not exist next to the decisions`,
        );
      }
      throw e;
    }
  }

  /**
   * Every entity with decisions the caller may see, grouped by location and
   * read; with `titles`, the titles of the systems and stacks they belong to.
   * The catalog part is shared for a few seconds by callers who may read the
   * whole catalog (SharedCatalogReads), anyone else reads their own; the
   * decisions are read through the reader (and parsed once per change) on
   * every call.
   */
  private async groups(options: Options, withTitles = false): Promise<Groups> {
    const located = await this.reads.read(
      `adr-entities:${withTitles}`,
      options.credentials,
      read => this.locatedEntities(read, withTitles),
      options.catalogRead,
    );
    const groups = await mapLimit(
      located.locations,
      8,
      async ({ location, entities }) => {
        const { adrs, snapshot } = await this.adrsAt(location);
        return { location, entities, built: adrs, degraded: snapshot.degraded };
      },
    );
    // callers add to the problems: each gets a list of its own
    return { groups, problems: [...located.problems], link: located.link };
  }

  /** The catalog's side of `groups`: entities with decisions, by location. */
  private async locatedEntities(
    options: Options,
    withTitles: boolean,
  ): Promise<LocatedEntities> {
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ADR_LOCATION_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ENTITY_FIELDS,
      },
      options,
    );
    const titles = new Map(items.map(e => [stringifyEntityRef(e), titleOf(e)]));
    const problems: AdrIndexResponse['problems'] = [];
    const byLocation = new Map<
      string,
      { location: ResolvedLocation; entities: Entity[] }
    >();
    for (const entity of items) {
      try {
        const location = this.locationOf(entity);
        const group = byLocation.get(location.key) ?? {
          location,
          entities: [],
        };
        group.entities.push(entity);
        byLocation.set(location.key, group);
      } catch (e) {
        if (!(e instanceof LocationProblem)) throw e;
        problems.push({
          entityRef: stringifyEntityRef(entity),
          rule: 'location',
          severity: e.severity,
          message: e.message,
        });
      }
    }
    for (const { entities } of byLocation.values()) {
      entities.sort(
        (a, b) =>
          kindRank(a) - kindRank(b) || titleOf(a).localeCompare(titleOf(b)),
      );
    }
    const unknown = withTitles
      ? [
          ...new Set(
            items.flatMap(e => {
              const b = belongsTo(e);
              return [...b.systems, ...b.stacks];
            }),
          ),
        ].filter(ref => !titles.has(ref))
      : [];
    if (unknown.length) {
      const { items: found } = await this.catalog.getEntitiesByRefs(
        {
          entityRefs: unknown,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.title',
          ],
        },
        options,
      );
      for (const entity of found)
        if (entity) titles.set(stringifyEntityRef(entity), titleOf(entity));
    }
    const link = (ref: string): AdrEntityLink => ({
      entityRef: ref,
      title: titles.get(ref) ?? parseEntityRef(ref).name,
    });
    return { locations: [...byLocation.values()], problems, link };
  }

  async getIndex(
    filter: AdrIndexFilter,
    options: Options,
  ): Promise<AdrIndexResponse> {
    const { groups, problems, link } = await this.groups(options, true);
    const belongs = new Map<Entity, ReturnType<typeof belongsTo>>();
    for (const g of groups)
      for (const e of g.entities) belongs.set(e, belongsTo(e));

    const entries: AdrIndexEntry[] = [];
    // with a text query: each entry's words (number, title, text), lower case
    const words = filter.q ? new Map<AdrIndexEntry, string>() : undefined;
    let degraded = false;
    for (const group of groups) {
      degraded ||= group.degraded;
      const home = stringifyEntityRef(group.entities[0]);
      const systems = [
        ...new Set(group.entities.flatMap(e => belongs.get(e)!.systems)),
      ].map(link);
      const stacks = [
        ...new Set(group.entities.flatMap(e => belongs.get(e)!.stacks)),
      ].map(link);
      const entities = group.entities.map(e => ({
        entityRef: stringifyEntityRef(e),
        title: titleOf(e),
      }));
      const listed = new Set(group.built.summaries.map(s => s.file));
      for (const problem of group.built.problems) {
        if (!problem.file || !listed.has(problem.file))
          problems.push({ ...problem, entityRef: home });
      }
      for (const summary of group.built.summaries) {
        const entry = { ...summary, entities, systems, stacks };
        entries.push(entry);
        words?.set(
          entry,
          lower(
            `${summary.id ?? ''} ${summary.title} ${searchText(
              group.built.bodies.get(summary.key) ?? '',
            )}`,
          ),
        );
      }
    }

    const statuses: Partial<Record<AdrStatus, number>> = {};
    const deciders = new Set<string>();
    const systems = new Map<string, AdrEntityLink>();
    const stacks = new Map<string, AdrEntityLink>();
    for (const entry of entries) {
      if (entry.status)
        statuses[entry.status] = (statuses[entry.status] ?? 0) + 1;
      entry.deciders.forEach(d => deciders.add(d));
      entry.systems.forEach(s => systems.set(s.entityRef, s));
      entry.stacks.forEach(s => stacks.set(s.entityRef, s));
    }

    const wantDeciders = filter.decider?.map(lower);
    const wantWords = filter.q
      ? lower(filter.q).split(/\s+/).filter(Boolean)
      : [];
    const matches = (entry: AdrIndexEntry) =>
      (!filter.status?.length ||
        (entry.status !== undefined && filter.status.includes(entry.status))) &&
      (!filter.system?.length ||
        entry.systems.some(s => filter.system!.includes(s.entityRef))) &&
      (!filter.stack?.length ||
        entry.stacks.some(s => filter.stack!.includes(s.entityRef))) &&
      (!wantDeciders?.length ||
        entry.deciders.some(d => wantDeciders.includes(lower(d)))) &&
      (!filter.from ||
        (entry.date !== undefined && entry.date >= filter.from)) &&
      (!filter.to || (entry.date !== undefined && entry.date <= filter.to)) &&
      wantWords.every(w => words!.get(entry)!.includes(w));

    const byTitle = (a: AdrEntityLink[], b: AdrEntityLink[]) =>
      (a[0]?.title ?? '').localeCompare(b[0]?.title ?? '');
    const adrs = entries
      .filter(matches)
      .sort(
        (a, b) =>
          (b.date ?? '').localeCompare(a.date ?? '') ||
          byTitle(a.entities, b.entities) ||
          (a.number ?? Infinity) - (b.number ?? Infinity) ||
          a.key.localeCompare(b.key),
      );
    const byName = (a: AdrEntityLink, b: AdrEntityLink) =>
      a.title.localeCompare(b.title);
    return {
      adrs,
      total: entries.length,
      facets: {
        statuses,
        systems: [...systems.values()].sort(byName),
        stacks: [...stacks.values()].sort(byName),
        deciders: [...deciders].sort((a, b) => a.localeCompare(b)),
      },
      problems,
      degraded,
    };
  }

  async getSearchDocuments(options: Options): Promise<AdrSearchDocument[]> {
    const { groups, link } = await this.groups(options, true);
    return groups.flatMap(group => {
      const home = stringifyEntityRef(group.entities[0]);
      const owner = titleOf(group.entities[0]);
      const stacks = [
        ...new Set(group.entities.flatMap(e => belongsTo(e).stacks)),
      ].map(link);
      const where = [owner, ...stacks.map(s => s.title)]
        .filter((t, i, all) => all.indexOf(t) === i)
        .join(', ');
      return group.built.summaries.map(summary => ({
        title: `${summary.id ? `${summary.id}: ` : ''}${summary.title}`,
        text: `${where}, ${summary.status ?? 'no status'}, ${
          summary.date ?? 'undated'
        }. ${searchText(
          (group.built.bodies.get(summary.key) ?? '').replace(
            /^\s*#\s+[^\n]*\n/,
            '',
          ),
        )}`,
        location: decisionUrl(home, summary.key),
        entityRef: home,
        entityTitle: owner,
        status: summary.status,
        statusText: summary.statusText,
        date: summary.date,
        id: summary.id,
        stackRefs: stacks.map(s => s.entityRef),
        stacks: stacks.map(s => s.title),
      }));
    });
  }
}
