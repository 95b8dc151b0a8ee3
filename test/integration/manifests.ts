// Manifests several integration suites apply, written in one place: a one-container Deployment
// labelled `app: <name>`, with the options the suites vary (namespace, image, count, grace, port).

export interface DeploymentManifest {
  name: string;
  namespace: string;
  image: string;
  /** The container's name; `web` unless told. */
  container?: string;
  /** The count; 1 unless told. */
  replicas?: number;
  /** The key the count stands under: `replicas`, or a misspelling for the validation tests. */
  replicasKey?: string;
  terminationGracePeriodSeconds?: number;
  containerPort?: number;
}

/** The Deployment as YAML, for `kubectl create -f -`. */
export function deploymentYaml(deployment: DeploymentManifest): string {
  const { name, terminationGracePeriodSeconds: grace, containerPort: port } = deployment;
  const podSpec = [
    ...(grace === undefined ? [] : [`terminationGracePeriodSeconds: ${grace}`]),
    'containers:',
    `- name: ${deployment.container ?? 'web'}`,
    `  image: ${deployment.image}`,
    ...(port === undefined ? [] : ['  ports:', `  - containerPort: ${port}`]),
  ];
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${deployment.namespace}
spec:
  ${deployment.replicasKey ?? 'replicas'}: ${deployment.replicas ?? 1}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
${podSpec.map((line) => `      ${line}\n`).join('')}`;
}
