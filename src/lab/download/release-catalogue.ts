// The release catalogue as the lab shows it: the GitHub release list when it answers within a
// short timeout, merged over the built-in list; the built-in list alone when offline.
import type { IstioRelease } from '../../istio/releases/catalogue';
import { builtinCatalogue } from '../../istio/releases/catalogue';
import { GITHUB_RELEASES_API, mergeCatalogue, parseGitHubReleases } from '../../istio/releases/release-list';
import type { ProxySettings } from './http-get';
import { httpGet } from './http-get';

export interface CatalogueOptions {
  /** The release list (GitHub API shape); default the istio/istio list on api.github.com. */
  readonly url?: string;
  readonly proxy?: ProxySettings;
  readonly ca?: string;
  /** Gives up on the list after this long (default 3 s): a picker must not wait on a slow network. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface Catalogue {
  readonly releases: IstioRelease[];
  readonly source: 'online' | 'builtin';
  /** Why the online list was not used, when it was not. */
  readonly offlineReason?: string;
}

const MAX_LIST_BYTES = 8 * 1024 * 1024;

export async function loadReleaseCatalogue(options: CatalogueOptions = {}): Promise<Catalogue> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 3000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await httpGet(options.url ?? GITHUB_RELEASES_API, {
      signal,
      proxy: options.proxy,
      ca: options.ca,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_LIST_BYTES) throw new Error('the release list is larger than expected');
      chunks.push(chunk as Buffer);
    }
    const online = parseGitHubReleases(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    return { releases: mergeCatalogue(builtinCatalogue(), online), source: 'online' };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const reason = timeout.aborted
      ? `no answer within ${options.timeoutMs ?? 3000} ms`
      : error instanceof Error
        ? error.message
        : String(error);
    return { releases: builtinCatalogue(), source: 'builtin', offlineReason: reason };
  }
}

/**
 * How a shown release list takes a fresher one without moving any row the learner may be about
 * to click: the versions already shown keep their places (with the fresher facts), and versions
 * new in `fresh` come after them, newest first.
 */
export function refreshInPlace(
  shown: readonly IstioRelease[],
  fresh: readonly IstioRelease[],
): { kept: IstioRelease[]; added: IstioRelease[] } {
  const byVersion = new Map(fresh.map((release) => [release.version, release]));
  const shownVersions = new Set(shown.map((release) => release.version));
  return {
    kept: shown.map((release) => byVersion.get(release.version) ?? release),
    added: fresh.filter((release) => !shownVersions.has(release.version)),
  };
}
