// Runs a piece of CLI code in process and captures what it writes to stdout and stderr (the
// process's exit code is restored afterwards).
import { vi } from 'vitest';

export interface Captured<T> {
  value: T;
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

export async function captureOutput<T>(run: () => Promise<T>): Promise<Captured<T>> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    const value = await run();
    const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
    return { value, stdout, stderr, exitCode };
  } finally {
    process.exitCode = before;
    out.mockRestore();
    err.mockRestore();
  }
}
