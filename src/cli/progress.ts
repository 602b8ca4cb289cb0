import cliProgress from 'cli-progress';

export interface Progress {
  /** Advance by n units (default 1). */
  tick(n?: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr with count, rate and ETA (cli-progress). When stderr is not a terminal it
 * prints a line every 10 s instead; FACET_QUIET=1 silences it (tests).
 */
export function progress(label: string, total: number, unit = 'items'): Progress {
  if (process.env.FACET_QUIET === '1') return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} |{bar}| {percentage}% {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 10_000,
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  let value = 0;
  bar.start(total, 0, { rate: '0' });
  return {
    tick(n = 1) {
      value += n;
      const secs = (Date.now() - t0) / 1000;
      bar.update(value, { rate: secs > 0 ? (value / secs).toFixed(1) : '0' });
    },
    stop() {
      bar.stop();
    },
  };
}
