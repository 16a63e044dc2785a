// The sandbox's S3 keeps S3's read-after-write: a PUT is answered only once the object file
// holds every byte (s3rver's own putObject resolves while its file write is still under way).
import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flushBeforeAnswering } from '../../infra/sandbox/s3.js';

let dir: string | undefined;

afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the sandbox S3 store', () => {
  it('answers a PUT only after the object file holds the whole body', async () => {
    // Prepare: a store like s3rver's — truncates the file, answers, writes the body 50 ms later.
    dir = await mkdtemp(join(tmpdir(), 'jitr-s3-flush-'));
    const path = join(dir, 'object');
    const body = Buffer.alloc(1000, 7);
    // The late body writes, awaited before the temp dir goes: a write still pending when the test
    // ends would fail (ENOENT) in whatever test file runs next in this worker.
    const late: Promise<void>[] = [];
    const store = {
      getResourcePath: (_bucket: string, _key: string, _resource: string) => path,
      async putObject(_object: { bucket: string; key: string }) {
        await writeFile(path, '');
        late.push(
          new Promise<void>((resolve, reject) => {
            setTimeout(() => writeFile(path, body).then(resolve, reject), 50);
          }),
        );
        return { size: body.length, md5: 'x' };
      },
    };
    await store.putObject({ bucket: 'b', key: 'k' });
    const sizeWhenUnwrappedAnswered = statSync(path).size;
    await Promise.all(late.splice(0));
    flushBeforeAnswering(store);
    // Act
    await store.putObject({ bucket: 'b', key: 'k' });
    const sizeWhenWrappedAnswered = statSync(path).size;
    await Promise.all(late.splice(0));
    // Assess: unwrapped, the answer came before the bytes; wrapped, after all of them.
    expect(sizeWhenUnwrappedAnswered).toBe(0);
    expect(sizeWhenWrappedAnswered).toBe(1000);
  });
});
