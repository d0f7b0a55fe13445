/** Largest decision record or documentation file the portal reads. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Markdown files in an ADR folder that are not decisions. */
export function isDecisionFileName(name: string): boolean {
  return (
    /\.md$/i.test(name) &&
    !/^(readme|index)\.md$/i.test(name) &&
    !/template/i.test(name)
  );
}

/** Images a record may show from its own folder, and the type to serve them as. */
export const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};
