import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, info?: string): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; silent otherwise (pipes, CI logs, `--json`). */
export function progress(io: CliIo, label: string, total: number): Progress {
  if (io.stderr.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {info}`, stream: io.stderr as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return { update: (done, info = '') => bar.update(done, { info }), stop: () => bar.stop() };
}
