// The sandbox's public entry: start a simulated Kubernetes API server with its controllers, and the
// types and fault schema its users pass in. Everything else under src/sandbox is internal (see
// README.md); cli.ts is the same entry as a process (`dist/sandbox.js`).
export type { Sandbox, SandboxOptions } from './cluster/sandbox';
export { DEFAULT_KUBE_VERSION, kubeconfigYaml, SANDBOX_CONTEXT, startSandbox } from './cluster/sandbox';
export type { FaultConfig } from './faults/faults';
export type { KubeObject } from './apimachinery/kube-object';
