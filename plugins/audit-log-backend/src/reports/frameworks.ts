import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  FrameworkControl,
  REPORT_KINDS,
  ReportFramework,
  ReportKind,
} from '@internal/backstage-plugin-audit-log-common';

/** The frameworks a report can be printed for when config names none. */
export const DEFAULT_FRAMEWORKS: ReportFramework[] = [
  {
    id: 'soc2',
    title: 'SOC 2',
    controls: [
      {
        id: 'CC6.1',
        title: 'Logical access security over protected information assets',
        kinds: ['access-review', 'integrity'],
      },
      {
        id: 'CC6.2',
        title:
          'Registration and authorisation of users before access is granted',
        kinds: ['access-review'],
      },
      {
        id: 'CC6.3',
        title:
          'Role-based access: granted, changed and removed, least privilege',
        kinds: ['access-review', 'privileged-activity'],
      },
      {
        id: 'CC7.2',
        title:
          'Monitoring of system components for anomalies and security events',
        kinds: ['security-events', 'privileged-activity', 'integrity'],
      },
      {
        id: 'CC8.1',
        title: 'Changes authorised, tested, approved and implemented',
        kinds: ['change-management'],
      },
    ],
  },
  {
    id: 'gdpr',
    title: 'GDPR',
    controls: [
      {
        id: 'Art. 15',
        title: 'Right of access by the data subject',
        kinds: ['data-subject-requests'],
      },
      {
        id: 'Art. 17',
        title: 'Right to erasure',
        kinds: ['data-subject-requests', 'privileged-activity'],
      },
      {
        id: 'Art. 30',
        title: 'Records of processing activities',
        kinds: ['privileged-activity', 'integrity'],
      },
    ],
  },
  {
    id: 'hipaa',
    title: 'HIPAA',
    controls: [
      {
        id: '§164.312(b)',
        title:
          'Audit controls: record and examine activity in systems holding ePHI',
        kinds: [
          'access-review',
          'privileged-activity',
          'security-events',
          'integrity',
        ],
      },
    ],
  },
];

function isKind(value: string): value is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(value);
}

/**
 * The frameworks from `auditLog.reports.frameworks` (each replaces the
 * default of the same id; new ids are added), checked at start: a control
 * naming an unknown report kind stops the backend with the key to fix.
 */
export function readFrameworks(config: Config): ReportFramework[] {
  const byId = new Map(DEFAULT_FRAMEWORKS.map(f => [f.id, f]));
  const section = config.getOptionalConfig('auditLog.reports.frameworks');
  for (const id of section?.keys() ?? []) {
    const entry = section!.getConfig(id);
    const controls: FrameworkControl[] = entry
      .getConfigArray('controls')
      .map((c, i) => {
        const kinds = c.getStringArray('kinds');
        for (const kind of kinds) {
          if (!isKind(kind)) {
            throw new Error(
              `auditLog.reports.frameworks.${id}.controls[${i}].kinds: ${kind} is not a report kind; the kinds are ${REPORT_KINDS.join(
                ', ',
              )}`,
            );
          }
        }
        return {
          id: c.getString('id'),
          title: c.getString('title'),
          kinds: kinds as ReportKind[],
        };
      });
    byId.set(id, {
      id,
      title: entry.getOptionalString('title') ?? id,
      controls,
    });
  }
  return [...byId.values()];
}

const squash = (s: string) =>
  s.toLocaleLowerCase('en-US').replace(/[^a-z0-9]/g, '');

/** The framework a person named, by id or title ("SOC 2", "soc2"); 400 naming the configured ones. */
export function findFramework(
  frameworks: ReportFramework[],
  name: string,
): ReportFramework {
  const wanted = squash(name);
  const found = frameworks.find(
    f => squash(f.id) === wanted || squash(f.title) === wanted,
  );
  if (!found) {
    throw new InputError(
      `Unknown framework "${name}"; the configured frameworks are ${frameworks
        .map(f => `${f.title} (${f.id})`)
        .join(', ')}`,
    );
  }
  return found;
}

/** The report kinds a framework's controls need, in report order, each with its controls. */
export function sectionsOf(
  framework: ReportFramework,
): Array<{ kind: ReportKind; controls: Array<{ id: string; title: string }> }> {
  return REPORT_KINDS.filter(kind =>
    framework.controls.some(c => c.kinds.includes(kind)),
  ).map(kind => ({
    kind,
    controls: framework.controls
      .filter(c => c.kinds.includes(kind))
      .map(c => ({ id: c.id, title: c.title })),
  }));
}
