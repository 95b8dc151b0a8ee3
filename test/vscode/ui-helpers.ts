// Helpers for extension-host tests: ask the browser launcher for a screenshot or whether the
// workbench shows a text. Desktop VS Code runs have no launcher; the helpers say so.
export async function screenshot(name: string): Promise<string | undefined> {
  const url = process.env.ISTIO_LAB_SCREENSHOT_URL;
  if (!url) return undefined;
  const response = await fetch(`${url}?name=${encodeURIComponent(name)}`, { method: 'POST' });
  if (!response.ok) throw new Error(`screenshot ${name} failed: ${await response.text()}`);
  return response.text();
}

/** Waits until the workbench page shows `text` (in any frame), or gives up after `timeoutMs`. */
export async function workbenchShows(text: string, timeoutMs = 15_000): Promise<boolean | undefined> {
  const url = process.env.ISTIO_LAB_SCREENSHOT_URL;
  if (!url) return undefined;
  const query = new URL(url.replace(/\/screenshot$/, '/shows'));
  query.searchParams.set('text', text);
  query.searchParams.set('timeoutMs', String(timeoutMs));
  const response = await fetch(query, { method: 'POST' });
  if (!response.ok) throw new Error(`looking for "${text}" failed: ${await response.text()}`);
  return (await response.json()) as boolean;
}

/** One row of a tree view as the workbench renders it: depth from 1, label and description. */
export interface TreeRow {
  readonly level: number;
  readonly label: string;
  readonly description: string;
}

/** The rows the view titled `view` renders now, top to bottom (only those in its viewport). */
export async function treeRows(view: string): Promise<TreeRow[] | undefined> {
  const url = process.env.ISTIO_LAB_SCREENSHOT_URL;
  if (!url) return undefined;
  const query = new URL(url.replace(/\/screenshot$/, '/rows'));
  query.searchParams.set('view', view);
  const response = await fetch(query, { method: 'POST' });
  if (!response.ok) throw new Error(`reading the rows of ${view} failed: ${await response.text()}`);
  return (await response.json()) as TreeRow[];
}
