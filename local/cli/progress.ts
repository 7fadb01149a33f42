/** A progress bar on stderr for long runs (cli-progress); silent when stderr is not a terminal. */
import cliProgress from "cli-progress";

export interface Progress {
  /** Reports `n` entries done in the current pass; a smaller `n` than before starts a new pass. */
  report(n: number): void;
  stop(): void;
}

export function progressBar(enabled: boolean, label: string, total: number): Progress {
  if (!enabled || total <= 0) return { report: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} entries | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  let last = 0;
  return {
    report(n) {
      done += n >= last ? n - last : n;
      last = n;
      bar.update(Math.min(done, total));
    },
    stop() {
      bar.update(total);
      bar.stop();
    },
  };
}
