// List helpers of the strategic merge patch (apimachinery pkg/util/strategicpatch patch.go): the
// kinds of list elements, merge keys, ordering ($setElementOrder) and partitions of lists.
import type { Json } from './smp-errors';
import {
  DELETE_DIRECTIVE,
  DIRECTIVE_MARKER,
  errBadArgType,
  ErrNoListOfLists,
  errNoMergeKey,
  goText,
  isMap,
  StrategicMergePatchError,
} from './smp-errors';

export type ElementKind = 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null';

export function kindOf(value: unknown): ElementKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (isMap(value)) return 'map';
  return typeof value as 'string' | 'number' | 'boolean';
}

/** Go compares these with `==` on interface values: scalars by value, never maps or lists. */
export function scalarEqual(a: unknown, b: unknown): boolean {
  return a === b && !isMap(a) && !Array.isArray(a);
}

export function sliceElementType(...slices: unknown[][]): ElementKind {
  let previous: ElementKind | undefined;
  for (const slice of slices) {
    for (const value of slice) {
      const current = kindOf(value);
      if (previous === undefined) {
        previous = current;
        if (previous === 'list') throw ErrNoListOfLists();
      } else if (previous !== current) {
        throw new StrategicMergePatchError(
          `list element types are not identical: [${slices.map((s) => goText(s)).join(' ')}]`,
        );
      }
    }
  }
  if (previous === undefined) throw new StrategicMergePatchError('no elements in any of the given slices');
  return previous;
}

export function indexOf(list: unknown[], value: unknown, mergeKey: string, kind: ElementKind): number {
  const valueOf = (item: unknown): unknown => (kind === 'map' ? (isMap(item) ? item[mergeKey] : undefined) : item);
  const wanted = valueOf(value);
  return list.findIndex(
    (item) => scalarEqual(valueOf(item), wanted) || (wanted === undefined && valueOf(item) === undefined),
  );
}

/** Go's sort.SliceStable for the comparator strategicpatch uses (insertion sort keeps its results). */
export function stableSort<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  const out = [...items];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j], out[j - 1]); j--) [out[j], out[j - 1]] = [out[j - 1], out[j]];
  }
  return out;
}

export function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw errBadArgType('map[string]interface {}', item);
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

export function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const remove: unknown[] = [];
  for (const item of list) {
    if (!isMap(item)) throw errBadArgType('map[string]interface {}', item);
    if (item[DIRECTIVE_MARKER] === DELETE_DIRECTIVE) remove.push(item);
    else keep.push(item);
  }
  return [keep, remove];
}

export function normalizeSliceOrder(
  toSort: unknown[],
  order: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  const sorted = stableSort(toSort, (a, b) => {
    const ia = indexOf(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexOf(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...sorted, ...toDelete];
}

export function mergeSortedSlice(
  left: unknown[],
  right: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  const size = left.length + right.length;
  for (let k = 0; k < size; k++) {
    if (i >= left.length && j < right.length) out.push(right[j++]);
    else if (j >= right.length && i < left.length) out.push(left[i++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey, kind);
      const ri = indexOf(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

export function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const sortedPatch = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const sortedServer = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

export function partitionPrimitives(original: unknown[], partitionBy: unknown[]): [unknown[], unknown[]] {
  const inPatch = (v: unknown): boolean => partitionBy.some((p) => scalarEqual(p, v));
  return [original.filter(inPatch), original.filter((v) => !inPatch(v))];
}

export function findMapByKey(list: unknown[], key: string, value: unknown): [Json | undefined, number] {
  for (let k = 0; k < list.length; k++) {
    const item = list[k];
    if (!isMap(item)) throw new StrategicMergePatchError(`value for key ${k} is not a map`);
    if (key in item && scalarEqual(item[key], value)) return [item, k];
  }
  return [undefined, -1];
}

export function partitionMaps(original: unknown[], partitionBy: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of original) {
    if (!isMap(item)) throw errBadArgType('map[string]interface {}', item);
    if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
    const [found] = findMapByKey(partitionBy, mergeKey, item[mergeKey]);
    (found ? patch : serverOnly).push(item);
  }
  return [patch, serverOnly];
}
