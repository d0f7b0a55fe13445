import {
  DashboardWidgetView,
  ViewNotice,
} from '@internal/backstage-plugin-cloudwatch-common';
import type { MetricQuery, MetricResult } from '../aws/CloudWatchReader';

/** Defaults of a CloudWatch metric widget, as the console applies them. */
const WIDGET_DEFAULTS = {
  period: 300,
  stat: 'Average',
  width: 6,
  height: 6,
  view: 'timeSeries',
} as const;
const REPEAT = '.';
const VIEWS = new Set(['timeSeries', 'singleValue', 'bar', 'pie', 'gauge']);

/** A metric line of a widget before it is asked for. */
interface PlannedLine {
  queryId: string;
  label: string;
  source: string;
  stat?: string;
  color?: string;
  hidden: boolean;
}

/** A widget with the queries that draw it. */
export interface PlannedWidget {
  view: DashboardWidgetView;
  lines: PlannedLine[];
  queries: MetricQuery[];
  region?: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/**
 * Reads a dashboard body. Returns undefined with a notice when it is not a
 * dashboard at all (not JSON, no widgets).
 */
export function readDashboardBody(
  body: string,
): { widgets: Json[] } | { notice: ViewNotice } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {
      notice: {
        severity: 'error',
        message:
          'The dashboard body is not JSON; open it in the CloudWatch console to repair it.',
      },
    };
  }
  if (!isObject(parsed) || !Array.isArray(parsed.widgets)) {
    return {
      notice: {
        severity: 'error',
        message: 'The dashboard body has no "widgets" list.',
      },
    };
  }
  return { widgets: parsed.widgets.filter(isObject) };
}

/**
 * One widget's `metrics` rows as queries. Rows repeat the previous row's
 * items with "."; the last item may be an object of options (stat, period,
 * label, id, visible, region). Expression rows (`{ expression }`) keep
 * their ids, renamed with the widget's prefix so that ids stay unique in
 * the dashboard's one call.
 */
function planLines(
  rows: unknown[],
  prefix: string,
  defaults: { stat: string; periodSeconds: number },
): { lines: PlannedLine[]; queries: MetricQuery[]; problem?: string } {
  const lines: PlannedLine[] = [];
  const queries: MetricQuery[] = [];
  const renames = new Map<string, string>();
  let previous: unknown[] = [];
  const pendingExpressions: Array<{ options: Json; index: number }> = [];

  rows.forEach((row, index) => {
    if (!Array.isArray(row)) return;
    const last = row[row.length - 1];
    const options: Json = isObject(last) ? last : {};
    const items = isObject(last) ? row.slice(0, -1) : row;
    if (items.length === 0 && typeof options.expression === 'string') {
      pendingExpressions.push({ options, index });
      return;
    }
    const resolved = items.map((item, i) =>
      item === REPEAT ? previous[i] : item,
    );
    previous = resolved;
    const [namespace, metricName, ...dimensionItems] = resolved.map(String);
    const dimensions = [];
    for (let i = 0; i + 1 < dimensionItems.length; i += 2) {
      dimensions.push({
        name: dimensionItems[i],
        value: dimensionItems[i + 1],
      });
    }
    const queryId = `${prefix}m${index}`;
    const ownId = str(options.id);
    if (ownId) renames.set(ownId, queryId);
    const stat = str(options.stat) ?? defaults.stat;
    const hidden = options.visible === false;
    const source = [
      namespace,
      metricName,
      ...dimensions.map(d => `${d.name}=${d.value}`),
    ].join(' ');
    queries.push({
      id: queryId,
      namespace,
      metricName,
      dimensions,
      stat,
      periodSeconds: Math.max(
        defaults.periodSeconds,
        num(options.period) ?? defaults.periodSeconds,
      ),
      hidden,
    });
    lines.push({
      queryId,
      label: str(options.label) ?? `${metricName} ${stat}`,
      source,
      stat,
      color: str(options.color),
      hidden,
    });
  });

  for (const { options, index } of pendingExpressions) {
    const queryId = `${prefix}e${index}`;
    let expression = String(options.expression);
    for (const [own, renamed] of renames) {
      expression = expression.replace(
        new RegExp(`\\b${own.replace(/[^A-Za-z0-9_]/g, '')}\\b`, 'g'),
        renamed,
      );
    }
    const hidden = options.visible === false;
    queries.push({
      id: queryId,
      expression,
      periodSeconds: defaults.periodSeconds,
      hidden,
    });
    lines.push({
      queryId,
      label: str(options.label) ?? String(options.expression),
      source: String(options.expression),
      color: str(options.color),
      hidden,
    });
  }
  return { lines, queries };
}

/**
 * A widget as the tab draws it: metric widgets become charts asked for in
 * the dashboard's one call, with the widget's own period (never finer than
 * the window allows), stat and title; text widgets keep their markdown;
 * other kinds say that they are not drawn here.
 */
export function planWidget(
  widget: Json,
  index: number,
  minPeriodSeconds: number,
): PlannedWidget {
  const type = str(widget.type) ?? 'unknown';
  const properties = isObject(widget.properties) ? widget.properties : {};
  const base: DashboardWidgetView = {
    x: num(widget.x),
    y: num(widget.y),
    width: num(widget.width) ?? WIDGET_DEFAULTS.width,
    height: num(widget.height) ?? WIDGET_DEFAULTS.height,
    type,
    title: str(properties.title) ?? '',
    kind: 'unsupported',
  };
  if (type === 'text') {
    return {
      view: { ...base, kind: 'text', markdown: str(properties.markdown) ?? '' },
      lines: [],
      queries: [],
    };
  }
  if (type !== 'metric' || !Array.isArray(properties.metrics)) {
    return {
      view: {
        ...base,
        unsupportedReason:
          type === 'metric'
            ? 'This metric widget has no metrics list (a Metrics Insights query or a search expression): open it in the CloudWatch console.'
            : `Widgets of type "${type}" are not drawn in the portal: open the dashboard in the CloudWatch console to see it.`,
      },
      lines: [],
      queries: [],
    };
  }
  const widgetPeriod = num(properties.period) ?? WIDGET_DEFAULTS.period;
  const periodSeconds = Math.max(widgetPeriod, minPeriodSeconds);
  const stat = str(properties.stat) ?? WIDGET_DEFAULTS.stat;
  const view = str(properties.view) ?? WIDGET_DEFAULTS.view;
  const { lines, queries } = planLines(properties.metrics, `w${index}_`, {
    stat,
    periodSeconds,
  });
  const horizontal = isObject(properties.annotations)
    ? properties.annotations.horizontal
    : undefined;
  const thresholds = Array.isArray(horizontal)
    ? horizontal
        .filter(isObject)
        .filter(h => num(h.value) !== undefined)
        .map(h => ({ label: str(h.label), value: num(h.value)! }))
    : [];
  return {
    view: {
      ...base,
      kind: 'chart',
      view: (VIEWS.has(view)
        ? view
        : 'timeSeries') as DashboardWidgetView['view'],
      stacked: properties.stacked === true,
      periodSeconds,
      stat,
      region: str(properties.region),
      title: base.title || lines.map(l => l.label).join(', '),
      thresholds,
    },
    lines,
    queries,
    region: str(properties.region),
  };
}

/** Fills a planned widget's series from the call's results. */
export function drawWidget(
  planned: PlannedWidget,
  results: Map<string, MetricResult> | undefined,
  failure?: string,
): DashboardWidgetView {
  if (planned.view.kind !== 'chart') return planned.view;
  return {
    ...planned.view,
    series: planned.lines
      .filter(line => !line.hidden)
      .map(line => {
        const result = results?.get(line.queryId);
        return {
          label: line.label,
          source: line.source,
          stat: line.stat,
          color: line.color,
          points: (result?.timestamps ?? []).map((t, i) => ({
            t,
            v: result!.values[i],
          })),
          status: result?.status ?? 'failed',
          messages: result?.messages ?? [
            failure ?? 'CloudWatch returned nothing for this line',
          ],
        };
      }),
  };
}
