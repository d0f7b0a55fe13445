import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { isDecisionFileName, MAX_FILE_BYTES } from '../limits';
import { ResolvedLocation } from '../location/LocationResolver';
import { CachedDocumentReader } from './DocumentReader';

describe('CachedDocumentReader, local folders', () => {
  const dir = createMockDirectory();
  const root = () => path.join(dir.path, 'catalog');
  const location = (): ResolvedLocation => ({
    type: 'file',
    path: path.join(root(), 'adr'),
    root: root(),
    display: 'catalog/adr',
    key: `file:${path.join(root(), 'adr')}`,
  });
  const reader = () =>
    CachedDocumentReader.create({
      urlReader: mockServices.urlReader.mock(),
      logger: mockServices.logger.mock(),
      localRoots: [root()],
    });

  beforeEach(() => {
    dir.clear();
    dir.setContent({
      'catalog/adr/0001-a.md': '# A',
      'catalog/adr/README.md': '# not a decision',
      'catalog/adr/0002-big.md': 'x'.repeat(MAX_FILE_BYTES + 1),
      'catalog/adr/0003-latin1.md': Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9]),
      'secret/0004-outside.md': '# outside',
    });
    fs.symlinkSync(
      path.join(dir.path, 'secret/0004-outside.md'),
      path.join(root(), 'adr/0004-link.md'),
    );
  });

  it('reads decisions, refuses files over 1 MB, invalid UTF-8 and links that leave the root', async () => {
    const snapshot = await reader().read(location(), isDecisionFileName);
    expect(snapshot.problem).toBeUndefined();
    expect(
      snapshot.files.map(f => [
        f.name,
        f.text ?? f.problem?.rule,
        f.problem?.message,
      ]),
    ).toEqual([
      ['0001-a.md', '# A', undefined],
      [
        '0002-big.md',
        'size',
        `is ${
          MAX_FILE_BYTES + 1
        } bytes, over the 1048576-byte limit; it is not read`,
      ],
      ['0003-latin1.md', 'encoding', 'is not valid UTF-8; it is not read'],
      [
        '0004-link.md',
        'location',
        'is a link to a file outside the folders the portal may read',
      ],
    ]);
  });

  it('revalidates by size and modification time: unchanged files keep their version', async () => {
    const cached = reader();
    const first = await cached.read(location(), isDecisionFileName);
    const second = await cached.read(location(), isDecisionFileName);
    expect(second.version).toBe(first.version);
    const file = path.join(root(), 'adr/0001-a.md');
    fs.writeFileSync(file, '# A, changed');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const third = await cached.read(location(), isDecisionFileName);
    expect(third.version).toBe(first.version + 1);
    expect(third.files[0].text).toBe('# A, changed');
  });

  it('says when the folder does not exist or is a link out of the root', async () => {
    fs.rmSync(path.join(root(), 'adr'), { recursive: true });
    expect(
      (await reader().read(location(), isDecisionFileName)).problem,
    ).toEqual({
      rule: 'location',
      severity: 'warning',
      message: 'catalog/adr does not exist yet',
    });
    fs.symlinkSync(path.join(dir.path, 'secret'), path.join(root(), 'adr'));
    expect(
      (await reader().read(location(), isDecisionFileName)).problem,
    ).toMatchObject({
      severity: 'error',
      message:
        'catalog/adr is a link to a place outside the folders the portal may read',
    });
  });

  it('serves images from inside the folder only', async () => {
    dir.addContent({ 'catalog/adr/img/c4.png': 'png-bytes' });
    const cached = reader();
    expect((await cached.readAsset(location(), 'img/c4.png')).toString()).toBe(
      'png-bytes',
    );
    await expect(
      cached.readAsset(location(), '../../secret/0004-outside.md'),
    ).rejects.toThrow('is outside the decision folder');
  });
});
