import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { Unzip, UnzipInflate } from 'fflate';

/** an archive member's path inside `dir`; refuses absolute paths and `..` escapes */
function safeTarget(dir: string, name: string, archive: string): string {
  const target = resolve(dir, name);
  if (target !== resolve(dir) && !target.startsWith(resolve(dir) + sep)) {
    throw new Error(`${archive}: member "${name}" would be written outside ${dir}`);
  }
  return target;
}

function writeAll(out: WriteStream, chunk: Uint8Array): Promise<void> {
  return new Promise((res, rej) => (out.write(chunk, (err) => (err ? rej(err) : res()))));
}

function close(out: WriteStream): Promise<void> {
  return new Promise((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
}

/** Extracts a .zip into `dir`, streaming (fflate), so a multi-GB archive never sits in memory. */
export async function extractZip(archive: string, dir: string): Promise<number> {
  let files = 0;
  const pending: Promise<void>[] = [];
  let failure: Error | undefined;
  const unzip = new Unzip((entry) => {
    const target = safeTarget(dir, entry.name, archive);
    if (entry.name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      return;
    }
    mkdirSync(dirname(target), { recursive: true });
    const out = createWriteStream(target);
    const chunks: Uint8Array[] = [];
    pending.push(new Promise<void>((res, rej) => {
      entry.ondata = (err, data, final) => {
        if (err) {
          failure ??= new Error(`${archive}: damaged member ${entry.name} (${err.message})`);
          out.destroy();
          rej(failure);
          return;
        }
        chunks.push(data);
        if (final) {
          files++;
          (async () => {
            for (const c of chunks) await writeAll(out, c);
            await close(out);
          })().then(res, rej);
        }
      };
    }));
    entry.start();
  });
  unzip.register(UnzipInflate);
  for await (const chunk of createReadStream(archive)) {
    unzip.push(chunk as Uint8Array);
    if (failure) break;
  }
  unzip.push(new Uint8Array(0), true);
  await Promise.all(pending);
  if (failure) throw failure;
  return files;
}

/** the NUL-terminated ASCII field of a tar header */
function field(h: Buffer, at: number, len: number): string {
  const s = h.toString('utf8', at, at + len);
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** where the data of the current tar member goes */
type Sink = { kind: 'file'; out: WriteStream } | { kind: 'name'; parts: Buffer[] } | { kind: 'skip' };

/**
 * Extracts a .tgz / .tar.gz into `dir` with node:zlib and a small ustar reader (regular files,
 * folders, GNU long names; pax headers and links skipped).
 */
export async function extractTgz(archive: string, dir: string): Promise<number> {
  let buf: Buffer = Buffer.alloc(0);
  let files = 0;
  let longName: string | undefined;
  let sink: Sink | undefined;
  let left = 0;
  let pad = 0;
  let ended = false;
  const finishMember = async () => {
    if (sink?.kind === 'file') {
      await close(sink.out);
      files++;
    } else if (sink?.kind === 'name') longName = field(Buffer.concat(sink.parts), 0, Infinity);
    sink = undefined;
  };
  try {
    for await (const chunk of createReadStream(archive).pipe(createGunzip())) {
      buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
      while (!ended) {
        if (left > 0) {
          const take = Math.min(left, buf.length);
          if (take === 0) break;
          const data = buf.subarray(0, take);
          if (sink?.kind === 'file') await writeAll(sink.out, data);
          else if (sink?.kind === 'name') sink.parts.push(Buffer.from(data));
          buf = buf.subarray(take);
          left -= take;
          if (left > 0) break;
          await finishMember();
          continue;
        }
        if (pad > 0) {
          const take = Math.min(pad, buf.length);
          buf = buf.subarray(take);
          pad -= take;
          if (pad > 0) break;
        }
        if (buf.length < 512) break;
        const h = buf.subarray(0, 512);
        buf = buf.subarray(512);
        if (h.every((b) => b === 0)) {
          ended = true;
          break;
        }
        const size = parseInt(field(h, 124, 12).trim() || '0', 8);
        if (!Number.isFinite(size)) throw new Error('bad member size in a tar header');
        const type = String.fromCharCode(h[156] || 48);
        const prefix = field(h, 345, 155);
        const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
        if (type !== 'L') longName = undefined;
        pad = (512 - (size % 512)) % 512;
        left = size;
        if (type === 'L') sink = { kind: 'name', parts: [] };
        else if (type === '5') {
          mkdirSync(safeTarget(dir, name, archive), { recursive: true });
          sink = { kind: 'skip' };
        } else if (type === '0' || type === '7') {
          const target = safeTarget(dir, name, archive);
          mkdirSync(dirname(target), { recursive: true });
          sink = { kind: 'file', out: createWriteStream(target) };
        } else sink = { kind: 'skip' };
        if (size === 0) await finishMember();
      }
    }
  } catch (err) {
    if (sink?.kind === 'file') sink.out.destroy();
    throw new Error(`${archive}: damaged archive (${(err as Error).message})`);
  }
  if (left > 0 || sink) throw new Error(`${archive}: damaged archive (it ends in the middle of a member)`);
  return files;
}
