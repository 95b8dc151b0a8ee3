// The entry of dist/kube.js: the Kubernetes client bundled on its own, so the extension bundle
// stays small and activation does not parse ~3.4 MB it may never use. esbuild.js points the
// extension bundle's `import('@kubernetes/client-node')` (connection.ts kubernetesClient()) here.
export * from '@kubernetes/client-node';
