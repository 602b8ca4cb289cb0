import cliProgress from 'cli-progress';

export interface Progress {
  /** Advance by n units (default 1). */
  tick(n?: number): void;
  /** Set the units done so far (for callbacks that report a running total). */
  update(done: number): void;
  stop(): void;
}

/** Milliseconds between lines when stderr is not a terminal: 10 s, or FACET_PROGRESS_INTERVAL_MS (tests). */
function lineInterval(): number {
  const ms = Number(process.env.FACET_PROGRESS_INTERVAL_MS);
  return process.env.FACET_PROGRESS_INTERVAL_MS !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : 10_000;
}

/**
 * A progress bar on stderr with count, rate and ETA (cli-progress). When stderr is not a terminal it
 * prints a line every 10 s instead (FACET_PROGRESS_INTERVAL_MS sets the interval); FACET_QUIET=1 silences it (tests).
 */
export function progress(label: string, total: number, unit = 'items'): Progress {
  if (process.env.FACET_QUIET === '1') return { tick() {}, update() {}, stop() {} };
  const lineMode = !process.stderr.isTTY;
  const interval = lineInterval();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} |{bar}| {percentage}% {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      noTTYOutput: lineMode,
      notTTYSchedule: Math.max(interval, 100),
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  let value = 0;
  let lastLine = t0;
  bar.start(total, 0, { rate: '0' });
  const update = (done: number) => {
    value = done;
    const now = Date.now();
    const secs = (now - t0) / 1000;
    bar.update(value, { rate: secs > 0 ? (value / secs).toFixed(1) : '0' });
    // cli-progress prints lines from a timer only, which synchronous work (a native search) starves:
    // the update itself prints once the interval has passed
    if (lineMode && now - lastLine >= interval && done < total) {
      bar.render();
      lastLine = now;
    }
  };
  return {
    tick(n = 1) { update(value + n); },
    update,
    stop() {
      bar.stop();
    },
  };
}

export interface StatusLine {
  /** What the work is doing now (called again with the same text, it refreshes the time). */
  set(text: string): void;
  stop(): void;
}

/**
 * Progress of work of unknown length, one run of an outside engine (Infomap): "label | status | 12 s" on
 * stderr, redrawn in place on a terminal; otherwise a line every 10 s (FACET_PROGRESS_INTERVAL_MS) and
 * one at the end. FACET_QUIET=1 silences it, as it does the bars.
 */
export function statusLine(label: string): StatusLine {
  if (process.env.FACET_QUIET === '1') return { set() {}, stop() {} };
  const tty = process.stderr.isTTY;
  const interval = tty ? 100 : lineInterval();
  const t0 = Date.now();
  let text = '', last = -Infinity;
  const line = () => `${label} | ${text} | ${((Date.now() - t0) / 1000).toFixed(0)} s`;
  return {
    set(t) {
      text = t;
      if (Date.now() - last < interval) return;
      last = Date.now();
      process.stderr.write(tty ? `\r\x1b[K${line()}` : `${line()}\n`);
    },
    stop() {
      if (text !== '') process.stderr.write(tty ? `\r\x1b[K${line()}\n` : `${line()}\n`);
    },
  };
}

/**
 * Progress of work reported as (stage, done, total), e.g. NAAN's embed then score passes: one bar per
 * stage, labelled by `describe`, stopped when its stage is done.
 */
export function stagedProgress<S extends string>(describe: (stage: S) => [label: string, unit: string]): (stage: S, done: number, total: number) => void {
  const bars = new Map<S, Progress>();
  return (stage, done, total) => {
    let bar = bars.get(stage);
    if (!bar) {
      const [label, unit] = describe(stage);
      bar = progress(label, total, unit);
      bars.set(stage, bar);
    }
    bar.update(done);
    if (done === total) bar.stop();
  };
}

/** Bars for NAAN inference: embedding the nodes, then scoring the edges. */
export function naanPredictProgress(): (stage: 'embed' | 'score', done: number, total: number) => void {
  return stagedProgress((stage: 'embed' | 'score') => (stage === 'embed' ? ['NAAN embed', 'nodes'] : ['NAAN score', 'edges']));
}

/** One bar per NAAN training epoch (from the step a resumed epoch starts at). */
export function naanTrainProgress(): { onStep: (s: { epoch: number; step: number; steps: number }) => void; stop: () => void } {
  let bar: Progress | undefined;
  let barEpoch = -1;
  return {
    onStep: ({ epoch, step, steps }) => {
      if (epoch !== barEpoch) { bar?.stop(); bar = progress(`NAAN epoch ${epoch + 1}`, steps - step + 1, 'steps'); barEpoch = epoch; }
      bar!.tick();
    },
    stop: () => bar?.stop(),
  };
}

/**
 * One bar per training epoch from the trainer's onProgress reports (a resumed epoch's bar starts at the
 * step it resumes from); `done` closes the epoch's bar.
 */
export function trainingProgress(): (p: { epoch: number; epochs: number; step: number; steps: number; done: boolean }) => void {
  let bar: Progress | undefined;
  let barEpoch = -1;
  return ({ epoch, epochs, step, steps, done }) => {
    if (epoch !== barEpoch) {
      bar?.stop();
      bar = progress(`epoch ${epoch}/${epochs}`, steps, 'steps');
      bar.update(step);
      barEpoch = epoch;
    } else bar!.update(step);
    if (done) { bar!.stop(); bar = undefined; barEpoch = -1; }
  };
}
