import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AnnotationProblem,
  CLOUDWATCH_ANNOTATIONS,
  CloudWatchTarget,
  EntityTargetResponse,
  readCloudWatchAnnotations,
} from '@internal/backstage-plugin-cloudwatch-common';
import {
  CloudWatchAccount,
  CloudWatchAccounts,
  summarizeAccount,
} from '../aws/CloudWatchAccounts';
import { CloudWatchAccessError } from '../aws/errors';

const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
];

/** An entity with what its annotations say, and the account to read it from. */
export interface ResolvedEntity {
  entity: Entity;
  entityRef: string;
  target: CloudWatchTarget;
  problems: AnnotationProblem[];
  /** Undefined when the account cannot be used; see `accountError`. */
  account?: CloudWatchAccount;
  accountError?: CloudWatchAccessError;
}

/**
 * Finds entities in the catalog as the caller sees them (so a view follows
 * the catalog's visibility) and reads their CloudWatch annotations.
 */
export class EntityTargets {
  private constructor(
    private readonly catalog: CatalogService,
    private readonly accounts: CloudWatchAccounts,
  ) {}

  static create(options: {
    catalog: CatalogService;
    accounts: CloudWatchAccounts;
  }): EntityTargets {
    return new EntityTargets(options.catalog, options.accounts);
  }

  private resolve(entity: Entity): ResolvedEntity {
    const { target, problems } = readCloudWatchAnnotations(
      entity.metadata.annotations,
    );
    const resolved: ResolvedEntity = {
      entity,
      entityRef: stringifyEntityRef(entity),
      target,
      problems,
    };
    try {
      resolved.account = this.accounts.resolve(target.account);
    } catch (error) {
      resolved.accountError = error as CloudWatchAccessError;
    }
    return resolved;
  }

  /** One entity, or 404 when it does not exist or the caller cannot see it. */
  async get(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ResolvedEntity> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    return this.resolve(entity);
  }

  /** Every entity with a CloudWatch namespace the caller can see. */
  async listWithMetrics(
    credentials: BackstageCredentials,
  ): Promise<ResolvedEntity[]> {
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${CLOUDWATCH_ANNOTATIONS.namespace}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ENTITY_FIELDS,
      },
      { credentials },
    );
    return items
      .map(entity => this.resolve(entity))
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  }

  /** What the tab shows before it asks CloudWatch anything. */
  describe(resolved: ResolvedEntity): EntityTargetResponse {
    const { target } = resolved;
    return {
      entityRef: resolved.entityRef,
      configured: this.accounts.configured,
      howToConfigure: this.accounts.configured
        ? undefined
        : CloudWatchAccounts.howToConfigure,
      account: resolved.account && summarizeAccount(resolved.account),
      accountProblem:
        this.accounts.configured && resolved.accountError
          ? resolved.accountError.message
          : undefined,
      namespace: target.namespace,
      dimensions: target.dimensions,
      alarms: target.alarms,
      dashboard: target.dashboard,
      problems: resolved.problems,
    };
  }
}

/**
 * The account of a view, or the reason there is none. A view of something
 * the annotations do not name (or name wrongly) is refused with what is
 * wrong: the tab shows the same problems above it.
 */
export function accountFor(
  resolved: ResolvedEntity,
  what: 'namespace' | 'alarms' | 'dashboard',
): CloudWatchAccount {
  const annotation = CLOUDWATCH_ANNOTATIONS[what];
  // wrong dimensions would widen the query to other metrics: refuse instead
  const relevant: string[] = [
    annotation,
    CLOUDWATCH_ANNOTATIONS.account,
    ...(what === 'namespace' ? [CLOUDWATCH_ANNOTATIONS.dimensions] : []),
  ];
  const problem = resolved.problems.find(p => relevant.includes(p.annotation));
  if (problem) {
    throw new InputError(
      `${resolved.entityRef}: ${problem.annotation} "${problem.value}" ${problem.message}`,
    );
  }
  if (resolved.target[what] === undefined) {
    throw new NotFoundError(
      `${resolved.entityRef} has no ${annotation} annotation, so there is nothing to show`,
    );
  }
  if (resolved.accountError) throw resolved.accountError;
  return resolved.account!;
}
