import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PlaceholderResolverParams } from '@backstage/plugin-catalog-node';
import {
  createTextPlaceholderResolver,
  MAX_PLACEHOLDER_BYTES,
} from './localTextPlaceholder';

describe('$text for local catalog files', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'placeholder-'));
    fs.mkdirSync(path.join(root, 'catalog/contracts'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'catalog/contracts/v1.yaml'),
      'openapi: 3.0.3\n',
    );
    fs.writeFileSync(path.join(root, 'secret.txt'), 'nope');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const resolve = (value: string) =>
    createTextPlaceholderResolver({
      allowedRoots: [path.join(root, 'catalog')],
    })({
      key: 'text',
      value,
      baseUrl: path.join(root, 'catalog/catalog-info.yaml'),
      read: jest.fn(),
      resolveUrl: jest.fn(),
      emit: jest.fn(),
    } as unknown as PlaceholderResolverParams);

  it('inlines a file next to the entity', async () => {
    await expect(resolve('./contracts/v1.yaml')).resolves.toBe(
      'openapi: 3.0.3\n',
    );
  });

  it('refuses paths that leave the catalog folder or are absolute', async () => {
    await expect(resolve('../secret.txt')).rejects.toThrow(
      'leaves the registered catalog folders',
    );
    await expect(resolve(path.join(root, 'secret.txt'))).rejects.toThrow(
      'refuses the absolute path',
    );
  });

  it('refuses a missing or oversized file with the reason', async () => {
    await expect(resolve('./contracts/v2.yaml')).rejects.toThrow(
      'found no file at ./contracts/v2.yaml',
    );
    fs.writeFileSync(
      path.join(root, 'catalog/big.yaml'),
      Buffer.alloc(MAX_PLACEHOLDER_BYTES + 1),
    );
    await expect(resolve('./big.yaml')).rejects.toThrow(
      'over the 1048576-byte limit',
    );
  });
});
