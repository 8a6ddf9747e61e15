/** A log root on the local disk. */
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { AsyncBuffer } from 'hyparquet';
import { type LogSource, type SourceFile, SourceError, newStats, rangeCachedBuffer } from './log-source.js';

export class LocalLogSource implements LogSource {
  readonly stats = newStats();
  private readonly dir: string;

  constructor(readonly root: string) {
    this.dir = resolve(root);
  }

  async listLogFiles(): Promise<SourceFile[]> {
    const rootStat = await stat(this.dir).catch(() => null);
    if (!rootStat?.isDirectory()) throw new SourceError(`log root not found: ${this.root} is not a folder`);
    const logs = join(this.dir, 'logs');
    const logsStat = await stat(logs).catch(() => null);
    if (!logsStat?.isDirectory()) throw new SourceError(`no logs/ folder under the log root ${this.root}`);
    this.stats.listRequests++;
    const entries = await readdir(logs, { recursive: true, withFileTypes: true });
    const files: SourceFile[] = [];
    for (const e of entries) {
      if (!e.isFile()) continue;
      const full = join(e.parentPath, e.name);
      const { size } = await stat(full);
      files.push({ path: full.slice(this.dir.length + 1).split(sep).join('/'), size });
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  open(file: SourceFile): AsyncBuffer {
    const path = join(this.dir, file.path);
    const stats = this.stats;
    return rangeCachedBuffer({
      byteLength: file.size,
      async slice(start: number, end?: number) {
        const stop = end ?? file.size;
        const length = Math.max(0, stop - start);
        stats.readRequests++;
        stats.bytesFetched += length;
        const fh = await open(path, 'r');
        try {
          const buf = Buffer.allocUnsafe(length);
          let read = 0;
          while (read < length) {
            const { bytesRead } = await fh.read(buf, read, length - read, start + read);
            if (bytesRead === 0) break;
            read += bytesRead;
          }
          return buf.buffer.slice(buf.byteOffset, buf.byteOffset + read) as ArrayBuffer;
        } finally {
          await fh.close();
        }
      },
    });
  }
}
