// Which Istio release runs, read from the image tags of Istio's own images (pilot, proxyv2, mixer…),
// as `istioctl version` reads the control plane's: docker.io/istio/pilot:1.2.2 → 1.2.2.

/** Repositories (last path segment) that Istio releases tag with their version. */
const ISTIO_IMAGES = new Set([
  'pilot',
  'proxyv2',
  'proxy_init',
  'mixer',
  'citadel',
  'galley',
  'sidecar_injector',
  'node-agent-k8s',
  'kubectl',
  'operator',
  'install-cni',
  'ztunnel',
]);

/** `1.2.2`, `1.26.1-distroless` → `1.26.1`; anything else (latest, a digest) tells nothing. */
function versionOfTag(tag: string): string | undefined {
  return /^v?(\d+\.\d+(?:\.\d+)?(?:-(?:alpha|beta|rc)\.?\d+)?)(?:-distroless|-debug)?$/.exec(tag)?.[1];
}

/** The Istio version an image stands for, when it is one of Istio's images (`istio/…` or `istio-release/…`). */
export function istioVersionOfImage(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const repository = withoutDigest.slice(0, colon);
  const segments = repository.split('/');
  const name = segments[segments.length - 1];
  const owner = segments[segments.length - 2] ?? '';
  if (!ISTIO_IMAGES.has(name) || !owner.startsWith('istio')) return undefined;
  return versionOfTag(withoutDigest.slice(colon + 1));
}

/** The Istio versions the pods run, most common first (two during an upgrade or with revisions). */
export function istioVersions(
  pods: readonly { readonly containers: readonly { readonly image: string }[] }[],
): string[] {
  const counts = new Map<string, number>();
  for (const pod of pods) {
    for (const container of pod.containers) {
      const version = istioVersionOfImage(container.image);
      if (version) counts.set(version, (counts.get(version) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).map(([version]) => version);
}
