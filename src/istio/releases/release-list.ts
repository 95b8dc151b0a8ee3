// The GitHub release list of istio/istio (`GET /repos/istio/istio/releases`) read into catalogue
// entries, and merged over the built-in catalogue: online data adds patch releases and exact
// dates; the built-in list keeps old lines the newest page no longer reaches.
import type { IstioRelease } from './catalogue';
import { isReleaseVersion, kubernetesRangeOf, sortNewestFirst } from './catalogue';

export const GITHUB_RELEASES_API = 'https://api.github.com/repos/istio/istio/releases?per_page=100';

interface GitHubRelease {
  readonly tag_name?: unknown;
  readonly published_at?: unknown;
  readonly prerelease?: unknown;
  readonly draft?: unknown;
}

/** Releases from the API's JSON; entries that are not published releases with a version tag are skipped. */
export function parseGitHubReleases(json: unknown): IstioRelease[] {
  if (!Array.isArray(json)) throw new Error('the release list is not a JSON array');
  return (json as GitHubRelease[]).flatMap((entry) => {
    if (entry === null || typeof entry !== 'object' || entry.draft === true) return [];
    const version = typeof entry.tag_name === 'string' ? entry.tag_name : '';
    if (!isReleaseVersion(version)) return [];
    const date =
      typeof entry.published_at === 'string' ? /^\d{4}-\d{2}-\d{2}/.exec(entry.published_at)?.[0] : undefined;
    return [
      { version, date, kubernetes: kubernetesRangeOf(version), prerelease: entry.prerelease === true || undefined },
    ];
  });
}

export function mergeCatalogue(builtin: readonly IstioRelease[], online: readonly IstioRelease[]): IstioRelease[] {
  const merged = new Map(builtin.map((release) => [release.version, release]));
  for (const release of online) {
    const known = merged.get(release.version);
    merged.set(release.version, {
      ...known,
      ...release,
      date: release.date ?? known?.date,
      kubernetes: release.kubernetes ?? known?.kubernetes,
    });
  }
  return sortNewestFirst([...merged.values()]);
}
