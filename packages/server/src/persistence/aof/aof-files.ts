/**
 * The AOF directory on disk: creating it, reading the manifest, writing it atomically
 * (`temp-<manifest>` then rename, like writeAofManifestFile) and file sizes.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { AofLoadError, AofWriteError } from '../../errors';
import { type AofManifest, emptyManifest, formatManifest, manifestName, parseManifest } from './manifest';

export class AofFiles {
  constructor(
    private readonly dir: () => string,
    private readonly dirname: () => string,
    private readonly prefix: () => string,
  ) {}

  get aofDir(): string {
    return join(this.dir(), this.dirname());
  }

  get filenamePrefix(): string {
    return this.prefix();
  }

  path(name: string): string {
    return join(this.aofDir, name);
  }

  /** dirCreateIfMissing; throws AofWriteError with Redis's text. */
  ensureDir(): void {
    try {
      mkdirSync(this.aofDir, { recursive: true, mode: 0o755 });
    } catch (err) {
      throw new AofWriteError('mkdir', `Can't open or create append-only dir ${this.dirname()}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** aofLoadManifestFromDisk: an empty manifest when the directory or the manifest is missing. */
  readManifest(): AofManifest {
    const p = this.path(manifestName(this.prefix()));
    if (!existsSync(this.aofDir) || !existsSync(p)) return emptyManifest();
    let text: string;
    try {
      text = readFileSync(p, 'latin1');
    } catch (err) {
      const line = `Fatal error: can't open the AOF manifest ${manifestName(this.prefix())} for reading: ${(err as Error).message}`;
      throw new AofLoadError(line, [line], { cause: err });
    }
    return parseManifest(text);
  }

  /** writeAofManifestFile: temp file, fsync, rename, fsync the directory. */
  writeManifest(m: AofManifest): void {
    const name = manifestName(this.prefix());
    const tmp = this.path(`temp-${name}`);
    try {
      const fd = openSync(tmp, 'w', 0o644);
      try {
        const buf = Buffer.from(formatManifest(m), 'latin1');
        let off = 0;
        while (off < buf.length) off += writeSync(fd, buf, off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path(name));
      this.syncDir();
    } catch (err) {
      throw new AofWriteError('manifest', `Can't persist the AOF manifest file ${name}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * writeManifest with every write, fsync and rename on the thread pool, for the steps of a
   * background rewrite (an fsync on the event loop stalls every client for as long as it takes).
   */
  async writeManifestAsync(m: AofManifest): Promise<void> {
    const name = manifestName(this.prefix());
    const tmp = this.path(`temp-${name}`);
    try {
      const fh = await open(tmp, 'w', 0o644);
      try {
        await fh.writeFile(Buffer.from(formatManifest(m), 'latin1'));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path(name));
      await this.syncDirAsync();
    } catch (err) {
      throw new AofWriteError('manifest', `Can't persist the AOF manifest file ${name}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** syncDir on the thread pool (best effort). */
  async syncDirAsync(): Promise<void> {
    try {
      const fh = await open(this.aofDir, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch {
      /* some file systems refuse fsync on a directory */
    }
  }

  /** Creates `name` empty if it does not exist, off the event loop. */
  async touch(name: string): Promise<void> {
    const fh = await open(this.path(name), 'a', 0o644);
    await fh.close();
  }

  /** fsyncFileDir: makes renames inside the directory durable (best effort). */
  syncDir(): void {
    try {
      const fd = openSync(this.aofDir, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      /* some file systems refuse fsync on a directory */
    }
  }

  size(name: string): number {
    try {
      return statSync(this.path(name)).size;
    } catch {
      return 0;
    }
  }
}
