/** What the page (`page-entry.ts`) leaves on `window` for the Node side (`chromium.ts`) to read. */

export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  /** The failure's message (and stack, when the page has one). */
  readonly error?: string;
  /** Wall time of the case in the page, in milliseconds. */
  readonly ms: number;
}

export interface PageInfo {
  readonly userAgent: string;
  /** `backend.adapter` of the shared backend: vendor, architecture and description. */
  readonly adapter?: string;
  readonly deviceSource?: string;
  /** The adapter's optional features (e.g. whether `shader-f16` is there). */
  readonly adapterFeatures?: readonly string[];
  /** The features of the shared backend's device. */
  readonly deviceFeatures?: readonly string[];
  readonly maxStorageBufferBindingSize?: number;
  readonly maxBufferSize?: number;
  /** Set when no backend could be created: then no case runs. */
  readonly setupError?: string;
}

export interface PageState {
  __done?: boolean;
  __results?: CaseResult[];
  __info?: PageInfo;
  /** The case running now (to name the culprit when the page hangs). */
  __current?: string;
}
