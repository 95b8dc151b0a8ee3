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
