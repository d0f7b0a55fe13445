import { JsonObject } from '@backstage/types';

/** Meta larger than this (as JSON) is stored truncated and marked so. */
export const MAX_META_BYTES = 64 * 1024;
const PREVIEW_CHARS = 4096;

const SECRET_KEY =
  /(pass(word|wd)?|secret|token|authorization|cookie|api[-_]?key|credential|private[-_]?key|signature)/i;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/;
const BEARER = /^(bearer|basic)\s+\S+$/i;

export const REDACTED = '[REDACTED]';

function redact(
  value: unknown,
  key: string | undefined,
  seen: WeakSet<object>,
): unknown {
  if (key && SECRET_KEY.test(key)) {
    return REDACTED;
  }
  if (typeof value === 'string') {
    return JWT.test(value) || BEARER.test(value) ? REDACTED : value;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value && typeof value === 'object') {
    if (seen.has(value)) {
      throw new TypeError('meta is circular');
    }
    seen.add(value);
    if (value instanceof Error) {
      return { name: value.name, message: value.message };
    }
    if (Array.isArray(value)) {
      return value.map(v => redact(v, undefined, seen));
    }
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redact(v, k, seen)]),
    );
  }
  return value;
}

/**
 * Meta as it is stored: secrets and tokens redacted; too large or not
 * serialisable meta is stored as a marked preview, never dropped silently.
 */
export function prepareMeta(meta: unknown): {
  meta: string | null;
  truncated: boolean;
} {
  if (meta === undefined || meta === null) {
    return { meta: null, truncated: false };
  }
  let json: string;
  try {
    json = JSON.stringify(redact(meta, undefined, new WeakSet()));
  } catch (error) {
    return {
      meta: JSON.stringify({
        _truncated: true,
        reason: `meta could not be serialised: ${(error as Error).message}`,
      }),
      truncated: true,
    };
  }
  if (json === undefined || json === '{}') {
    return { meta: null, truncated: false };
  }
  if (Buffer.byteLength(json) > MAX_META_BYTES) {
    return {
      meta: JSON.stringify({
        _truncated: true,
        reason: `meta was ${Buffer.byteLength(
          json,
        )} bytes, over the ${MAX_META_BYTES}-byte limit`,
        preview: json.slice(0, PREVIEW_CHARS),
      }),
      truncated: true,
    };
  }
  return { meta: json, truncated: false };
}

/** Picks the entity ref or resource id an event is about from its meta. */
export function targetOf(meta: JsonObject | undefined): string | undefined {
  if (!meta) return undefined;
  for (const key of [
    'target',
    'entityRef',
    'targetRef',
    'locationRef',
    'resourceRef',
    'flag',
    'templateRef',
  ]) {
    const value = meta[key];
    if (typeof value === 'string' && value) return value;
  }
  const refs = meta.entityRefs;
  if (Array.isArray(refs) && refs.length === 1 && typeof refs[0] === 'string') {
    return refs[0];
  }
  return undefined;
}
