import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AdrRule } from '@internal/backstage-plugin-adr-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_FILE_BYTES } from '../limits';
import { ResolvedLocation } from '../location/LocationResolver';

/** One file of a location: its text, or why it could not be read. */
export interface DocumentFile {
  name: string;
  text?: string;
  problem?: { rule: AdrRule; message: string };
  /** ETag (repositories) or size and modification time (local files). */
  etag?: string;
}

/** What a location held when it was last read or revalidated. */
export interface LocationSnapshot {
  files: DocumentFile[];
  /** Increases whenever a file is added, removed or changed. */
  version: number;
  checkedAt: Date;
  /** The last read failed; these are the files of the last good one. */
  degraded: boolean;
  /** The location itself cannot be read (absent, outside its root, unreachable). */
  problem?: { rule: AdrRule; severity: 'error' | 'warning'; message: string };
}

interface Entry {
  snapshot: LocationSnapshot;
  files: Map<string, DocumentFile & { url?: string }>;
  listingEtag?: string;
  pending?: Promise<LocationSnapshot>;
}

const errorName = (e: unknown) => (e as { name?: string })?.name;

function decode(buffer: Buffer): {
  text?: string;
  problem?: DocumentFile['problem'];
} {
  if (buffer.length > MAX_FILE_BYTES) {
    return {
      problem: {
        rule: 'size',
        message: `is ${buffer.length} bytes, over the ${MAX_FILE_BYTES}-byte limit; it is not read`,
      },
    };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return { text: text.replace(/^\uFEFF/, '') };
  } catch {
    return {
      problem: {
        rule: 'encoding',
        message: 'is not valid UTF-8; it is not read',
      },
    };
  }
}

/**
 * Reads the markdown files of a location and keeps them, revalidating
 * instead of re-reading:
 *
 * - local folders: every read lists the folder and compares each file's size
 *   and modification time; only changed files are read again;
 * - repositories: served from memory for `ttlSeconds`, then revalidated
 *   through the URL reader with ETags (the folder listing's commit, then
 *   each file's ETag), so unchanged files cost a 304 at most. When a
 *   revalidation fails, the last good files are served as degraded.
 *
 * Concurrent reads of one location share one revalidation.
 */
export class CachedDocumentReader {
  private readonly entries = new Map<string, Entry>();

  private constructor(
    private readonly urlReader: UrlReaderService,
    private readonly logger: LoggerService,
    private readonly ttlMs: number,
    private readonly timeoutMs: number,
    private readonly realRoots: Promise<string[]>,
  ) {}

  static create(options: {
    urlReader: UrlReaderService;
    logger: LoggerService;
    localRoots: string[];
    ttlSeconds?: number;
    timeoutSeconds?: number;
  }): CachedDocumentReader {
    const realRoots = Promise.all(
      options.localRoots.map(root =>
        fs.realpath(root).catch(() => path.resolve(root)),
      ),
    );
    return new CachedDocumentReader(
      options.urlReader,
      options.logger,
      (options.ttlSeconds ?? 300) * 1000,
      (options.timeoutSeconds ?? 10) * 1000,
      realRoots,
    );
  }

  /**
   * The files of a location: a folder's files that pass `accept`, or the one
   * file a location names directly.
   */
  read(
    location: ResolvedLocation,
    accept: (name: string) => boolean,
  ): Promise<LocationSnapshot> {
    let entry = this.entries.get(location.key);
    if (!entry) {
      entry = {
        snapshot: {
          files: [],
          version: 0,
          checkedAt: new Date(0),
          degraded: false,
        },
        files: new Map(),
      };
      this.entries.set(location.key, entry);
    }
    if (
      location.type === 'url' &&
      entry.snapshot.version > 0 &&
      Date.now() - entry.snapshot.checkedAt.getTime() < this.ttlMs
    ) {
      return Promise.resolve(entry.snapshot);
    }
    if (entry.pending) return entry.pending;
    const current = entry;
    const pending = (
      location.type === 'file'
        ? this.revalidateLocal(location, current, accept)
        : this.revalidateRemote(location, current, accept)
    ).finally(() => {
      current.pending = undefined;
    });
    current.pending = pending;
    return pending;
  }

  /** Forgets a location, so the next read starts afresh. */
  forget(location: ResolvedLocation): void {
    this.entries.delete(location.key);
  }

  private commit(
    entry: Entry,
    files: Array<DocumentFile & { url?: string }>,
    extra: Partial<LocationSnapshot> & { listingEtag?: string },
  ) {
    const before = entry.snapshot.files;
    const changed =
      entry.snapshot.version === 0 ||
      before.length !== files.length ||
      files.some(
        (f, i) =>
          f.name !== before[i]?.name ||
          f.etag !== before[i]?.etag ||
          f.problem?.message !== before[i]?.problem?.message,
      ) ||
      (extra.problem?.message ?? '') !==
        (entry.snapshot.problem?.message ?? '');
    entry.files = new Map(files.map(f => [f.name, f]));
    if (extra.listingEtag !== undefined) entry.listingEtag = extra.listingEtag;
    entry.snapshot = {
      files: files.map(({ name, text, problem, etag }) => ({
        name,
        text,
        problem,
        etag,
      })),
      version: changed ? entry.snapshot.version + 1 : entry.snapshot.version,
      checkedAt: new Date(),
      degraded: extra.degraded ?? false,
      problem: extra.problem,
    };
    return entry.snapshot;
  }

  private async inRoot(real: string): Promise<boolean> {
    const roots = await this.realRoots;
    return roots.some(
      root => real === root || real.startsWith(root + path.sep),
    );
  }

  private async revalidateLocal(
    location: Extract<ResolvedLocation, { type: 'file' }>,
    entry: Entry,
    accept: (name: string) => boolean,
  ): Promise<LocationSnapshot> {
    let real: string;
    try {
      real = await fs.realpath(location.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return this.commit(entry, [], {
        problem: {
          rule: 'location',
          severity: code === 'ENOENT' ? 'warning' : 'error',
          message:
            code === 'ENOENT'
              ? `${location.display} does not exist yet`
              : `${location.display} cannot be read (${
                  code ?? (e as Error).message
                })`,
        },
      });
    }
    if (!(await this.inRoot(real))) {
      return this.commit(entry, [], {
        problem: {
          rule: 'location',
          severity: 'error',
          message: `${location.display} is a link to a place outside the folders the portal may read`,
        },
      });
    }
    const stat = await fs.stat(real);
    let entries: Array<{ name: string; link: boolean }>;
    let folder: string;
    if (stat.isFile()) {
      folder = path.dirname(real);
      entries = [{ name: path.basename(real), link: false }];
    } else {
      folder = real;
      entries = (await fs.readdir(real, { withFileTypes: true }))
        .filter(d => (d.isFile() || d.isSymbolicLink()) && accept(d.name))
        .map(d => ({ name: d.name, link: d.isSymbolicLink() }))
        .sort((a, b) => a.name.localeCompare(b.name));
    }
    const files = await Promise.all(
      entries.map(async ({ name, link }): Promise<DocumentFile> => {
        const full = path.join(folder, name);
        try {
          // A plain file in a checked folder stays in it; only links need resolving.
          const realFile = link ? await fs.realpath(full) : full;
          if (link && !(await this.inRoot(realFile))) {
            return {
              name,
              problem: {
                rule: 'location',
                message:
                  'is a link to a file outside the folders the portal may read',
              },
            };
          }
          const fileStat = await fs.stat(realFile);
          if (!fileStat.isFile())
            return {
              name,
              problem: { rule: 'location', message: 'is not a file' },
            };
          const etag = `${fileStat.size}:${fileStat.mtimeMs}`;
          const cached = entry.files.get(name);
          if (cached && cached.etag === etag) return cached;
          if (fileStat.size > MAX_FILE_BYTES) {
            return {
              name,
              etag,
              problem: {
                rule: 'size',
                message: `is ${fileStat.size} bytes, over the ${MAX_FILE_BYTES}-byte limit; it is not read`,
              },
            };
          }
          return { name, etag, ...decode(await fs.readFile(realFile)) };
        } catch (e) {
          return {
            name,
            problem: {
              rule: 'location',
              message: `cannot be read (${(e as Error).message})`,
            },
          };
        }
      }),
    );
    return this.commit(entry, files, {});
  }

  private signal() {
    return AbortSignal.timeout(this.timeoutMs);
  }

  private async readRemoteFile(
    url: string,
    name: string,
    cached: (DocumentFile & { url?: string }) | undefined,
  ): Promise<DocumentFile & { url?: string }> {
    try {
      const response = await this.urlReader.readUrl(url, {
        etag: cached?.etag,
        signal: this.signal(),
      });
      const buffer = await response.buffer();
      return { name, url, etag: response.etag, ...decode(buffer) };
    } catch (e) {
      if (errorName(e) === 'NotModifiedError' && cached) return cached;
      throw e;
    }
  }

  private async revalidateRemote(
    location: Extract<ResolvedLocation, { type: 'url' }>,
    entry: Entry,
    accept: (name: string) => boolean,
  ): Promise<LocationSnapshot> {
    try {
      if (/\.md$/i.test(location.url)) {
        const name = decodeURIComponent(location.url.split('/').pop()!);
        const file = await this.readRemoteFile(
          location.url,
          name,
          entry.files.get(name),
        );
        return this.commit(entry, [file], {});
      }
      let listing: Array<{ name: string; url: string }> | undefined;
      let listingEtag: string | undefined;
      try {
        const result = await this.urlReader.search(`${location.url}/*.md`, {
          etag: entry.listingEtag,
          signal: this.signal(),
        });
        listingEtag = result.etag;
        listing = result.files.map(f => ({
          url: f.url,
          name: decodeURIComponent(f.url.split('/').pop()!),
        }));
      } catch (e) {
        if (errorName(e) !== 'NotModifiedError') throw e;
      }
      if (!listing) {
        // Same commit: nothing in the folder changed.
        return this.commit(entry, [...entry.files.values()], {});
      }
      const files = await Promise.all(
        listing
          .filter(f => accept(f.name))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map(f =>
            this.readRemoteFile(f.url, f.name, entry.files.get(f.name)),
          ),
      );
      return this.commit(entry, files, { listingEtag });
    } catch (e) {
      const message = `${location.display} could not be read: ${
        (e as Error).message
      }`;
      if (entry.snapshot.version > 0 && !entry.snapshot.problem) {
        this.logger.warn(`${message}; serving the last good copy`);
        entry.snapshot = {
          ...entry.snapshot,
          degraded: true,
          checkedAt: new Date(),
        };
        return entry.snapshot;
      }
      const notFound = errorName(e) === 'NotFoundError';
      return this.commit(entry, [], {
        problem: {
          rule: 'location',
          severity: notFound ? 'warning' : 'error',
          message: notFound
            ? `${location.display} does not exist yet`
            : message,
        },
      });
    }
  }

  /**
   * One image next to the records, for the reader. The path is relative to
   * the location and may not leave it.
   */
  async readAsset(
    location: ResolvedLocation,
    relative: string,
  ): Promise<Buffer> {
    if (location.type === 'file') {
      const folder = await fs.realpath(location.path);
      const target = await fs.realpath(path.resolve(folder, relative));
      if (
        !target.startsWith(folder + path.sep) ||
        !(await this.inRoot(target))
      ) {
        throw new NotAllowedError(`${relative} is outside the decision folder`);
      }
      const stat = await fs.stat(target);
      if (stat.size > MAX_FILE_BYTES) {
        throw new InputError(
          `${relative} is over the ${MAX_FILE_BYTES}-byte limit`,
        );
      }
      return fs.readFile(target);
    }
    const folder = `${location.url}/`;
    const target = new URL(relative, folder).toString();
    if (!target.startsWith(folder)) {
      throw new NotAllowedError(`${relative} is outside the decision folder`);
    }
    const response = await this.urlReader.readUrl(target, {
      signal: this.signal(),
    });
    const buffer = await response.buffer();
    if (buffer.length > MAX_FILE_BYTES) {
      throw new InputError(
        `${relative} is over the ${MAX_FILE_BYTES}-byte limit`,
      );
    }
    return buffer;
  }
}
