import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, statSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

export interface FetchOptions {
  /** published MD5 of the whole file; the file is kept only when it matches */
  md5?: string;
  /** how many times a dropped connection is resumed before giving up */
  retries?: number;
  onBytes?: (received: number, total: number | undefined) => void;
}

export async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One GET from `from` bytes on; resolves when the body ended cleanly, rejects when it dropped. */
function getOnce(url: string, part: string, from: number, opts: FetchOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { headers: from > 0 ? { Range: `bytes=${from}-` } : {} }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        getOnce(new URL(res.headers.location, url).toString(), part, from, opts).then(resolve, reject);
        return;
      }
      if (status === 416 && from > 0) {
        // the partial file is already whole (or longer than the resource): let the checksum decide
        res.resume();
        resolve();
        return;
      }
      if (status !== 200 && status !== 206) {
        res.resume();
        reject(new Error(`${url}: HTTP ${status}`));
        return;
      }
      // 200 to a range request: the server ignores ranges, so start over
      const append = status === 206;
      const start = append ? from : 0;
      const length = Number(res.headers['content-length']);
      const total = Number.isFinite(length) ? start + length : undefined;
      let received = start;
      const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        opts.onBytes?.(received, total);
      });
      res.on('aborted', () => out.destroy(new Error(`${url}: connection dropped after ${received} bytes`)));
      res.on('error', (err) => out.destroy(err));
      res.pipe(out);
      out.on('error', reject);
      out.on('finish', () => {
        if (total !== undefined && received < total) reject(new Error(`${url}: connection dropped after ${received} of ${total} bytes`));
        else resolve();
      });
    });
    req.on('error', reject);
  });
}

/**
 * Downloads `url` to `dest`: into `dest.part`, resuming with an HTTP range request when a partial
 * file is there or the connection drops, then verified against `md5` and renamed into place. A
 * file that fails the checksum is deleted (a resumed download may have appended to a stale part)
 * and the error names both sums.
 */
export async function fetchFile(url: string, dest: string, opts: FetchOptions = {}): Promise<void> {
  const part = `${dest}.part`;
  const retries = opts.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    const from = existsSync(part) ? statSync(part).size : 0;
    try {
      await getOnce(url, part, from, opts);
      break;
    } catch (err) {
      // only a dropped connection is worth resuming; HTTP errors and refused connections are final
      if (attempt >= retries || !/dropped|ECONNRESET|socket hang up/.test((err as Error).message)) {
        throw new Error(`download of ${url} failed: ${(err as Error).message} (partial file kept at ${part}; run again to resume)`);
      }
    }
  }
  if (opts.md5) {
    const got = await md5OfFile(part);
    if (got !== opts.md5.toLowerCase()) {
      unlinkSync(part);
      throw new Error(`${url}: checksum mismatch: MD5 ${got}, published ${opts.md5}; the download was deleted`);
    }
  }
  renameSync(part, dest);
}
