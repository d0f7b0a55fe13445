import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { HealthIncident } from '@internal/backstage-plugin-health-common';
import { EndpointRecord } from '../store/HealthStore';
import type { RuleVerdict } from '../slo/slo';

const BURN_DIGITS = 1;

/** The entity's Health tab. */
function linkOf(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/health`;
}

/**
 * Tells an entity's owning group, through Backstage notifications, when an
 * incident opens and when a page-level burn starts and ends. A failure to
 * notify is logged, never a failed probe run.
 */
export class Notifier {
  private constructor(
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    notifications: NotificationService;
    logger: LoggerService;
  }) {
    return new Notifier(options.notifications, options.logger);
  }

  private async send(
    endpoint: EndpointRecord,
    payload: {
      title: string;
      description: string;
      severity: 'critical' | 'high' | 'normal' | 'low';
      topic: string;
    },
  ) {
    if (!endpoint.owner) return;
    let owner: string;
    try {
      owner = stringifyEntityRef(
        parseEntityRef(endpoint.owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      return;
    }
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          ...payload,
          link: linkOf(endpoint.entityRef),
          scope: `health:${endpoint.entityRef}:${payload.topic}`,
        },
      });
    } catch (e) {
      this.logger.warn(
        `Could not notify ${owner} about ${endpoint.entityRef}: ${
          (e as Error).message
        }`,
      );
    }
  }

  async incidentOpened(endpoint: EndpointRecord, incident: HealthIncident) {
    await this.send(endpoint, {
      title: `${endpoint.title ?? endpoint.entityRef} is down`,
      description: `Incident #${incident.id}: ${incident.cause}`,
      severity: 'critical',
      topic: 'health-incident',
    });
  }

  async pageStarted(endpoint: EndpointRecord, verdict: RuleVerdict) {
    await this.send(endpoint, {
      title: `${
        endpoint.title ?? endpoint.entityRef
      } burns its error budget ${verdict.burnRate.toFixed(
        BURN_DIGITS,
      )}x too fast`,
      description: `Page alert ${verdict.rule.id}: ${
        verdict.rule.factor
      }x over ${verdict.rule.longWindowMs / 3_600_000} h, confirmed over ${
        verdict.rule.shortWindowMs / 60_000
      } min.`,
      severity: 'critical',
      topic: 'health-burn-page',
    });
  }

  async pageEnded(endpoint: EndpointRecord, rule: string) {
    await this.send(endpoint, {
      title: `${
        endpoint.title ?? endpoint.entityRef
      }: the page-level burn has stopped`,
      description: `Page alert ${rule} resolved.`,
      severity: 'normal',
      topic: 'health-burn-page',
    });
  }
}
