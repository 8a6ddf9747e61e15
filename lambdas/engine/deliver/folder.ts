/** Deliver the report folder to the local disk. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import type { ReportFile } from '../render/types.js';

/** Write every file under `dir` (created if needed); returns the absolute paths written. */
export async function writeReportFolder(dir: string, files: ReportFile[]): Promise<string[]> {
  const root = resolve(dir);
  const written: string[] = [];
  for (const f of files) {
    const target = resolve(join(root, f.path));
    const rel = relative(root, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`report file path escapes the folder: ${f.path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.body);
    written.push(target);
  }
  return written;
}
