// The worker thread `infomap()` runs Infomap's child process (infomap-process.ts) from. The caller's thread
// waits for it synchronously (a GraphClusterer's run is synchronous, and spawnSync would hand Infomap's
// progress over only at the end); this thread's event loop feeds the child the network and passes each
// line Infomap prints on to the caller as it comes, then the child's result. Every message is followed by
// a count in `signal` going up, which wakes the waiting thread (Atomics.wait); the count goes up once
// before any, so that thread knows this one started.
import { spawn } from 'node:child_process';
import { workerData, type MessagePort } from 'node:worker_threads';

export type RelayMessage =
  | { line: string }
  | { error: string }
  | { status: number | null; signal: string | null; clu: string; stderr: string };

const { child, args, network, length, port, signal } = workerData as {
  child: string; args: string[]; network: ArrayBuffer; length: number; port: MessagePort; signal: SharedArrayBuffer;
};
const count = new Int32Array(signal);
const post = (m: RelayMessage) => {
  port.postMessage(m);
  Atomics.add(count, 0, 1);
  Atomics.notify(count, 0);
};

Atomics.add(count, 0, 1);
Atomics.notify(count, 0);
try {
  // fd 3: Infomap's own output, line by line (the child's stdout carries the result, stderr its errors)
  const p = spawn(process.execPath, [child, ...args], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [], err: Buffer[] = [];
  p.stdout!.on('data', (b: Buffer) => out.push(b));
  p.stderr!.on('data', (b: Buffer) => err.push(b));
  let partial = '';
  const lines = p.stdio[3] as NodeJS.ReadableStream;
  lines.setEncoding('utf8');
  lines.on('data', (s: string) => {
    const all = (partial + s).split('\n');
    partial = all.pop()!;
    for (const line of all) post({ line });
  });
  p.on('error', (e) => post({ error: e.message }));
  p.on('close', (status, sig) => post({ status, signal: sig, clu: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  // a child that ends before reading all of it says why in its status
  p.stdin!.on('error', () => {});
  p.stdin!.end(new Uint8Array(network, 0, length));
} catch (e) {
  post({ error: e instanceof Error ? e.message : String(e) });
}
