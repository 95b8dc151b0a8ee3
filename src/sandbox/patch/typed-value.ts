// Walks JSON values against SMD atoms: the field set a value sets, the comparison of two values,
// the merge of an applied configuration into a live object, and removal of field sets — a port of
// structured-merge-diff's `typed` package. `undefined` is an absent value, `null` an explicit one.
import type { FieldPath, JsonValue, PathElement } from './field-set';
import { comparePathElements, FieldSet, fieldElement, keyElement, pathElementString } from './field-set';
import type { Atom, ListAtom, MapAtom, TypeRef, TypeResolver } from './schema-types';

type Json = Record<string, unknown>;

const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

export class TypedError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.length === 1 ? errors[0] : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n'));
  }
}

/** SMD's deduceAtom: narrows a multi-kind atom to the kind the value has. */
function deduce(atom: Atom, value: unknown): Atom {
  if (value === undefined || value === null) return atom;
  if (Array.isArray(value)) return atom.list ? { list: atom.list } : atom;
  if (isMap(value)) return atom.map ? { map: atom.map } : atom;
  return atom.scalar ? { scalar: atom.scalar } : atom;
}

function atomKind(atom: Atom): 'map' | 'scalar' | 'list' | undefined {
  return atom.map ? 'map' : atom.scalar ? 'scalar' : atom.list ? 'list' : undefined;
}

function fieldType(map: MapAtom, key: string): TypeRef | undefined {
  return map.fields.get(key)?.type ?? map.element;
}

/** An associative-list item whose key cannot be made (missing key field, null, wrong kind). */
export class ListKeyError extends Error {}

/** The path element of an item of an associative list. */
export function listItemElement(types: TypeResolver, list: ListAtom, item: unknown): PathElement {
  if (list.keys.length > 0) {
    if (item === null) throw new ListKeyError('associative list with keys may not have a null element');
    if (!isMap(item)) throw new ListKeyError('associative list with keys may not have non-map elements');
    const elementMap = types.resolve(list.element).map;
    const fields: [string, JsonValue][] = [];
    for (const name of list.keys) {
      if (item[name] !== undefined) {
        fields.push([name, item[name] as JsonValue]);
        continue;
      }
      const fallback = elementMap?.fields.get(name)?.default;
      if (fallback === undefined)
        throw new ListKeyError(
          `associative list with keys has an element that omits key field "${name}" (and doesn't have default value)`,
        );
      fields.push([name, fallback as JsonValue]);
    }
    return keyElement(fields);
  }
  if (isMap(item)) throw new ListKeyError("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new ListKeyError('not supported: associative list with lists as elements');
  if (item === null) throw new ListKeyError("associative list without keys has an element that's an explicit null");
  return { kind: 'value', value: item as JsonValue };
}

// ── field sets ─────────────────────────────────────────────────────────────────────────────

/** The set of fields a value sets (SMD's ToFieldSet). */
export function toFieldSet(types: TypeResolver, value: unknown, ref: TypeRef): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, r: TypeRef, path: PathElement[]): void => {
    const atom = deduce(types.resolve(r), v);
    if (atom.map) {
      if (atom.map.relationship === 'atomic') return set.insert(path);
      if (!isMap(v)) return;
      for (const [key, child] of Object.entries(v)) {
        if (child === undefined) continue;
        const childPath = [...path, fieldElement(key)];
        const type = fieldType(atom.map, key);
        if (type) walk(child, type, childPath);
        if (child === null || (isMap(child) && Object.keys(child).length === 0) || !atom.map.fields.has(key))
          set.insert(childPath);
      }
    } else if (atom.scalar) {
      set.insert(path);
    } else if (atom.list) {
      if (atom.list.relationship === 'atomic') return set.insert(path);
      if (!Array.isArray(v)) return;
      const seen: PathElement[] = [];
      const duplicates = new FieldSet();
      const elements = v.map((item) => safeElement(types, atom.list!, item));
      elements.forEach((pe) => {
        if (!pe) return;
        if (seen.some((s) => samePe(s, pe))) {
          if (!duplicates.hasMember(pe)) {
            set.insert([...path, pe]);
            duplicates.insert([pe]);
          }
        } else seen.push(pe);
      });
      v.forEach((item, i) => {
        const pe = elements[i];
        if (!pe || duplicates.hasMember(pe)) return;
        walk(item, atom.list!.element, [...path, pe]);
        set.insert([...path, pe]);
      });
    }
  };
  walk(value, ref, []);
  return set;
}

function safeElement(types: TypeResolver, list: ListAtom, item: unknown): PathElement | undefined {
  try {
    return listItemElement(types, list, item);
  } catch (error) {
    if (error instanceof ListKeyError) return undefined;
    throw error;
  }
}

function samePe(a: PathElement, b: PathElement): boolean {
  return comparePathElements(a, b) === 0;
}

/** Adds named struct fields that only have children as members (SMD's EnsureNamedFieldsAreMembers). */
export function ensureNamedFieldsAreMembers(types: TypeResolver, set: FieldSet, ref: TypeRef | undefined): FieldSet {
  const atom = ref ? types.resolve(ref) : undefined;
  const out = FieldSet.fromParts(
    [...set.memberElements()],
    set.childNodes().map((node) => {
      let childRef: TypeRef | undefined;
      if (node.element.kind === 'field' && atom?.map) childRef = fieldType(atom.map, node.element.name);
      else if (node.element.kind === 'key' && atom?.list) childRef = atom.list.element;
      return { element: node.element, set: ensureNamedFieldsAreMembers(types, node.set, childRef) };
    }),
  );
  for (const node of set.childNodes()) {
    if (node.element.kind === 'field' && atom?.map?.fields.has(node.element.name)) out.insert([node.element]);
  }
  return out;
}

// ── comparison ─────────────────────────────────────────────────────────────────────────────

export interface Comparison {
  readonly removed: FieldSet;
  readonly modified: FieldSet;
  readonly added: FieldSet;
}

export function compareValues(types: TypeResolver, lhs: unknown, rhs: unknown, ref: TypeRef): Comparison {
  const result = { removed: new FieldSet(), modified: new FieldSet(), added: new FieldSet() };
  const walk = (l: unknown, r: unknown, type: TypeRef, path: PathElement[]): void => {
    const atom = types.resolve(type);
    const al = deduce(atom, l);
    const ar = deduce(atom, r);
    let inLeaf = false;
    const leaf = (): void => {
      if (inLeaf) return;
      inLeaf = true;
      if (l === undefined) result.added.insert(path);
      else if (r === undefined) result.removed.insert(path);
      else if (!jsonEqual(l, r)) result.modified.insert(path);
    };
    const handle = (a: Atom, lv: unknown, rv: unknown): void => {
      if (a.map) {
        const lm = isMap(lv) ? lv : undefined;
        const rm = isMap(rv) ? rv : undefined;
        const emptyPromote = (!lm || Object.keys(lm).length === 0) && (!rm || Object.keys(rm).length === 0);
        if (a.map.relationship === 'atomic' || emptyPromote) return leaf();
        const keys = [...new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})])];
        for (const key of keys) {
          const childType = fieldType(a.map, key);
          if (!childType) continue;
          const lc = lm?.[key];
          const rc = rm?.[key];
          if (lc === undefined && rc === undefined) continue;
          walk(lc, rc, childType, [...path, fieldElement(key)]);
        }
      } else if (a.scalar) {
        leaf();
      } else if (a.list) {
        const ll = Array.isArray(lv) ? lv : undefined;
        const rl = Array.isArray(rv) ? rv : undefined;
        const emptyPromote = (!ll || ll.length === 0) && (!rl || rl.length === 0);
        if (a.list.relationship === 'atomic' || emptyPromote) return leaf();
        compareListItems(a.list, ll ?? [], rl ?? [], path);
      }
    };
    if (r === undefined) handle(al, l, r);
    else if (l === undefined || atomKind(al) === atomKind(ar)) handle(ar, l, r);
    else {
      handle(al, l, undefined);
      handle(ar, undefined, r);
    }
    if (!inLeaf) {
      if (l === undefined) result.added.insert(path);
      else if (r === undefined) result.removed.insert(path);
    }
  };
  const compareListItems = (list: ListAtom, lhs: unknown[], rhs: unknown[], path: PathElement[]): void => {
    const order: PathElement[] = [];
    const lValues = new Map<string, unknown[]>();
    const rValues = new Map<string, unknown[]>();
    const keyOf = (pe: PathElement): string => pathElementString(pe) + JSON.stringify(pe);
    for (const [values, items, isRight] of [
      [lValues, lhs, false],
      [rValues, rhs, true],
    ] as const) {
      for (const item of items) {
        const pe = safeElement(types, list, item);
        if (!pe) continue;
        const key = keyOf(pe);
        const existing = values.get(key);
        if (existing) existing.push(item);
        else {
          values.set(key, [item]);
          if (!isRight || !lValues.has(key)) order.push(pe);
        }
      }
    }
    for (const pe of order) {
      const key = keyOf(pe);
      const l = lValues.get(key) ?? [];
      const r = rValues.get(key) ?? [];
      const itemPath = [...path, pe];
      if (l.length <= 1 && r.length <= 1) walk(l[0], r[0], list.element, itemPath);
      else if (l.length >= 2 && r.length >= 2) {
        if (!jsonEqual(l, r)) result.modified.insert(itemPath);
      } else if (l.length >= 2) {
        if (r.length !== 0) walk(undefined, r[0], list.element, itemPath);
        result.removed.insert(itemPath);
      } else {
        if (l.length !== 0) walk(l[0], undefined, list.element, itemPath);
        result.added.insert(itemPath);
      }
    }
  };
  if (lhs !== undefined || rhs !== undefined) walk(lhs, rhs, ref, []);
  return result;
}

// ── merging ────────────────────────────────────────────────────────────────────────────────

/** Merges `rhs` (an applied configuration) into `lhs` (live), rhs winning on leaves. */
export function mergeValues(types: TypeResolver, lhs: unknown, rhs: unknown, ref: TypeRef): unknown {
  // As SMD's mergingWalker: the handler is chosen from the applied value's atom (map before
  // scalar before list); an explicit null for a non-empty granular map or list keeps the live one.
  const merge = (l: unknown, r: unknown, type: TypeRef): unknown => {
    if (l === undefined) return r;
    if (r === undefined) return l;
    const a = deduce(types.resolve(type), r);
    if (a.map) {
      const lm = isMap(l) ? l : undefined;
      const rm = isMap(r) ? r : undefined;
      if (a.map.relationship === 'atomic' || (isEmptyOrAbsent(lm) && isEmptyOrAbsent(rm))) return r;
      const out: Json = {};
      for (const key of Object.keys(lm ?? {})) {
        const childType = fieldType(a.map, key) ?? DEDUCED_REF;
        out[key] = rm && rm[key] !== undefined ? merge(lm![key], rm[key], childType) : lm![key];
      }
      for (const key of Object.keys(rm ?? {})) if (!lm || !(key in lm)) out[key] = rm![key];
      return out;
    }
    if (a.scalar) return r;
    if (a.list) {
      const ll = Array.isArray(l) ? l : undefined;
      const rl = Array.isArray(r) ? r : undefined;
      if (a.list.relationship === 'atomic' || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) return r;
      return mergeListItems(a.list, ll ?? [], rl ?? []);
    }
    return r;
  };
  const mergeListItems = (list: ListAtom, lhs: unknown[], rhs: unknown[]): unknown[] => {
    const rPes = rhs.map((item) => {
      try {
        return listItemElement(types, list, item);
      } catch (error) {
        if (error instanceof ListKeyError) throw new TypedError([error.message]);
        throw error;
      }
    });
    // A live item without a usable key cannot match anything applied; it stays where it is.
    const lPes = lhs.map((item, i): PathElement => safeElement(types, list, item) ?? { kind: 'index', index: -1 - i });
    const find = (pes: PathElement[], pe: PathElement): number => pes.findIndex((p) => samePe(p, pe));
    const duplicate = rPes.find((pe, i) => find(rPes, pe) !== i);
    if (duplicate) throw new TypedError([`duplicate entries for key ${pathElementString(duplicate)}`]);
    const lValue = (pe: PathElement): unknown => {
      const first = find(lPes, pe);
      // A duplicated live key merges as absent, as SMD's observed map records nil for it.
      return first >= 0 && lPes.findIndex((p, i) => i > first && samePe(p, pe)) < 0 ? lhs[first] : undefined;
    };
    const shared = rPes.filter((pe) => find(lPes, pe) >= 0);
    let nextShared: PathElement | undefined = shared.shift();
    const mergedRhs: PathElement[] = [];
    const out: unknown[] = [];
    let li = 0;
    let ri = 0;
    while (li < lPes.length || ri < rPes.length) {
      if (li < lPes.length && ri < rPes.length) {
        const pe = lPes[li];
        if (samePe(pe, rPes[ri])) {
          mergedRhs.push(pe);
          out.push(merge(lValue(pe), rhs[ri], list.element));
          li++;
          ri++;
          nextShared = shared.shift();
          continue;
        }
        if (find(rPes, pe) >= 0 && nextShared && !samePe(nextShared, pe)) {
          li++;
          continue;
        }
      }
      if (li < lPes.length) {
        const pe = lPes[li];
        if (find(rPes, pe) < 0) {
          out.push(lhs[li]);
          li++;
          continue;
        } else if (find(mergedRhs, pe) >= 0) {
          li++;
        }
      }
      if (ri < rPes.length) {
        const pe = rPes[ri];
        mergedRhs.push(pe);
        out.push(merge(lValue(pe), rhs[ri], list.element));
        ri++;
        if (nextShared && samePe(nextShared, pe)) nextShared = shared.shift();
      }
    }
    return out;
  };
  return merge(lhs, rhs, ref);
}

const DEDUCED_REF: TypeRef = { named: 'deduced' };

// ── removal ────────────────────────────────────────────────────────────────────────────────

/**
 * The value without the paths in `toRemove` (SMD's RemoveItems). Maps and lists left empty by a
 * removal are dropped rather than kept as null, as a typed object would omit them.
 */
export function removeItems(types: TypeResolver, value: unknown, toRemove: FieldSet, ref: TypeRef): unknown {
  const atom = deduce(types.resolve(ref), value);
  if (atom.map && isMap(value)) {
    if (atom.map.relationship === 'atomic' || Object.keys(value).length === 0) return value;
    const out: Json = {};
    for (const [key, child] of Object.entries(value)) {
      const pe = fieldElement(key);
      if (toRemove.hasMember(pe)) continue;
      const subset = toRemove.child(pe);
      if (subset && !subset.isEmpty()) {
        const pruned = removeItems(types, child, subset, fieldType(atom.map, key) ?? DEDUCED_REF);
        if (isEmptyContainer(pruned) && !isEmptyContainer(child)) continue;
        out[key] = pruned;
      } else out[key] = child;
    }
    return out;
  }
  if (atom.list && Array.isArray(value)) {
    if (atom.list.relationship === 'atomic' || value.length === 0) return value;
    const out: unknown[] = [];
    for (const item of value) {
      const pe = safeElement(types, atom.list, item);
      if (pe && toRemove.hasMember(pe)) continue;
      const subset = pe ? toRemove.child(pe) : undefined;
      out.push(subset && !subset.isEmpty() ? removeItems(types, item, subset, atom.list.element) : item);
    }
    return out;
  }
  return value;
}

function isEmptyOrAbsent(map: Json | undefined): boolean {
  return !map || Object.keys(map).length === 0;
}

function isEmptyContainer(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isMap(value) && Object.keys(value).length === 0);
}

// ── validation ─────────────────────────────────────────────────────────────────────────────

function goValueText(value: unknown): string {
  return `&{${Array.isArray(value) ? `[${value.map(String).join(' ')}]` : isMap(value) ? `map[${Object.keys(value).join(' ')}]` : String(value)}}`;
}

function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (isMap(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

/** SMD's validation of an applied configuration against its schema: unknown fields, types, duplicate keys. */
export function validateValue(types: TypeResolver, value: unknown, ref: TypeRef): string[] {
  const errors: string[] = [];
  const fail = (path: string, message: string): void => void errors.push(path ? `${path}: ${message}` : message);
  const walk = (v: unknown, r: TypeRef, path: string): void => {
    if (v === null || v === undefined) return;
    const atom = deduce(types.resolve(r), v);
    if (atom.map) {
      if (!isMap(v)) return fail(path, `expected map, got ${goValueText(v)}`);
      for (const [key, child] of Object.entries(v)) {
        const type = atom.map.fields.get(key)?.type ?? atom.map.element;
        if (!type) return fail(`${path}.${key}`, 'field not declared in schema');
        walk(child, type, `${path}.${key}`);
      }
    } else if (atom.scalar) {
      const isScalar = !isMap(v) && !Array.isArray(v);
      if (atom.scalar === 'numeric' && typeof v !== 'number')
        fail(path, `expected numeric (int or float), got ${goTypeName(v)}`);
      else if (atom.scalar === 'string' && typeof v !== 'string') fail(path, `expected string, got ${goValueText(v)}`);
      else if (atom.scalar === 'boolean' && typeof v !== 'boolean')
        fail(path, `expected boolean, got ${goValueText(v)}`);
      else if (atom.scalar === 'untyped' && !isScalar) fail(path, `expected any scalar, got ${goValueText(v)}`);
    } else if (atom.list) {
      if (!Array.isArray(v)) return fail(path, `expected list, got ${goValueText(v)}`);
      const seen: PathElement[] = [];
      v.forEach((item, i) => {
        let pe: PathElement;
        if (atom.list!.relationship !== 'associative') pe = { kind: 'index', index: i };
        else {
          try {
            pe = listItemElement(types, atom.list!, item);
          } catch (error) {
            if (error instanceof ListKeyError) return fail(path, `element ${i}: ${error.message}`);
            throw error;
          }
          if (seen.some((s) => samePe(s, pe))) fail(path, `duplicate entries for key ${pathElementString(pe)}`);
          seen.push(pe);
        }
        walk(item, atom.list!.element, `${path}${pathElementString(pe)}`);
      });
    }
  };
  walk(value, ref, '');
  return errors;
}

export type { FieldPath };
