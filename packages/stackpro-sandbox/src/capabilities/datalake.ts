import {
  CapabilityHandler,
  badRequest,
  conflict,
  notFound,
  paginate,
} from '@internal/stackpro-runtime';
import { TenantMap, fieldProblem, isUnavailable, newId } from './common';

/** Where records are kept, and the engine that answers queries. */
export const DATALAKE_DEPENDENCIES = ['storage', 'query-engine'];

type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'timestamp'
  | 'json';
interface Field {
  name: string;
  type: FieldType;
  nullable?: boolean;
  description?: string;
}
interface Dataset {
  id: string;
  name: string;
  description?: string;
  fields: Field[];
  recordCount: number;
  createdAt: string;
  updatedAt: string;
}
interface Ingestion {
  id: string;
  datasetId: string;
  status: 'queued' | 'running' | 'succeeded' | 'partially_failed' | 'failed';
  receivedRecords: number;
  acceptedRecords?: number;
  rejectedRecords?: number;
  rejections?: Array<{ index: number; message: string }>;
  createdAt: string;
  completedAt?: string;
}
type Row = Record<string, unknown>;

const MAX_REJECTIONS = 100;

function typeProblem(field: Field, value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return field.nullable === false
      ? `${field.name} may not be null`
      : undefined;
  }
  const ok: Record<FieldType, (v: unknown) => boolean> = {
    string: v => typeof v === 'string',
    integer: v => Number.isInteger(v),
    number: v => typeof v === 'number' && Number.isFinite(v),
    boolean: v => typeof v === 'boolean',
    timestamp: v => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
    json: () => true,
  };
  return ok[field.type](value)
    ? undefined
    : `${field.name} must be of type ${field.type}`;
}

function compare(a: any, b: any): number {
  if (a === b) return 0;
  return a > b ? 1 : -1;
}

function matches(
  row: Row,
  filter: { field: string; op: string; value: any },
): boolean {
  const v = row[filter.field] as any;
  switch (filter.op) {
    case 'eq':
      return v === filter.value;
    case 'ne':
      return v !== filter.value;
    case 'gt':
      return v > filter.value;
    case 'gte':
      return v >= filter.value;
    case 'lt':
      return v < filter.value;
    case 'lte':
      return v <= filter.value;
    case 'in':
      return Array.isArray(filter.value) && filter.value.includes(v);
    default:
      return (
        typeof v === 'string' &&
        typeof filter.value === 'string' &&
        v.includes(filter.value)
      );
  }
}

/** The data lake contract's operations: datasets, background ingestion, structured queries with snapshots. */
export function datalakeHandlers(): Record<string, CapabilityHandler> {
  const datasets = new TenantMap<Dataset>();
  const rows = new TenantMap<Row[]>();
  const ingestions = new TenantMap<Ingestion>();
  const byIdempotencyKey = new TenantMap<Ingestion>();

  const dataset = (tenantId: string, id: string) => {
    const found = datasets.of(tenantId).get(id);
    if (!found) throw notFound(`No dataset ${id} for tenant ${tenantId}`);
    return found;
  };

  const runIngestion = (
    tenantId: string,
    ingestion: Ingestion,
    records: Row[],
  ) => {
    ingestion.status = 'running';
    const ds = dataset(tenantId, ingestion.datasetId);
    const rejections: Array<{ index: number; message: string }> = [];
    const accepted: Row[] = [];
    records.forEach((record, index) => {
      const unknown = Object.keys(record).filter(
        k => !ds.fields.some(f => f.name === k),
      );
      const problems = [
        ...unknown.map(k => `${k} is not a field of ${ds.name}`),
        ...ds.fields
          .map(f => typeProblem(f, record[f.name]))
          .filter((p): p is string => !!p),
      ];
      if (problems.length > 0)
        rejections.push({ index, message: problems.join('; ') });
      else accepted.push(record);
    });
    const list = rows.of(tenantId).get(ds.id) ?? [];
    list.push(...accepted);
    rows.of(tenantId).set(ds.id, list);
    ds.recordCount = list.length;
    ds.updatedAt = new Date().toISOString();
    let status: Ingestion['status'] = 'partially_failed';
    if (rejections.length === 0) status = 'succeeded';
    else if (accepted.length === 0) status = 'failed';
    Object.assign(ingestion, {
      status,
      acceptedRecords: accepted.length,
      rejectedRecords: rejections.length,
      rejections: rejections.slice(0, MAX_REJECTIONS),
      completedAt: new Date().toISOString(),
    });
  };

  return {
    async listDatasets(req) {
      const all = await req.use('storage', () =>
        [...datasets.of(req.tenantId).values()].sort((a, b) =>
          a.name.localeCompare(b.name),
        ),
      );
      const page = paginate(all, req.query.limit, req.query.cursor);
      return {
        status: 200,
        body: { datasets: page.items, nextCursor: page.nextCursor },
      };
    },

    async createDataset(req) {
      const { name, description, fields } = req.body;
      const names = fields.map((f: Field) => f.name);
      const repeated = names.find(
        (n: string, i: number) => names.indexOf(n) !== i,
      );
      if (repeated)
        throw badRequest(
          `Field ${repeated} is declared twice`,
          fieldProblem('/fields', `${repeated} is declared twice`),
        );
      const now = new Date().toISOString();
      const created = await req.use('storage', () => {
        const id = `ds_${name}`;
        if (datasets.of(req.tenantId).has(id))
          throw conflict(`A dataset named ${name} already exists`);
        const ds: Dataset = {
          id,
          name,
          ...(description ? { description } : {}),
          fields,
          recordCount: 0,
          createdAt: now,
          updatedAt: now,
        };
        datasets.of(req.tenantId).set(id, ds);
        return ds;
      });
      return { status: 201, body: { dataset: created } };
    },

    async getDataset(req) {
      const ds = await req.use('storage', () =>
        dataset(req.tenantId, req.params.datasetId),
      );
      return { status: 200, body: { dataset: ds } };
    },

    async ingestRecords(req) {
      const { records, idempotencyKey } = req.body;
      const ingestion = await req.use('storage', () => {
        const ds = dataset(req.tenantId, req.params.datasetId);
        const earlier =
          idempotencyKey &&
          byIdempotencyKey.of(req.tenantId).get(`${ds.id}:${idempotencyKey}`);
        if (earlier) return earlier;
        const created: Ingestion = {
          id: newId('ing'),
          datasetId: ds.id,
          status: 'queued',
          receivedRecords: records.length,
          createdAt: new Date().toISOString(),
        };
        ingestions.of(req.tenantId).set(created.id, created);
        if (idempotencyKey)
          byIdempotencyKey
            .of(req.tenantId)
            .set(`${ds.id}:${idempotencyKey}`, created);
        // validation and writing happen in the background, as the contract says
        setImmediate(() => runIngestion(req.tenantId, created, records));
        return created;
      });
      return { status: 202, body: { ingestion: { ...ingestion } } };
    },

    async getIngestion(req) {
      const ingestion = await req.use('storage', () => {
        const found = ingestions.of(req.tenantId).get(req.params.ingestionId);
        if (!found)
          throw notFound(
            `No ingestion ${req.params.ingestionId} for tenant ${req.tenantId}`,
          );
        return found;
      });
      return { status: 200, body: { ingestion } };
    },

    async queryDataset(req) {
      const started = Date.now();
      const {
        datasetId,
        select,
        filters = [],
        orderBy = [],
        limit,
        cursor,
      } = req.body;
      const snapshotKey = `query:${JSON.stringify(req.body)}`;
      try {
        const result = await req.use('query-engine', () => {
          const ds = dataset(req.tenantId, datasetId);
          const known = new Map(ds.fields.map(f => [f.name, f]));
          const unknown = [
            ...(select ?? []),
            ...filters.map((f: any) => f.field),
            ...orderBy.map((o: any) => o.field),
          ].filter((name: string) => !known.has(name));
          if (unknown.length > 0) {
            throw badRequest(
              `${unknown.join(', ')} ${
                unknown.length === 1 ? 'is not a field' : 'are not fields'
              } of ${ds.name}`,
              fieldProblem('/filters', `unknown fields: ${unknown.join(', ')}`),
            );
          }
          const all = rows.of(req.tenantId).get(ds.id) ?? [];
          const matching = all.filter(row =>
            filters.every((f: any) => matches(row, f)),
          );
          for (const order of [...orderBy].reverse()) {
            const sign = order.direction === 'desc' ? -1 : 1;
            matching.sort(
              (a: any, b: any) =>
                sign * compare(a[order.field], b[order.field]),
            );
          }
          const columns = (select ?? ds.fields.map(f => f.name)).map(
            (name: string) => ({ name, type: known.get(name)!.type }),
          );
          const page = paginate(matching, limit, cursor);
          const picked = page.items.map(row =>
            Object.fromEntries(
              columns.map((c: Field) => [c.name, row[c.name] ?? null]),
            ),
          );
          return {
            columns,
            rows: picked,
            nextCursor: page.nextCursor,
            scanned: all.length,
          };
        });
        const body = {
          columns: result.columns,
          rows: result.rows,
          nextCursor: result.nextCursor,
          stats: {
            scannedRecords: result.scanned,
            durationMs: Date.now() - started,
          },
        };
        req.lastGood.remember(snapshotKey, body);
        return { status: 200, body };
      } catch (error) {
        const snapshot = isUnavailable(error)
          ? req.lastGood.recall(snapshotKey)
          : undefined;
        if (!snapshot) throw error;
        // the query engine is unavailable: answer from the latest snapshot, saying how old it is
        return {
          status: 200,
          body: {
            ...snapshot.body,
            asOf: snapshot.storedAt.toISOString(),
            degraded: true,
          },
        };
      }
    },
  };
}
