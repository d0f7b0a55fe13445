/**
 * Resolves a relative path against the root of a decision folder. Undefined
 * when it leaves the folder (`../`) or is not relative.
 */
export function resolveInFolder(href: string): string | undefined {
  if (
    !href ||
    href.startsWith('/') ||
    /^[a-z][a-z0-9+.-]*:/i.test(href) ||
    href.startsWith('//')
  ) {
    return undefined;
  }
  const parts: string[] = [];
  for (const segment of href.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  return parts.length ? parts.join('/') : undefined;
}

/** http(s) and mailto are followed; everything else is not. */
export function isSafeExternal(href: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(href);
}
