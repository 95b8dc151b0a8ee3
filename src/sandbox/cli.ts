// `npm run sandbox -- [--port N] [--kubeconfig FILE [--force]] [--state DIR] [--kube-version v1.13.7]
//   [--faults FILE] [--nodes 3] [--speed 1] [--no-load-balancer]` (`--nodes 0`: a bare API server;
//   `--speed 0`: pods start at once; `--no-load-balancer`: LoadBalancer Services stay `<pending>`). An existing kubeconfig FILE gets the sandbox's context merged in, others kept; `--force`
//   replaces a FILE that is not a kubeconfig.
// Prints `ready <url>` once it serves; stops cleanly on SIGINT/SIGTERM.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { FaultConfig } from './index';
import { DEFAULT_KUBE_VERSION, SANDBOX_CONTEXT, startSandbox } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      kubeconfig: { type: 'string' },
      force: { type: 'boolean', default: false },
      state: { type: 'string' },
      'kube-version': { type: 'string', default: DEFAULT_KUBE_VERSION },
      faults: { type: 'string' },
      nodes: { type: 'string', default: '3' },
      speed: { type: 'string', default: '1' },
      'no-load-balancer': { type: 'boolean', default: false },
    },
    strict: true,
  });
  let faults: FaultConfig | undefined;
  if (values.faults) {
    try {
      faults = JSON.parse(fs.readFileSync(values.faults, 'utf8')) as FaultConfig;
    } catch (error) {
      throw new Error(
        `cannot read the fault file ${values.faults}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  const nodes = Number(values.nodes);
  const speed = Number(values.speed);
  if (!Number.isInteger(nodes) || nodes < 0)
    throw new Error(`--nodes must be a whole number, 0 or more (got ${values.nodes})`);
  if (!Number.isFinite(speed) || speed < 0)
    throw new Error(`--speed must be a number, 0 or more (got ${values.speed})`);
  const kubeconfigPath = path.resolve(
    values.kubeconfig ?? (values.state ? path.join(values.state, 'kubeconfig') : 'sandbox.kubeconfig'),
  );
  const sandbox = await startSandbox({
    port: Number(values.port),
    kubeVersion: values['kube-version'],
    stateDir: values.state,
    kubeconfigPath,
    forceKubeconfig: values.force,
    faults,
    nodes,
    speed,
    loadBalancers: !values['no-load-balancer'],
  });
  // One write: whoever waits for `ready` sees the lines about the kubeconfig with it.
  const lines = [`ready ${sandbox.url}`, `kubeconfig ${kubeconfigPath}`];
  const current = sandbox.kubeconfigFile?.currentContext;
  if (current !== undefined && current !== SANDBOX_CONTEXT) {
    lines.push(
      `context ${SANDBOX_CONTEXT} added; the current context stays ${JSON.stringify(current)} (kubectl --context ${SANDBOX_CONTEXT} …)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
