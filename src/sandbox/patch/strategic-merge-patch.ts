// application/strategic-merge-patch+json as the API server applies it: JSON merge patch, except
// that lists the schema marks `x-kubernetes-patch-strategy: merge` merge by their patch-merge-key
// (or as sets of scalars), `retainKeys` clears unlisted fields, and the directives `$patch`,
// `$deleteFromPrimitiveList/…`, `$setElementOrder/…` and `$retainKeys` steer it. A port of the
// server half of apimachinery's pkg/util/strategicpatch (StrategicMergeMapPatch).
import type { SchemaNode, SchemaSource } from '../openapi/schema';
import type { Json } from './smp-errors';
import {
  DELETE_DIRECTIVE,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE_MARKER,
  errBadArgType,
  ErrBadJSONDoc,
  ErrBadPatchFormatForPrimitiveList,
  ErrBadPatchFormatForRetainKeys,
  ErrBadPatchFormatForSetElementOrderList,
  errBadPatchType,
  errNoMergeKey,
  goText,
  isMap,
  MERGE_DIRECTIVE,
  REPLACE_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  RETAIN_KEYS_STRATEGY,
  SET_ELEMENT_ORDER_PREFIX,
  StrategicMergePatchError,
} from './smp-errors';
import {
  extractToDeleteItems,
  findMapByKey,
  kindOf,
  normalizeElementOrder,
  partitionMaps,
  partitionPrimitives,
  scalarEqual,
  sliceElementType,
} from './smp-lists';

export type { SmpErrorKind } from './smp-errors';
export { StrategicMergePatchError } from './smp-errors';

// ── patch metadata from the schema ───────────────────────────────────────────────────────────

interface PatchMeta {
  readonly strategies: string[];
  readonly mergeKey: string;
}

const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

/**
 * The struct-tag view of a schema node (PatchMetaFromStruct): properties are struct fields, an
 * object with additionalProperties is a Go map. Fields the schema does not know get no metadata,
 * so they merge as plain JSON merge patch would.
 */
class PatchSchema {
  constructor(
    private readonly schemas: SchemaSource | undefined,
    private readonly node: SchemaNode | undefined,
  ) {}

  private field(key: string): [SchemaNode | undefined, PatchMeta] {
    if (!this.node || !this.schemas) return [undefined, NO_META];
    const node = this.schemas.resolve(this.node);
    const property = node.properties?.[key];
    if (property) {
      const strategy = property['x-kubernetes-patch-strategy'];
      return [
        property,
        { strategies: strategy ? strategy.split(',') : [], mergeKey: property['x-kubernetes-patch-merge-key'] ?? '' },
      ];
    }
    if (!node.properties && typeof node.additionalProperties === 'object') return [node.additionalProperties, NO_META];
    return [undefined, NO_META];
  }

  lookupStruct(key: string): [PatchSchema, PatchMeta] {
    const [node, meta] = this.field(key);
    return [new PatchSchema(this.schemas, node), meta];
  }

  lookupSlice(key: string): [PatchSchema, PatchMeta] {
    const [node, meta] = this.field(key);
    // A pointer to a struct stands for its own element type (PatchMetaFromStruct's reflect.Pointer case).
    const items = node && this.schemas ? (this.schemas.resolve(node).items ?? node) : undefined;
    return [new PatchSchema(this.schemas, items), meta];
  }
}

function extractRetainKeysPatchStrategy(strategies: string[]): string {
  switch (strategies.length) {
    case 0:
      return '';
    case 1:
      return strategies[0] === RETAIN_KEYS_STRATEGY ? '' : strategies[0];
    case 2:
      if (strategies[0] === RETAIN_KEYS_STRATEGY) return strategies[1];
      if (strategies[1] === RETAIN_KEYS_STRATEGY) return strategies[0];
      throw new StrategicMergePatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
    default:
      throw new StrategicMergePatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw ErrBadPatchFormatForPrimitiveList();
    if (prefix === SET_ELEMENT_ORDER_PREFIX) throw ErrBadPatchFormatForSetElementOrderList();
    throw new StrategicMergePatchError(`fail to find unknown prefix "${prefix}" in ${key}\n`);
  }
  return key.slice(slash + 1);
}

/** Drops directive-carrying maps and strips directives from what is kept; `keep` false drops the value. */
function removeDirectives(value: unknown): [unknown, boolean] {
  if (isMap(value)) {
    if (DIRECTIVE_MARKER in value) return [undefined, false];
    for (const key of Object.keys(value)) {
      const [child, keep] = removeDirectives(value[key]);
      if (keep) value[key] = child;
      else delete value[key];
    }
    return [value, true];
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const [child, keep] = removeDirectives(item);
      if (keep) out.push(child);
    }
    return [out, true];
  }
  return [value, true];
}

function discardNullValuesFromPatch(value: unknown): void {
  if (isMap(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] === null) delete value[key];
      else discardNullValuesFromPatch(value[key]);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) discardNullValuesFromPatch(item);
  }
}

function validatePatchWithSetOrderList(patchList: unknown, setOrderList: unknown, mergeKey: string): void {
  if (!Array.isArray(setOrderList) || !Array.isArray(patchList)) throw ErrBadPatchFormatForSetElementOrderList();
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrderList.length) {
    if (isMap(nonDelete[p]) && DIRECTIVE_MARKER in (nonDelete[p] as Json)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], setOrderList[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrderList.length) {
    throw new StrategicMergePatchError(
      `The order in patch list:\n${goText(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goText(setOrderList)}\n`,
    );
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return scalarEqual(left, right);
  if (!isMap(left)) throw errBadArgType('map[string]interface {}', left);
  if (!isMap(right)) throw errBadArgType('map[string]interface {}', right);
  if (!(mergeKey in left)) throw errNoMergeKey(left, mergeKey);
  if (!(mergeKey in right)) throw errNoMergeKey(right, mergeKey);
  return scalarEqual(left[mergeKey], right[mergeKey]);
}

// ── merging ──────────────────────────────────────────────────────────────────────────────────

function applyRetainKeysDirective(original: Json, patch: Json): void {
  if (!(RETAIN_KEYS_DIRECTIVE in patch)) return;
  const retainKeys = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retainKeys)) throw ErrBadPatchFormatForRetainKeys();
  const retained = (key: string): boolean => retainKeys.some((k) => scalarEqual(k, key));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || key.startsWith(SET_ELEMENT_ORDER_PREFIX))
      continue;
    if (!retained(key)) throw ErrBadPatchFormatForRetainKeys();
  }
  for (const key of Object.keys(original)) if (!retained(key)) delete original[key];
}

function mergePatchIntoOriginal(original: Json, patch: Json, schema: PatchSchema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const setElementOrder = patch[key];
    delete patch[key];
    if (!Array.isArray(setElementOrder)) throw errBadArgType('[]interface {}', setElementOrder);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = originalKey in original;
    const foundPatch = originalKey in patch;
    const originalList = original[originalKey];
    const patchList = patch[originalKey];
    let originalValue: unknown[] = [];
    let patchValue: unknown[] = [];
    if (foundOriginal) {
      if (!Array.isArray(originalList)) throw errBadArgType('[]interface {}', originalList);
      originalValue = originalList;
    }
    if (foundPatch) {
      if (!Array.isArray(patchList)) throw errBadArgType('[]interface {}', patchList);
      patchValue = patchList;
    }
    const [subschema, meta] = schema.lookupSlice(originalKey);
    const strategy = extractRetainKeysPatchStrategy(meta.strategies);
    validatePatchWithSetOrderList(foundPatch ? patchValue : [], setElementOrder, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalValue;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchValue)[0] as unknown[];
    else if (foundOriginal && foundPatch)
      merged = mergeSliceHandler(originalValue, patchValue, subschema, strategy, meta.mergeKey, false);
    else continue;

    const [patchItems, serverOnly] = meta.mergeKey
      ? partitionMaps(merged, setElementOrder, meta.mergeKey)
      : partitionPrimitives(merged, setElementOrder);
    const kind = sliceElementType(originalValue, patchValue);
    original[originalKey] = normalizeElementOrder(
      patchItems,
      serverOnly,
      setElementOrder,
      originalValue,
      meta.mergeKey,
      kind,
    );
    delete patch[originalKey];
  }
}

function handleDirectiveInMergeMap(directive: unknown, patch: Json): Json {
  if (directive === REPLACE_DIRECTIVE) {
    delete patch[DIRECTIVE_MARKER];
    return patch;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

function mergeMap(original: Json | undefined, patch: Json, schema: PatchSchema): Json {
  if (DIRECTIVE_MARKER in patch) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
  const target = original ?? {};
  applyRetainKeysDirective(target, patch);
  mergePatchIntoOriginal(target, patch, schema);

  for (const rawKey of Object.keys(patch)) {
    const patchValue = patch[rawKey];
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      key = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchValue === null) {
      delete target[key];
      continue;
    }
    const originalValue = target[key];
    const originalKind = kindOf(originalValue);
    // Not in the original, or of another type there: the patch's value, less its directives, replaces it.
    if (
      !(key in target) ||
      originalKind !== kindOf(patchValue) ||
      (originalKind === 'number' && Number.isInteger(originalValue) !== Number.isInteger(patchValue))
    ) {
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchValue);
        const [value, keep] = removeDirectives(patchValue);
        if (keep) target[key] = value;
        else delete target[key];
      }
      continue;
    }
    if (originalKind === 'map') {
      const [subschema, meta] = schema.lookupStruct(key);
      const strategy = extractRetainKeysPatchStrategy(meta.strategies);
      target[key] =
        strategy !== REPLACE_DIRECTIVE ? mergeMap(originalValue as Json, patchValue as Json, subschema) : patchValue;
    } else if (originalKind === 'list') {
      const [subschema, meta] = schema.lookupSlice(key);
      const strategy = extractRetainKeysPatchStrategy(meta.strategies);
      target[key] = mergeSliceHandler(
        originalValue as unknown[],
        patchValue as unknown[],
        subschema,
        strategy,
        meta.mergeKey,
        isDeleteList,
      );
    } else {
      const [value, keep] = removeDirectives(patchValue);
      if (keep) target[key] = value;
      else delete target[key];
    }
  }
  return target;
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  schema: PatchSchema,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (strategy === MERGE_DIRECTIVE || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList);
  return patch;
}

function deduplicateScalars(list: unknown[]): unknown[] {
  const s = [...list];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (scalarEqual(s[i], s[j])) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/**
 * A Go slice over a shared backing array. strategicpatch deletes with `append(s[:k], s[k+1:]...)`
 * and then appends, which writes through to the caller's slice of the same array; the order that
 * `$setElementOrder` produces depends on it, so the merge of map lists reproduces it exactly.
 */
interface GoSlice {
  backing: unknown[];
  len: number;
}

const view = (slice: GoSlice): unknown[] => slice.backing.slice(0, slice.len);

function deleteMatchingEntries(slice: GoSlice, mergeKey: string, value: unknown): void {
  for (;;) {
    const [found, at] = findMapByKey(view(slice), mergeKey, value);
    if (!found) return;
    for (let i = at; i < slice.len - 1; i++) slice.backing[i] = slice.backing[i + 1];
    slice.len--;
  }
}

function append(slice: GoSlice, value: unknown): void {
  if (slice.len < slice.backing.length) slice.backing[slice.len] = value;
  else slice.backing = [...view(slice), value];
  slice.len++;
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  schema: PatchSchema,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType(original, patch);
  let merged: unknown[];
  let serverOrder = original;
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.some((d) => scalarEqual(d, v)));
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new StrategicMergePatchError('cannot merge lists without merge key for struct');
    const slice: GoSlice = { backing: original, len: original.length };
    const plain: unknown[] = [];
    let replace = false;
    for (const item of patch) {
      const map = item as Json;
      if (!(DIRECTIVE_MARKER in map)) {
        plain.push(item);
        continue;
      }
      const directive = map[DIRECTIVE_MARKER];
      if (directive === DELETE_DIRECTIVE) {
        if (!(mergeKey in map)) throw errNoMergeKey(map, mergeKey);
        deleteMatchingEntries(slice, mergeKey, map[mergeKey]);
      } else if (directive === REPLACE_DIRECTIVE) {
        replace = true;
      } else if (directive === MERGE_DIRECTIVE) {
        throw new StrategicMergePatchError('merging lists cannot yet be specified in the patch');
      } else {
        throw errBadPatchType(directive, map);
      }
    }
    let target: GoSlice = slice;
    if (replace) {
      target = { backing: plain, len: plain.length };
      patch = [];
    } else {
      patch = plain;
    }
    serverOrder = view(target);
    for (const item of patch) {
      const map = item as Json;
      if (!(mergeKey in map)) throw errNoMergeKey(map, mergeKey);
      const [found, at] = findMapByKey(view(target), mergeKey, map[mergeKey]);
      if (found) target.backing[at] = mergeMap(found, map, schema);
      else append(target, item);
    }
    merged = view(target);
  }
  const [patchItems, serverOnly] = mergeKey
    ? partitionMaps(merged, patch, mergeKey)
    : partitionPrimitives(merged, patch);
  return normalizeElementOrder(patchItems, serverOnly, patch, serverOrder, mergeKey, kind);
}

// ── entry point ──────────────────────────────────────────────────────────────────────────────

/**
 * Applies a strategic merge patch to `original` (StrategicMergeMapPatch with MergeParallelList and
 * IgnoreUnmatchedNulls). `schema` is the kind's OpenAPI schema; neither argument is modified.
 */
export function strategicMergePatch(
  original: Json,
  patch: unknown,
  schemas: SchemaSource | undefined,
  schema: SchemaNode | undefined,
): Json {
  if (!isMap(patch)) throw ErrBadJSONDoc();
  return mergeMap(structuredClone(original), structuredClone(patch), new PatchSchema(schemas, schema));
}
