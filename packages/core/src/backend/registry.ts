import { ErrorCode, MatryoshkaError, argumentError } from '../errors.js';
import { describe } from '../validate.js';
import { BACKEND_CONTRACT_VERSION, type AnyBackend, type BackendMap } from './contract.js';

export interface BackendRegistration {
  name: string;
  /** Higher is tried first when no name is given (cpu 0, webgpu 10, cuda 20). */
  priority: number;
  /**
   * Makes the backend. Called lazily (never at import), at most once per live instance. Throw —
   * preferably a `MatryoshkaError` `BACKEND_UNAVAILABLE` — with the reason it cannot run here.
   */
  create: () => AnyBackend | Promise<AnyBackend>;
  /**
   * Why a created instance should rank below every backend that is not demoted, or undefined when
   * it should not (e.g. a WebGPU backend on a software adapter such as SwiftShader, many times
   * slower than the cpu backend). Only a choice without a name is affected: asking for the backend
   * by name, alone or in a list, still gets it.
   */
  demote?: (backend: AnyBackend) => string | undefined;
}

export interface BackendStatus {
  readonly name: string;
  readonly priority: number;
  readonly available: boolean;
  /** Why it is unavailable, or why it ranks below the others although it works (see `demoted`). */
  readonly reason?: string;
  /** True when it works but is picked without a name only if no other backend works (`reason` says why). */
  readonly demoted?: boolean;
}

export interface BackendSelection {
  readonly backend: AnyBackend;
  /** Every backend tried before, or instead of, the chosen one, and why it was passed over. */
  readonly skipped: readonly BackendStatus[];
}

interface Registry {
  entries: Map<string, BackendRegistration>;
  instances: Map<string, Promise<AnyBackend>>;
}

// One registry per realm, shared by every copy of @matryoshka/core (ESM + CJS builds, duplicated
// installs), so a backend registered through one copy is seen by all of them.
const KEY = Symbol.for('@matryoshka/core/registry@1');

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= { entries: new Map(), instances: new Map() });
}

/**
 * Registers (or replaces) a backend factory under `registration.name`. Registering the same name
 * again replaces the factory; a live instance made by the old one stays with whoever holds it.
 * Returns a function that removes the registration.
 */
export function registerBackend(registration: BackendRegistration): () => void {
  if (typeof registration !== 'object' || registration === null) {
    throw argumentError(ErrorCode.InvalidArgument, 'registration', `expected { name, priority, create }, got ${describe(registration)}`);
  }
  const { name, priority, create, demote } = registration;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw argumentError(ErrorCode.InvalidArgument, 'registration.name', `expected a lower-case name like 'webgpu', got ${describe(name)}`);
  }
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw argumentError(ErrorCode.InvalidArgument, 'registration.priority', `expected a finite number, got ${describe(priority)}`);
  }
  if (typeof create !== 'function') {
    throw argumentError(ErrorCode.InvalidArgument, 'registration.create', `expected a function, got ${describe(create)}`);
  }
  if (demote !== undefined && typeof demote !== 'function') {
    throw argumentError(ErrorCode.InvalidArgument, 'registration.demote', `expected a function or undefined, got ${describe(demote)}`);
  }
  const r = registry();
  const entry: BackendRegistration = demote === undefined ? { name, priority, create } : { name, priority, create, demote };
  r.entries.set(name, entry);
  r.instances.delete(name);
  return () => {
    if (r.entries.get(name) === entry) {
      r.entries.delete(name);
      r.instances.delete(name);
    }
  };
}

/**
 * A backend by name, the first that works from a list of names (tried in order), or — with no
 * argument — the highest-priority backend that works here, demoted ones (a software GPU adapter)
 * only when nothing else works. Rejects with `BACKEND_NOT_FOUND` or
 * `BACKEND_UNAVAILABLE` (with every reason) when none does.
 */
export async function getBackend<K extends keyof BackendMap>(name: K): Promise<BackendMap[K]>;
export async function getBackend<B extends AnyBackend = AnyBackend>(name?: string | readonly string[]): Promise<B>;
export async function getBackend(name?: string | readonly string[]): Promise<AnyBackend> {
  return (await selectBackend(name)).backend;
}

/** Like `getBackend`, and also reports which backends were passed over and why. */
export async function selectBackend(name?: string | readonly string[]): Promise<BackendSelection> {
  const names = orderOf(name);
  const skipped: BackendStatus[] = [];
  // Without a name, a demoted backend waits until every other one was tried.
  const fallbacks: { backend: AnyBackend; status: BackendStatus }[] = [];
  for (const n of names) {
    const entry = registry().entries.get(n);
    if (entry === undefined) {
      if (typeof name === 'string') {
        throw argumentError(ErrorCode.BackendNotFound, 'name', `no backend '${n}' is registered (registered: ${registeredNames()}); import its package first`);
      }
      skipped.push({ name: n, priority: Number.NaN, available: false, reason: 'not registered (import its package first)' });
      continue;
    }
    let backend: AnyBackend;
    try {
      backend = await instance(entry);
    } catch (error) {
      skipped.push({ name: n, priority: entry.priority, available: false, reason: reasonOf(error, n) });
      continue;
    }
    const demoted = name === undefined ? demotionOf(entry, backend) : undefined;
    if (demoted === undefined) return { backend, skipped: [...skipped, ...fallbacks.map((f) => f.status)] };
    fallbacks.push({ backend, status: { name: n, priority: entry.priority, available: true, demoted: true, reason: demoted } });
  }
  const fallback = fallbacks[0];
  if (fallback !== undefined) return { backend: fallback.backend, skipped };
  const detail = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new MatryoshkaError(
    ErrorCode.BackendUnavailable,
    names.length === 0 ? 'no backend is registered; import @matryoshka/pooling for the cpu backend' : `no backend could start (${detail})`,
    { argument: 'name' },
  );
}

/**
 * Every registered backend in the order `getBackend()` tries them — highest priority first, demoted
 * ones after the rest — with whether it works here, and why not or why it was demoted.
 */
export async function listBackends(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  const demotedOnes: BackendStatus[] = [];
  for (const entry of sortedEntries()) {
    let backend: AnyBackend;
    try {
      backend = await instance(entry);
    } catch (error) {
      out.push({ name: entry.name, priority: entry.priority, available: false, reason: reasonOf(error, entry.name) });
      continue;
    }
    const demoted = demotionOf(entry, backend);
    if (demoted === undefined) out.push({ name: entry.name, priority: entry.priority, available: true });
    else demotedOnes.push({ name: entry.name, priority: entry.priority, available: true, demoted: true, reason: demoted });
  }
  return [...out, ...demotedOnes];
}

/** Disposes every backend instance the registry created (registrations stay). */
export async function disposeBackends(): Promise<void> {
  const r = registry();
  const live = [...r.instances.values()];
  r.instances.clear();
  for (const p of live) {
    const backend = await p.catch(() => undefined);
    if (backend !== undefined && !backend.disposed) backend.dispose();
  }
}

async function instance(entry: BackendRegistration): Promise<AnyBackend> {
  const r = registry();
  let pending = r.instances.get(entry.name);
  if (pending !== undefined) {
    const existing = await pending.catch(() => undefined);
    if (existing !== undefined && !existing.disposed) return existing;
  }
  pending = Promise.resolve().then(entry.create).then(checkContract);
  r.instances.set(entry.name, pending);
  try {
    return await pending;
  } catch (error) {
    // Failed creations are not cached: a device that comes back can be used on the next call.
    if (r.instances.get(entry.name) === pending) r.instances.delete(entry.name);
    throw error;
  }
}

/**
 * A backend written against another contract version is refused (its methods may not mean what
 * callers expect); it is disposed and reported unavailable with both versions.
 */
function checkContract(backend: AnyBackend): AnyBackend {
  const version = (backend as Partial<AnyBackend> | null)?.contractVersion;
  if (version !== BACKEND_CONTRACT_VERSION) {
    try {
      backend?.dispose?.();
    } catch {
      // The version mismatch is the error to report.
    }
    throw new MatryoshkaError(
      ErrorCode.BackendUnavailable,
      `it implements backend contract version ${describe(version)}, this @matryoshka/core needs ${BACKEND_CONTRACT_VERSION}; update the backend package`,
    );
  }
  return backend;
}

function orderOf(name: string | readonly string[] | undefined): string[] {
  if (name === undefined) return sortedEntries().map((e) => e.name);
  if (typeof name === 'string') return [name];
  if (Array.isArray(name) && name.length > 0 && name.every((n) => typeof n === 'string')) return [...name];
  throw argumentError(ErrorCode.InvalidArgument, 'name', `expected a backend name or a non-empty list of names, got ${describe(name)}`);
}

function sortedEntries(): BackendRegistration[] {
  return [...registry().entries.values()].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
}

function registeredNames(): string {
  const names = [...registry().entries.keys()];
  return names.length === 0 ? 'none' : names.join(', ');
}

/** The error's message without a leading `name: ` (callers print `${name}: ${reason}`). */
function reasonOf(error: unknown, name: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
}

/** The registration's reason to rank this instance below the others; a throwing hook demotes nothing. */
function demotionOf(entry: BackendRegistration, backend: AnyBackend): string | undefined {
  if (entry.demote === undefined) return undefined;
  try {
    const reason = entry.demote(backend);
    return typeof reason === 'string' && reason !== '' ? reason : undefined;
  } catch {
    return undefined;
  }
}
