// Field paths and sets of them, and their FieldsV1 wire form: a port of structured-merge-diff's
// `fieldpath` package (PathElement ordering, Set algebra, `f:`/`k:`/`v:`/`i:` serialisation, the
// `.spec.containers[name="x"].image` strings used in conflict messages).

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly (readonly [string, JsonValue])[] }
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'index'; readonly index: number };

export type FieldPath = readonly PathElement[];

export const fieldElement = (name: string): PathElement => ({ kind: 'field', name });

/** An associative-list key; fields are kept sorted by name as SMD does. */
export function keyElement(fields: Iterable<readonly [string, JsonValue]>): PathElement {
  return { kind: 'key', fields: [...fields].sort((a, b) => compareStrings(a[0], b[0])) };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function valueRank(value: JsonValue): number {
  if (typeof value === 'number') return 0;
  if (typeof value === 'string') return 1;
  if (typeof value === 'boolean') return 2;
  if (Array.isArray(value)) return 3;
  if (value !== null && typeof value === 'object') return 4;
  return 5;
}

/** SMD's total order over values: numbers, strings, booleans, lists, maps, null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return compareStrings(a as string, b as string);
    case 2:
      return a === b ? 0 : a === false ? -1 : 1;
    case 3: {
      const la = a as JsonValue[];
      const lb = b as JsonValue[];
      for (let i = 0; ; i++) {
        if (i >= la.length && i >= lb.length) return 0;
        if (i >= la.length) return -1;
        if (i >= lb.length) return 1;
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
    }
    case 4: {
      const ma = a as Record<string, JsonValue>;
      const mb = b as Record<string, JsonValue>;
      const keys = [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort(compareStrings);
      const la = Object.keys(ma).length;
      const lb = Object.keys(mb).length;
      let i = 0;
      for (const key of keys) {
        let c: number;
        if (i === la) c = -1;
        else if (i === lb) c = 1;
        else if (!(key in ma)) c = 1;
        else if (!(key in mb)) c = -1;
        else c = compareValues(ma[key], mb[key]);
        i++;
        if (c !== 0) return c;
      }
      return 0;
    }
    default:
      return 0;
  }
}

const KIND_RANK = { field: 0, key: 1, value: 2, index: 3 } as const;

export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_RANK[a.kind] < KIND_RANK[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key': {
      const fa = a.fields;
      const fb = (b as typeof a).fields;
      for (let i = 0; ; i++) {
        if (i >= fa.length && i >= fb.length) return 0;
        if (i >= fa.length) return -1;
        if (i >= fb.length) return 1;
        const c = compareStrings(fa[i][0], fb[i][0]) || compareValues(fa[i][1], fb[i][1]);
        if (c !== 0) return c;
      }
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index < (b as typeof a).index ? -1 : a.index > (b as typeof a).index ? 1 : 0;
  }
}

/** Go's `%v` of a value as SMD prints it inside path strings. */
export function valueToString(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return goFloatString(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(valueToString).join(',')}]`;
  return Object.entries(value)
    .map(([k, v]) => `${k}=${valueToString(v)}`)
    .join('');
}

function goFloatString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

export function pathElementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([name, value]) => `${name}=${valueToString(value)}`).join(',')}]`;
    case 'value':
      return `[=${valueToString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** `.spec.template.spec.containers[name="istio-proxy"].image` */
export function pathString(path: FieldPath): string {
  return path.map(pathElementString).join('');
}

/** Go's encoding/json escapes these even inside strings it writes; SMD's keys follow it. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function serializePathElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([name, value]) => `${goJson(name)}:${goJson(value)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

export class FieldsV1Error extends Error {}

/** undefined for a prefix SMD does not know (it skips those entries). */
export function deserializePathElement(text: string): PathElement | undefined {
  if (text.length < 2 || text[1] !== ':') throw new FieldsV1Error(`missing colon: ${text}`);
  const rest = text.slice(2);
  switch (text[0]) {
    case 'f':
      return { kind: 'field', name: rest };
    case 'v':
      return { kind: 'value', value: parseJson(rest) };
    case 'k': {
      const parsed = parseJson(rest);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new FieldsV1Error(`invalid key: ${text}`);
      return keyElement(Object.entries(parsed));
    }
    case 'i': {
      if (!/^-?\d+$/.test(rest)) throw new FieldsV1Error(`invalid index: ${text}`);
      return { kind: 'index', index: Number(rest) };
    }
    default:
      return undefined;
  }
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new FieldsV1Error(`parsing key as path element: ${(error as Error).message}`);
  }
}

function search<T>(items: readonly T[], pe: PathElement, elementOf: (item: T) => PathElement): [number, boolean] {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comparePathElements(elementOf(items[mid]), pe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return [lo, lo < items.length && comparePathElements(elementOf(items[lo]), pe) === 0];
}

const self = (pe: PathElement): PathElement => pe;

export interface SetNode {
  readonly element: PathElement;
  readonly set: FieldSet;
}

const nodeElement = (node: SetNode): PathElement => node.element;

/** A set of field paths as a trie: members end here, children continue. Immutable except `insert`. */
export class FieldSet {
  private readonly members: PathElement[];
  private readonly children: SetNode[];

  constructor(members: PathElement[] = [], children: SetNode[] = []) {
    this.members = members;
    this.children = children;
  }

  static of(...paths: FieldPath[]): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  insert(path: FieldPath): void {
    if (path.length === 0) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking down the trie
    let set: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) set = set.descend(path[i]);
    const [at, found] = search(set.members, path[path.length - 1], self);
    if (!found) set.members.splice(at, 0, path[path.length - 1]);
  }

  private descend(pe: PathElement): FieldSet {
    const [at, found] = search(this.children, pe, nodeElement);
    if (found) return this.children[at].set;
    const child = new FieldSet();
    this.children.splice(at, 0, { element: pe, set: child });
    return child;
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    let set: FieldSet | undefined = this as FieldSet;
    for (let i = 0; i < path.length - 1 && set; i++) set = set.child(path[i]);
    return set ? search(set.members, path[path.length - 1], self)[1] : false;
  }

  hasMember(pe: PathElement): boolean {
    return search(this.members, pe, self)[1];
  }

  child(pe: PathElement): FieldSet | undefined {
    const [at, found] = search(this.children, pe, nodeElement);
    return found ? this.children[at].set : undefined;
  }

  /** The subset under `pe`, empty when there is none. */
  withPrefix(pe: PathElement): FieldSet {
    return this.child(pe) ?? new FieldSet();
  }

  isEmpty(): boolean {
    return this.members.length === 0 && this.children.every((node) => node.set.isEmpty());
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet(
      mergeMembers(this.members, other.members, 'union'),
      mergeNodes(this.children, other.children, 'union', (a, b) => a.union(b)),
    );
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(
      mergeMembers(this.members, other.members, 'intersection'),
      mergeNodes(this.children, other.children, 'intersection', (a, b) => a.intersection(b)),
    );
  }

  /** Removes paths of `other`; a member of `other` does not remove what lies beneath it. */
  difference(other: FieldSet): FieldSet {
    return new FieldSet(
      mergeMembers(this.members, other.members, 'difference'),
      mergeNodes(this.children, other.children, 'difference', (a, b) => a.difference(b)),
    );
  }

  /** Like `difference`, but a member of `other` also removes everything beneath it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const children: SetNode[] = [];
    for (const node of this.children) {
      if (other.hasMember(node.element)) continue;
      const theirs = other.child(node.element);
      const diff = theirs ? node.set.recursiveDifference(theirs) : node.set;
      if (!diff.isEmpty()) children.push({ element: node.element, set: diff });
    }
    return new FieldSet(mergeMembers(this.members, other.members, 'difference'), children);
  }

  /** Calls `fn` for every path, members before children, each in order. */
  iterate(fn: (path: FieldPath) => void, prefix: PathElement[] = []): void {
    for (const pe of this.members) fn([...prefix, pe]);
    for (const node of this.children) node.set.iterate(fn, [...prefix, node.element]);
  }

  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    this.iterate((path) => out.push(path));
    return out;
  }

  /** Members, in order (read-only view). */
  memberElements(): readonly PathElement[] {
    return this.members;
  }

  /** Children, in order (read-only view). */
  childNodes(): readonly SetNode[] {
    return this.children;
  }

  /** Builds a set from already-sorted parts (used by schema-aware rewrites). */
  static fromParts(members: PathElement[], children: SetNode[]): FieldSet {
    return new FieldSet(members, children);
  }

  /** The FieldsV1 object: `{"f:spec": {"f:replicas": {}}, ".": {}}`, keys in SMD's order. */
  toFieldsV1(): Record<string, unknown> {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (includeSelf && (this.members.length > 0 || this.children.length > 0)) out['.'] = {};
    let mi = 0;
    let ci = 0;
    while (mi < this.members.length || ci < this.children.length) {
      const member = this.members[mi];
      const node = this.children[ci];
      const c = member === undefined ? 1 : node === undefined ? -1 : comparePathElements(member, node.element);
      if (c < 0) {
        out[serializePathElement(member)] = {};
        mi++;
      } else if (c > 0) {
        out[serializePathElement(node.element)] = node.set.emit(false);
        ci++;
      } else {
        out[serializePathElement(node.element)] = node.set.emit(true);
        mi++;
        ci++;
      }
    }
    return out;
  }

  /** Parses a FieldsV1 object; throws FieldsV1Error for what SMD rejects. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (fields === undefined || fields === null) return new FieldSet();
    if (typeof fields !== 'object' || Array.isArray(fields)) throw new FieldsV1Error('FieldsV1 must be an object');
    return readFields(fields as Record<string, unknown>).children ?? new FieldSet();
  }
}

function readFields(object: Record<string, unknown>): { children?: FieldSet; isMember: boolean } {
  let children: FieldSet | undefined;
  let isMember = false;
  for (const [key, value] of Object.entries(object)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    const pe = deserializePathElement(key);
    if (!pe) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new FieldsV1Error(`invalid FieldsV1 value at ${key}`);
    const grand = readFields(value as Record<string, unknown>);
    children ??= new FieldSet();
    if (grand.isMember) children.insert([pe]);
    if (grand.children) {
      grand.children.iterate((path) => children!.insert([pe, ...path]));
    }
  }
  if (!children) isMember = true;
  return { children, isMember };
}

type MergeMode = 'union' | 'intersection' | 'difference';

/**
 * Walks two sorted lists together: an element only `a` has is kept unless intersecting, one only `b`
 * has only in a union, and `both` makes what stands for an element of each (undefined: nothing).
 */
function mergeSorted<T>(
  a: readonly T[],
  b: readonly T[],
  elementOf: (item: T) => PathElement,
  mode: MergeMode,
  both: (x: T, y: T) => T | undefined,
): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = comparePathElements(elementOf(a[i]), elementOf(b[j]));
    if (c < 0) {
      if (mode !== 'intersection') out.push(a[i]);
      i++;
    } else if (c > 0) {
      if (mode === 'union') out.push(b[j]);
      j++;
    } else {
      const merged = both(a[i], b[j]);
      if (merged !== undefined) out.push(merged);
      i++;
      j++;
    }
  }
  if (mode !== 'intersection') out.push(...a.slice(i));
  if (mode === 'union') out.push(...b.slice(j));
  return out;
}

function mergeMembers(a: readonly PathElement[], b: readonly PathElement[], mode: MergeMode): PathElement[] {
  return mergeSorted(a, b, self, mode, (x) => (mode === 'difference' ? undefined : x));
}

/** Children of both sets are combined; a combination left empty is dropped unless in a union. */
function mergeNodes(
  a: readonly SetNode[],
  b: readonly SetNode[],
  mode: MergeMode,
  combine: (x: FieldSet, y: FieldSet) => FieldSet,
): SetNode[] {
  return mergeSorted(
    a,
    b,
    (node) => node.element,
    mode,
    (x, y) => {
      const set = combine(x.set, y.set);
      return mode === 'union' || !set.isEmpty() ? { element: x.element, set } : undefined;
    },
  );
}
