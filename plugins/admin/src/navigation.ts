/**
 * Full page loads, used when the identity changes (start, stop, expiry):
 * everything cached under one identity is dropped before the other's shows.
 */
export function loadPage(path: string): void {
  window.location.assign(path);
}

export function reloadPage(): void {
  window.location.reload();
}
