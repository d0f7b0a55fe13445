import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  assessStackDocumentation,
  compareStacks,
  CoverageResponse,
  DOC_STATUSES,
  DocStatus,
  measuredDocStatus,
  readStack,
  STACK_ANNOTATIONS,
  STACK_ENTITY_FIELDS,
  STACK_SYSTEM_TYPE,
  StackCoverage,
  StackDocumentResponse,
} from '@internal/backstage-plugin-stacks-common';
import { NotFoundError } from '@backstage/errors';
import {
  LocationProblem,
  LocationResolver,
} from '../location/LocationResolver';
import { CachedDocumentReader } from '../reader/DocumentReader';

/** How complete each stack's documentation is, measured from the document. */
export interface CoverageService {
  getCoverage(options: {
    credentials: BackstageCredentials;
  }): Promise<CoverageResponse>;
  /** One stack's document, to read in the portal; 404 when it has none. */
  getDocument(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<StackDocumentResponse>;
}

/**
 * Reads each stack's `stackportal.io/docs-location` with the same resolver,
 * reader and limits as decision records, and finds the six parts the
 * architecture review requires. A stack without a readable document is
 * `missing`; the reason is given.
 */
export class DefaultCoverageService implements CoverageService {
  private readonly assessed = new Map<
    string,
    { version: number; parts: ReturnType<typeof assessStackDocumentation> }
  >();

  private constructor(
    private readonly catalog: CatalogService,
    private readonly resolver: LocationResolver,
    private readonly reader: CachedDocumentReader,
  ) {}

  static create(options: {
    catalog: CatalogService;
    resolver: LocationResolver;
    reader: CachedDocumentReader;
  }): DefaultCoverageService {
    return new DefaultCoverageService(
      options.catalog,
      options.resolver,
      options.reader,
    );
  }

  async getCoverage(options: {
    credentials: BackstageCredentials;
  }): Promise<CoverageResponse> {
    const { items } = await this.catalog.getEntities(
      {
        filter: { kind: 'system', 'spec.type': STACK_SYSTEM_TYPE },
        fields: [...STACK_ENTITY_FIELDS, 'metadata.annotations'],
      },
      options,
    );
    const stacks = await Promise.all(
      items.map(
        async (
          entity,
        ): Promise<StackCoverage & { order: ReturnType<typeof readStack> }> => {
          const stack = readStack(entity);
          const docsLocation =
            entity.metadata.annotations?.[STACK_ANNOTATIONS.docsLocation];
          const base = {
            entityRef: stringifyEntityRef(entity),
            name: stack.name,
            title: stack.title,
            priority: stack.priority,
            reviewRank: stack.reviewRank,
            declaredStatus: stack.docStatus,
            docsLocation,
            order: stack,
          };
          if (!docsLocation) {
            return {
              ...base,
              measuredStatus: 'missing',
              parts: [],
              error: 'no documentation location (stackportal.io/docs-location)',
            };
          }
          try {
            const location = this.resolver.resolve(
              entity,
              docsLocation,
              STACK_ANNOTATIONS.docsLocation,
            );
            const snapshot = await this.reader.read(location, () => true);
            const file = snapshot.files[0];
            if (snapshot.problem || !file || file.text === undefined) {
              const why =
                snapshot.problem?.message ??
                `${file?.name ?? docsLocation} ${
                  file?.problem?.message ?? 'is not a file'
                }`;
              return {
                ...base,
                measuredStatus: 'missing',
                parts: [],
                error: why,
              };
            }
            const cached = this.assessed.get(location.key);
            const parts =
              cached && cached.version === snapshot.version
                ? cached.parts
                : assessStackDocumentation(file.text);
            this.assessed.set(location.key, {
              version: snapshot.version,
              parts,
            });
            return { ...base, measuredStatus: measuredDocStatus(parts), parts };
          } catch (e) {
            if (!(e instanceof LocationProblem)) throw e;
            return {
              ...base,
              measuredStatus: 'missing',
              parts: [],
              error: e.message,
            };
          }
        },
      ),
    );
    stacks.sort((a, b) => compareStacks(a.order, b.order));
    const measured = Object.fromEntries(
      DOC_STATUSES.map(s => [s, 0]),
    ) as Record<DocStatus, number>;
    let mismatches = 0;
    for (const stack of stacks) {
      measured[stack.measuredStatus] += 1;
      if (stack.declaredStatus && stack.declaredStatus !== stack.measuredStatus)
        mismatches += 1;
    }
    return {
      stacks: stacks.map(({ order: _order, ...rest }) => rest),
      measured,
      mismatches,
    };
  }

  async getDocument(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<StackDocumentResponse> {
    const entity = await this.catalog.getEntityByRef(entityRef, options);
    if (
      !entity ||
      entity.kind.toLocaleLowerCase('en-US') !== 'system' ||
      (entity.spec as { type?: unknown } | undefined)?.type !==
        STACK_SYSTEM_TYPE
    ) {
      throw new NotFoundError(`${entityRef} is not a stack in the catalog`);
    }
    const docsLocation =
      entity.metadata.annotations?.[STACK_ANNOTATIONS.docsLocation];
    if (!docsLocation) {
      throw new NotFoundError(
        `${entityRef} has no documentation location (${STACK_ANNOTATIONS.docsLocation})`,
      );
    }
    let location;
    try {
      location = this.resolver.resolve(
        entity,
        docsLocation,
        STACK_ANNOTATIONS.docsLocation,
      );
    } catch (e) {
      if (e instanceof LocationProblem) throw new NotFoundError(e.message);
      throw e;
    }
    const snapshot = await this.reader.read(location, () => true);
    const file = snapshot.files[0];
    if (snapshot.problem || !file || file.text === undefined) {
      throw new NotFoundError(
        snapshot.problem?.message ??
          `${file?.name ?? docsLocation} ${
            file?.problem?.message ?? 'is not a file'
          }`,
      );
    }
    const parts = assessStackDocumentation(file.text);
    return {
      entityRef: stringifyEntityRef(entity),
      docsLocation,
      markdown: file.text,
      measuredStatus: measuredDocStatus(parts),
      parts,
    };
  }
}
