/** Each claim kept from an unverifiable token is cut to this length. */
const CLAIM_MAX_LENGTH = 200;

function decodePart(part: string | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(
      Buffer.from(part ?? '', 'base64url').toString('utf8'),
    );
    return value && typeof value === 'object' && !Array.isArray(value)
      ? value
      : {};
  } catch {
    return {};
  }
}

/**
 * What a token whose signature does not hold claimed about who sent it: its
 * type, subject and actor (`act.sub`), and any further named claims, as short
 * strings. An audit event keeps these apart from its actor (which is only
 * ever a verified identity), as `meta.unverifiedClaims`.
 */
export function unverifiedClaimsOf(
  token: string | undefined,
  extraClaims: string[] = [],
): Record<string, string> | undefined {
  if (!token) return undefined;
  const [header, payload] = token
    .split('.')
    .map((p, i) => (i < 2 ? decodePart(p) : {}));
  const claims: Record<string, string> = {};
  const keep = (name: string, value: unknown) => {
    if (typeof value === 'string' && value)
      claims[name] = value.slice(0, CLAIM_MAX_LENGTH);
  };
  keep('typ', header?.typ);
  keep('sub', payload?.sub);
  keep('act', (payload?.act as { sub?: unknown } | null | undefined)?.sub);
  for (const name of extraClaims) keep(name, payload?.[name]);
  return Object.keys(claims).length ? claims : undefined;
}
