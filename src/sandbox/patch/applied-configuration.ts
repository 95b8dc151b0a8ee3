// The applied configuration as the API server keeps it (fieldmanager's last-applied and apply
// steps): the last-applied annotation kubectl reads, key order and the nulls the typed view fills.
import type { KubeObject } from '../apimachinery/kube-object';
import { goJson } from './field-set';
import { LAST_APPLIED_ANNOTATION } from './field-managers';

type Json = Record<string, unknown>;

const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function splitApiVersion(apiVersion: unknown): [string, string] {
  if (typeof apiVersion !== 'string' || apiVersion === '') return ['', ''];
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/**
 * Nulls that the typed view added (a required pointer or slice nobody set) are dropped from the
 * result: the sandbox stores JSON, where they would show as `field: null`.
 */
export function stripFilledNulls(value: unknown, live: unknown, applied: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => stripFilledNulls(item, undefined, undefined));
  if (!isMap(value)) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    const liveChild = isMap(live) ? live[key] : undefined;
    const appliedChild = isMap(applied) ? applied[key] : undefined;
    if (child === null && liveChild === undefined && appliedChild === undefined) continue;
    out[key] = stripFilledNulls(child, liveChild, appliedChild);
  }
  return out;
}

/** A created object lists its keys as the configuration did, zero values after them. */
export function inOrderOf(value: unknown, order: unknown): unknown {
  if (!isMap(value) || !isMap(order)) return value;
  const keys = [...Object.keys(order).filter((k) => k in value), ...Object.keys(value).filter((k) => !(k in order))];
  return Object.fromEntries(keys.map((k) => [k, inOrderOf(value[k], order[k])]));
}

export function hasLastApplied(object: KubeObject): boolean {
  return Boolean(object.metadata.annotations?.[LAST_APPLIED_ANNOTATION]);
}

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function annotationsSize(annotations: Record<string, string>): number {
  return Object.entries(annotations).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
}

/** The applied object as kubectl's last-applied annotation holds it: Go's JSON, keys sorted, a newline. */
export function buildLastApplied(applied: Json): string {
  const copy = structuredClone(applied);
  if (isMap(copy.metadata) && isMap(copy.metadata.annotations))
    delete copy.metadata.annotations[LAST_APPLIED_ANNOTATION];
  return `${goJson(sortKeys(copy))}\n`;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}
