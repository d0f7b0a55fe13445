import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { objectivesOf } from '@internal/backstage-plugin-health-common';
import {
  CAPABILITY_ANNOTATION,
  CapabilityUrlResolver,
  HEALTH_ENDPOINT_ANNOTATION,
} from '@internal/backstage-plugin-stackpro-common';
import { EndpointInfo } from '../store/HealthStore';

const STACK_LABEL = 'stackportal.io/stack';
const ANNOTATIONS_KEPT = /^stackportal\.io\/(slo-|health-|capability$)/;

/** What the health plugin keeps of an entity: its health endpoint and objectives, resolved. */
export function endpointOf(
  entity: Entity,
  resolver: CapabilityUrlResolver,
): EndpointInfo | undefined {
  const resolution = resolver.healthEndpoint(entity);
  if (resolution.kind === 'none') return undefined;
  const annotations = Object.fromEntries(
    Object.entries(entity.metadata.annotations ?? {}).filter(([k]) =>
      ANNOTATIONS_KEPT.test(k),
    ),
  );
  const { problems } = objectivesOf(annotations);
  if (resolution.kind === 'invalid') {
    problems.unshift({
      annotation: resolution.annotation,
      message: resolution.message,
    });
  }
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind,
    title: entity.metadata.title ?? entity.metadata.name,
    owner: str(spec.owner),
    system: str(spec.system),
    stack: entity.metadata.labels?.[STACK_LABEL],
    capability:
      resolution.kind === 'resolved'
        ? resolution.capability
        : annotations[CAPABILITY_ANNOTATION],
    url: resolution.kind === 'resolved' ? resolution.url : undefined,
    annotations,
    problems,
  };
}

/**
 * The entities to probe: every catalog entity with
 * `stackportal.io/health-endpoint`, its URL resolved against its
 * capability's base URL (CapabilityUrlResolver) when relative.
 */
export class EndpointDirectory {
  private constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly resolver: CapabilityUrlResolver,
  ) {}

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    resolver: CapabilityUrlResolver;
  }) {
    return new EndpointDirectory(
      options.catalog,
      options.auth,
      options.resolver,
    );
  }

  async endpoints(): Promise<EndpointInfo[]> {
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${HEALTH_ENDPOINT_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return items
      .map(entity => endpointOf(entity, this.resolver))
      .filter((e): e is EndpointInfo => e !== undefined);
  }
}
