import cliProgress from 'cli-progress';
import type { ProgressEvent } from './options.js';

/**
 * A progress bar on stderr while the demo works, only when stderr is a terminal (so piped or
 * logged output stays clean). Returns the `onProgress` callback and `stop`.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): { onProgress?: (e: ProgressEvent) => void; stop: () => void } {
  if (!stream.isTTY) return { stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream, format: ' {bar} {value}/{total}  {label}', hideCursor: true, clearOnComplete: true, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (e) => {
      if (!started) {
        bar.start(e.total, e.done, { label: e.label });
        started = true;
      } else {
        bar.setTotal(e.total);
        bar.update(e.done, { label: e.label });
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
