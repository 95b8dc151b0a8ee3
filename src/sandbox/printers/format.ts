// The small formatting helpers printers.go leans on: labels.FormatLabels, metav1.FormatLabelSelector,
// layoutContainerCells, "+ N more..." lists and printBoolPtr.
import { asArray, asObject, asObjects, asString, isObject, stringMap } from './values';

/** labels.FormatLabels: `k=v` sorted by key, `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  const map = stringMap(labels);
  const text = Object.keys(map)
    .sort()
    .map((key) => `${key}=${map[key]}`)
    .join(',');
  return text || '<none>';
}

interface Requirement {
  key: string;
  text: string;
}

/**
 * labels.Selector.String() of metav1.LabelSelectorAsSelector: requirements sorted by key, values of
 * `in`/`notin` sorted. Undefined when the selector is invalid (what Go reports as an error).
 * A nil or empty selector prints as "".
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (!isObject(selector)) return '';
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(stringMap(selector.matchLabels)))
    requirements.push({ key, text: `${key}=${value}` });
  for (const expression of asObjects(selector.matchExpressions)) {
    const key = asString(expression.key);
    const values = asArray(expression.values).map((value) => asString(value));
    const sorted = [...values].sort().join(',');
    switch (expression.operator) {
      case 'In':
        if (!values.length) return undefined;
        requirements.push({ key, text: `${key} in (${sorted})` });
        break;
      case 'NotIn':
        if (!values.length) return undefined;
        requirements.push({ key, text: `${key} notin (${sorted})` });
        break;
      case 'Exists':
        if (values.length) return undefined;
        requirements.push({ key, text: key });
        break;
      case 'DoesNotExist':
        if (values.length) return undefined;
        requirements.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  return requirements
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((requirement) => requirement.text)
    .join(',');
}

/** metav1.FormatLabelSelector: `<error>` when invalid, `<none>` when it selects nothing in particular. */
export function formatLabelSelector(selector: unknown): string {
  const text = labelSelectorString(selector);
  if (text === undefined) return '<error>';
  return text || '<none>';
}

/** layoutContainerCells: names and images, comma-separated. */
export function layoutContainerCells(containers: unknown): [string, string] {
  const list = asObjects(containers);
  return [
    list.map((container) => asString(container.name)).join(','),
    list.map((container) => asString(container.image)).join(','),
  ];
}

/** The containers of a workload's pod template. */
export function templateContainers(spec: unknown): unknown {
  return asObject(asObject(asObject(spec).template).spec).containers;
}

/** listWithMoreString: the first `max` items, then "+ N more...", `<unset>` when empty. */
export function listWithMore(items: string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown || '<unset>';
}

/** printBoolPtr: "True", "False", or "<unset>" — a string cell even though the column says boolean. */
export function printBoolPtr(value: unknown): string {
  if (typeof value !== 'boolean') return '<unset>';
  return value ? 'True' : 'False';
}

/** sets.NewString(...).List(): sorted and without duplicates. */
export function sortedSet(values: string[]): string[] {
  return [...new Set(values)].sort();
}
