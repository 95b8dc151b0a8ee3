// Label and field selectors as the API server parses them (k8s.io/apimachinery/pkg/labels,
// pkg/fields): `a=b,c!=d,e in (x,y),f notin (z),g,!h` and `metadata.name=x,status.phase!=Running`.
import type { KubeObject } from './kube-object';

export class SelectorError extends Error {}

type Requirement = { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key))
    throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${selector}"`);
  return key;
}

export function parseLabelSelector(selector: string | undefined | null): LabelSelector {
  if (!selector || !selector.trim()) return () => true;
  const requirements: Requirement[] = splitTopLevel(selector).map((part) => {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set) {
      const values = set[3]
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean);
      return { key: checkKey(set[1], selector), op: set[2] as 'in' | 'notin', values };
    }
    const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (equality) {
      const op = equality[2] === '!=' ? 'notin' : 'in';
      return { key: checkKey(equality[1], selector), op, values: [equality[3]] };
    }
    if (part.startsWith('!')) return { key: checkKey(part.slice(1).trim(), selector), op: '!exists' };
    return { key: checkKey(part, selector), op: 'exists' };
  });
  return (labels) =>
    requirements.every((requirement) => {
      const present = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, requirement.key);
      switch (requirement.op) {
        case 'exists':
          return present;
        case '!exists':
          return !present;
        case 'in':
          return present && requirement.values.includes(labels[requirement.key]);
        case 'notin':
          return !present || !requirement.values.includes(labels[requirement.key]);
      }
    });
}

export type FieldSelector = (object: KubeObject) => boolean;

function fieldValue(object: KubeObject, path: string): string {
  let value: unknown = object;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null) return '';
    value = (value as Record<string, unknown>)[segment];
  }
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Field selectors; `supported` lists the fields the resource accepts (others are a 400, as on a real server). */
export function parseFieldSelector(selector: string | undefined | null, supported?: readonly string[]): FieldSelector {
  if (!selector || !selector.trim()) return () => true;
  const terms = splitTopLevel(selector).map((part) => {
    const match = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = match[1];
    if (supported && !supported.includes(field)) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return { field, negate: match[2] === '!=', value: match[3] };
  });
  return (object) => terms.every((term) => (fieldValue(object, term.field) === term.value) !== term.negate);
}
