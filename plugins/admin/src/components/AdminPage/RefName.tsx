import { Link } from '@backstage/core-components';

/** `user:default/eli.martin` -> its kind, namespace and name, when it is a ref. */
export function parseRef(
  ref: string,
): { kind: string; namespace: string; name: string } | undefined {
  const match = /^([^:/]+):(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) return undefined;
  return {
    kind: match[1].toLocaleLowerCase('en-US'),
    namespace: match[2] ?? 'default',
    name: match[3],
  };
}

/**
 * An entity named by its name (or the title given), linking to its catalog
 * page; the full ref is its tooltip. What is not a ref is shown as written.
 */
export const RefName = ({
  entityRef,
  title,
}: {
  entityRef: string;
  title?: string;
}) => {
  const parsed = parseRef(entityRef);
  if (!parsed) return <>{entityRef}</>;
  return (
    <Link
      to={`/catalog/${parsed.namespace}/${parsed.kind}/${parsed.name}`}
      title={entityRef}
    >
      {title ?? parsed.name}
    </Link>
  );
};
