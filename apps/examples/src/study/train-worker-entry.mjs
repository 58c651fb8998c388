// The study runs TypeScript through tsx; a worker thread needs the loader registered itself.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
