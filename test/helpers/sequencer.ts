// The order vitest starts test files in. Two files run at a time and the run ends with its
// longest file, so the longest start first: the README runner (a short test file that runs every
// README example: ~40 s), then the other end-to-end files, then the rest (mostly milliseconds).
// Within each group vitest's own order: by the last run's durations when it has them, else
// larger files first.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

function rank(spec: TestSpecification): number {
  const file = spec.moduleId.replaceAll('\\', '/');
  if (file.endsWith('/test/e2e/readme-examples.test.ts')) return 0;
  return file.includes('/test/e2e/') ? 1 : 2;
}

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the base order holds within a rank.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
