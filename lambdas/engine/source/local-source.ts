/** A log root on the local disk. */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { AsyncBuffer } from 'hyparquet';
import { type LogSource, type SourceFile, SourceError, SourceReadError, newStats, rangeCachedBuffer } from './log-source.js';

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
    const files: SourceFile[] = [];
    const rel = (full: string): string => full.slice(this.dir.length + 1).split(sep).join('/');
    // A walk that follows symbolic links (to files and to folders, as `find -L` does), visiting each
    // real folder once so a link cycle cannot loop; a link or entry that cannot be followed is listed
    // with the reason, so the ledger names it.
    const seen = new Set<string>();
    const walk = async (folder: string): Promise<void> => {
      const real = await realpath(folder);
      if (seen.has(real)) return;
      seen.add(real);
      this.stats.listRequests++;
      for (const e of await readdir(folder, { withFileTypes: true })) {
        const full = join(folder, e.name);
        let st;
        try {
          st = e.isSymbolicLink() ? await stat(full) : e.isDirectory() || e.isFile() ? null : await stat(full);
        } catch (err) {
          files.push({ path: rel(full), size: 0, problem: `cannot follow ${e.isSymbolicLink() ? 'symbolic link' : 'entry'}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
          continue;
        }
        const isDir = st ? st.isDirectory() : e.isDirectory();
        const isFile = st ? st.isFile() : e.isFile();
        if (isDir) await walk(full);
        else if (isFile) files.push({ path: rel(full), size: st ? st.size : (await stat(full)).size });
        else files.push({ path: rel(full), size: 0, problem: 'not a regular file' });
      }
    };
    await walk(logs);
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
        const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
          throw new SourceReadError(`could not open ${file.path}: ${e.code ?? e.message}`);
        });
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
