import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { makeDir, writeFileAtomic } from '../data/files/index.js';
import { kernels, threads } from '../compute/index.js';

/**
 * A run's folder: the resolved config (seeds included), metrics.jsonl (one JSON object per line),
 * outputs and report.html. Every file is written atomically.
 */
export class RunFolder {
  readonly dir: string;
  private readonly t0 = Date.now();
  readonly timings: { stage: string; seconds: number }[] = [];

  constructor(dir: string, readonly config: Record<string, unknown>) {
    this.dir = resolve(dir);
    makeDir(this.dir);
    this.writeJson('config.json', { ...config, environment: environment() });
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomic(this.path(name), JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  }

  writeText(name: string, text: string): void {
    writeFileAtomic(this.path(name), text);
  }

  /** Appends one record to metrics.jsonl with the seconds since the run started. */
  metric(record: Record<string, unknown>): void {
    const line = JSON.stringify({ ...record, elapsed: (Date.now() - this.t0) / 1000 }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    appendFileSync(this.path('metrics.jsonl'), line + '\n');
  }

  /** Runs one stage, recording its wall time. */
  async stage<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const t = Date.now();
    const out = await fn();
    const seconds = (Date.now() - t) / 1000;
    this.timings.push({ stage: name, seconds });
    this.metric({ stage: name, seconds });
    return out;
  }
}

export function environment(): Record<string, string | number> {
  return {
    node: process.version,
    kernels: kernels().name,
    threads: threads(),
    cpus: cpus().length,
    platform: `${process.platform}-${process.arch}`,
  };
}
