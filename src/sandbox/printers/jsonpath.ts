// The JSONPath that CRD additionalPrinterColumns use, as k8s.io/client-go/util/jsonpath parses and
// evaluates it with AllowMissingKeys(true): fields (with `\.` escapes), ['key'], [n], [a:b:c], [*],
// .*, .., unions [a,b] and filters [?(@.x == "y")]. Errors are thrown; the caller prints <none>.

type Literal = { kind: 'literal'; value: string | number | boolean; isFloat: boolean };

export type PathNode =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'array'; start?: number; end?: number; endDerived: boolean; step?: number }
  | { kind: 'union'; branches: PathNode[][] }
  | { kind: 'filter'; left: PathNode[]; operator: string; right: PathNode[] }
  | Literal;

export class JSONPathError extends Error {}

const TERMINATORS = new Set([' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}']);
const SLICE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const DICT_KEY = /^'([^']*)'$/;
const FILTER = /^([^!<>=]+)([!<>=]+)(.+?)$/;

/** Parses what goes between `{` and `}`: `.spec.hosts`, `.status.conditions[?(@.type=="Ready")].status`. */
export function parseJSONPath(text: string): PathNode[] {
  const nodes: PathNode[] = [];
  let pos = 0;
  while (pos < text.length) {
    const rest = text.slice(pos);
    if (rest.startsWith('[?(')) {
      pos = parseFilter(text, pos + 3, nodes);
      continue;
    }
    if (rest.startsWith('..')) {
      nodes.push({ kind: 'recursive' });
      pos += 2;
      if (pos < text.length && !TERMINATORS.has(text[pos])) pos = parseField(text, pos, nodes);
      continue;
    }
    const char = text[pos];
    if (char === ' ' || char === '@' || char === '$') {
      pos++;
    } else if (char === '.') {
      pos = parseField(text, pos + 1, nodes);
    } else if (char === '[') {
      pos = parseArray(text, pos, nodes);
    } else if (char === '"' || char === "'") {
      const close = text.indexOf(char, pos + 1);
      if (close < 0) throw new JSONPathError('unterminated quoted string');
      nodes.push({ kind: 'literal', value: text.slice(pos + 1, close), isFloat: false });
      pos = close + 1;
    } else if (/[-+\d]/.test(char)) {
      const match = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(rest);
      if (!match) throw new JSONPathError(`cannot parse number ${rest}`);
      nodes.push({ kind: 'literal', value: Number(match[0]), isFloat: !!match[1] || !!match[2] });
      pos += match[0].length;
    } else if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)![0];
      if (word !== 'true' && word !== 'false') throw new JSONPathError(`unrecognized identifier ${word}`);
      nodes.push({ kind: 'literal', value: word === 'true', isFloat: false });
      pos += word.length;
    } else {
      throw new JSONPathError(`unrecognized character in action: ${char}`);
    }
  }
  return nodes;
}

function parseField(text: string, start: number, nodes: PathNode[]): number {
  let pos = start;
  let name = '';
  while (pos < text.length && !TERMINATORS.has(text[pos])) {
    if (text[pos] === '\\' && pos + 1 < text.length) pos++;
    name += text[pos];
    pos++;
  }
  nodes.push(name === '*' ? { kind: 'wildcard' } : { kind: 'field', name });
  return pos;
}

function parseArray(text: string, start: number, nodes: PathNode[]): number {
  const close = text.indexOf(']', start);
  if (close < 0) throw new JSONPathError('unterminated array');
  let inner = text.slice(start + 1, close);
  if (inner === '*') inner = ':';
  const parts = inner.split(',');
  if (parts.length > 1) {
    nodes.push({ kind: 'union', branches: parts.map((part) => parseJSONPath(`[${part.trim()}]`)) });
    return close + 1;
  }
  const key = DICT_KEY.exec(inner);
  if (key) {
    nodes.push(...parseJSONPath(`.${key[1]}`));
    return close + 1;
  }
  const slice = SLICE.exec(inner);
  if (!slice) throw new JSONPathError(`invalid array index ${inner}`);
  const number = (value: string | undefined, colon: boolean): number | undefined => {
    const digits = colon ? value?.slice(1) : value;
    return digits ? Number(digits) : undefined;
  };
  const node: PathNode = {
    kind: 'array',
    start: number(slice[1], false),
    end: number(slice[2], true),
    endDerived: false,
    step: number(slice[3], true),
  };
  if (slice[2] === undefined) {
    // `[n]` means `[n:n+1]`.
    node.end = (node.start ?? 0) + 1;
    node.endDerived = true;
  }
  nodes.push(node);
  return close + 1;
}

function parseFilter(text: string, start: number, nodes: PathNode[]): number {
  let pos = start;
  let opened = false;
  let closed = false;
  let pair = '';
  for (;;) {
    if (pos >= text.length) throw new JSONPathError('unterminated filter');
    const char = text[pos++];
    if (char === '"' || char === "'") {
      if (!opened) {
        opened = true;
        pair = char;
      } else if (text[pos - 2] !== '\\' && char === pair) {
        closed = true;
      }
    } else if (char === ')' && opened === closed) {
      break;
    }
  }
  if (text[pos] !== ']') throw new JSONPathError('unclosed array expect ]');
  const expression = text.slice(start, pos - 1);
  const match = FILTER.exec(expression);
  if (!match) nodes.push({ kind: 'filter', left: parseJSONPath(expression), operator: 'exists', right: [] });
  else
    nodes.push({ kind: 'filter', left: parseJSONPath(match[1]), operator: match[2], right: parseJSONPath(match[3]) });
  return pos + 1;
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Evaluates a parsed path; missing keys yield fewer results, type mismatches throw. */
export function findResults(nodes: PathNode[], data: unknown): unknown[] {
  let current: unknown[] = [data];
  for (const node of nodes) current = evaluate(node, current);
  return current;
}

function evaluate(node: PathNode, input: unknown[]): unknown[] {
  const results: unknown[] = [];
  switch (node.kind) {
    case 'literal':
      return [node.value];
    case 'field':
      for (const value of input)
        if (isMap(value) && Object.prototype.hasOwnProperty.call(value, node.name)) results.push(value[node.name]);
      return results;
    case 'wildcard':
      for (const value of input) {
        if (isMap(value)) results.push(...Object.values(value));
        else if (Array.isArray(value)) results.push(...value);
      }
      return results;
    case 'recursive':
      for (const value of input) collectRecursive(value, results);
      return results;
    case 'union':
      for (const branch of node.branches)
        results.push(...branch.reduce((values, part) => evaluate(part, values), input));
      return results;
    case 'array':
      for (const value of input) {
        if (value === null) continue;
        if (!Array.isArray(value)) throw new JSONPathError(`${typeof value} is not array or slice`);
        results.push(...sliceOf(value, node));
      }
      return results;
    case 'filter':
      for (const value of input) {
        if (value === null) continue;
        if (!Array.isArray(value))
          throw new JSONPathError(`${typeof value} is not array or slice and cannot be filtered`);
        for (const element of value) if (passes(node, element)) results.push(element);
      }
      return results;
  }
}

function collectRecursive(value: unknown, results: unknown[]): void {
  const children = isMap(value) ? Object.values(value) : Array.isArray(value) ? value : [];
  if (!children.length) return;
  results.push(value);
  for (const child of children) collectRecursive(child, results);
}

function sliceOf(list: unknown[], node: Extract<PathNode, { kind: 'array' }>): unknown[] {
  const length = list.length;
  let start = node.start ?? 0;
  if (start < 0) start += length;
  let end = node.end ?? length;
  if (end < 0 || (end === 0 && node.endDerived)) end += length;
  if (end === start) return [];
  if (start >= length || start < 0)
    throw new JSONPathError(`array index out of bounds: index ${start}, length ${length}`);
  if (end > length || end < 0) throw new JSONPathError(`array index out of bounds: index ${end - 1}, length ${length}`);
  if (start > end) throw new JSONPathError(`starting index ${start} is greater than ending index ${end}`);
  const step = node.step ?? 1;
  if (node.step !== undefined && step <= 0) throw new JSONPathError('step must be > 0');
  const result: unknown[] = [];
  for (let i = start; i < end; i += step) result.push(list[i]);
  return result;
}

/** text/template's basic kinds: comparing across kinds is an error, as in Go. */
function kindOf(value: unknown, isFloat = false): 'string' | 'bool' | 'int' | 'float' {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isFloat || !Number.isInteger(value) ? 'float' : 'int';
  throw new JSONPathError('invalid type for comparison');
}

function passes(node: Extract<PathNode, { kind: 'filter' }>, element: unknown): boolean {
  const lefts = findResults(node.left, element);
  if (node.operator === 'exists') return lefts.length > 0;
  if (!lefts.length) return false;
  if (lefts.length > 1) throw new JSONPathError('can only compare one element at a time');
  const rights = findResults(node.right, element);
  if (!rights.length) return false;
  if (rights.length > 1) throw new JSONPathError('can only compare one element at a time');
  const rightLiteral = node.right.length === 1 && node.right[0].kind === 'literal' ? node.right[0] : undefined;
  const left = lefts[0];
  const right = rights[0];
  if (kindOf(left) !== kindOf(right, rightLiteral?.isFloat))
    throw new JSONPathError('incompatible types for comparison');
  switch (node.operator) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
    case '>':
    case '<=':
    case '>=': {
      if (typeof left === 'boolean') throw new JSONPathError('invalid type for comparison');
      const a = left as string | number;
      const b = right as string | number;
      if (node.operator === '<') return a < b;
      if (node.operator === '>') return a > b;
      if (node.operator === '<=') return a <= b;
      return a >= b;
    }
    default:
      throw new JSONPathError(`unrecognized filter operator ${node.operator}`);
  }
}

/** fmt.Fprint of a float64 (`%v`): shortest digits, exponent form below 1e-4 and from 1e6 up. */
export function formatGoFloat(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exp] = value.toExponential().split('e');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 6)
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(value);
}

/** json.Marshal: map keys sorted, <, > and & escaped. */
export function goJSON(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(goJSON).join(',')}]`;
  if (isMap(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${escapeJSON(key)}:${goJSON(value[key])}`)
      .join(',')}}`;
  }
  if (typeof value === 'string') return escapeJSON(value);
  return JSON.stringify(value);
}

const escapeJSON = (text: string): string =>
  JSON.stringify(text).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * JSONPath.PrintResults for one value, as a string column shows it: maps and lists as JSON, scalars
 * as fmt.Fprint prints them, and a present-but-null value as text/template's `<no value>`.
 */
export function printResult(value: unknown): string {
  if (value === null || value === undefined) return '<no value>';
  if (typeof value === 'object') return goJSON(value);
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? value.toFixed(0) : formatGoFloat(value);
  return String(value);
}
