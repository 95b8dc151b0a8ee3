// `pods/log`: what a simulated container "printed". The lines are made plainly from the pod
// object (image, command, args, ports) and say they are simulated; the errors are the kubelet's.
import type { KubeObject } from '../apimachinery/kube-object';
import { queryFlag } from '../apimachinery/query-flags';
import { badRequest } from '../apimachinery/status-error';

interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { running?: { startedAt?: string }; waiting?: { reason?: string }; terminated?: ContainerRun };
  lastState?: { terminated?: ContainerRun };
}

/** One run of a container: the one whose log is read. */
interface ContainerRun {
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
}

export interface PodLogOptions {
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  previous?: boolean;
}

export interface LogLine {
  time: string;
  text: string;
}

/** The log options of a request, with the apiserver's validation messages. */
export function podLogOptions(query: URLSearchParams): PodLogOptions {
  const number = (name: string): number | undefined => {
    const value = query.get(name);
    if (value === null) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw badRequest(`${name}: Invalid value: "${value}": must be an integer`);
    return parsed;
  };
  const tailLines = number('tailLines');
  const sinceSeconds = number('sinceSeconds');
  if (tailLines !== undefined && tailLines < 0)
    throw badRequest(
      `PodLogOptions "" is invalid: tailLines: Invalid value: ${tailLines}: must be greater than or equal to 0`,
    );
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    throw badRequest(
      `PodLogOptions "" is invalid: sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`,
    );
  return {
    container: query.get('container') ?? undefined,
    tailLines,
    sinceSeconds,
    timestamps: queryFlag(query, 'timestamps'),
    previous: queryFlag(query, 'previous'),
  };
}

/** The container whose log is asked for, or the kubelet's 400 when it cannot be told or has not started. */
export function logContainer(
  pod: KubeObject,
  options: PodLogOptions,
): { container: Container; status: ContainerStatus | undefined; run: ContainerRun } {
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const podName = pod.metadata.name!;
  let container: Container | undefined;
  if (options.container) {
    container = containers.find((candidate) => candidate.name === options.container);
    if (!container) throw badRequest(`container ${options.container} is not valid for pod ${podName}`);
  } else {
    const main = spec.containers ?? [];
    if (main.length !== 1)
      throw badRequest(
        `a container name must be specified for pod ${podName}, choose one of: [${main.map((c) => c.name).join(' ')}]`,
      );
    container = main[0];
  }
  const statuses =
    (pod.status as { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] } | undefined) ??
    {};
  const status = [...(statuses.initContainerStatuses ?? []), ...(statuses.containerStatuses ?? [])].find(
    (candidate) => candidate.name === container!.name,
  );
  if (options.previous && !(status?.restartCount ?? 0)) {
    throw badRequest(`previous terminated container "${container.name}" in pod "${podName}" not found`);
  }
  // A container waiting to restart (CrashLoopBackOff) still has its dead run, whose log the kubelet reads.
  const run = options.previous
    ? status?.lastState?.terminated
    : (status?.state?.running ??
      status?.state?.terminated ??
      (status?.state?.waiting ? status.lastState?.terminated : undefined));
  if (!run?.startedAt) {
    const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
    throw badRequest(`container "${container.name}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  return { container, status, run };
}

/** The lines a simulated container printed since it started (with what a command it ran printed), filtered by tailLines and sinceSeconds. */
export function podLogLines(
  pod: KubeObject,
  options: PodLogOptions,
  now: Date,
  printedBy: (container: string) => readonly LogLine[] = () => [],
  /** What a crash-looping container (the crashLoop fault) prints on each run before it exits. */
  crashLog: (container: string) => readonly string[] = () => [],
  /** What the container's own command printed on a run that ended (container-exit.ts). */
  runOutput: (container: string) => readonly string[] = () => [],
): LogLine[] {
  const { container, status, run } = logContainer(pod, options);
  const started = run.startedAt!;
  const lines = [
    `Istio Lab sandbox: simulated container "${container.name}" of pod ${pod.metadata.namespace}/${pod.metadata.name} (no real process runs)`,
    `image ${container.image ?? '<none>'}`,
  ];
  if (container.command?.length) lines.push(`command ${container.command.join(' ')}`);
  if (container.args?.length) lines.push(`args ${container.args.join(' ')}`);
  for (const port of container.ports ?? [])
    lines.push(`listening on ${port.protocol ?? 'TCP'} :${port.containerPort}${port.name ? ` (${port.name})` : ''}`);
  lines.push(...crashLog(container.name));
  const printed = run.finishedAt ? runOutput(container.name).map((text) => ({ time: run.finishedAt!, text })) : [];
  let result = [...lines.map((text) => ({ time: started, text })), ...printedBy(container.name), ...printed];
  if (run.finishedAt)
    result.push({ time: run.finishedAt, text: `exited with code ${run.exitCode ?? 0} (${run.reason ?? 'Completed'})` });
  else if (status?.ready) result.push({ time: started, text: 'ready' });
  if (options.sinceSeconds !== undefined) {
    const since = now.getTime() - options.sinceSeconds * 1000;
    result = result.filter((line) => Date.parse(line.time) >= since);
  }
  if (options.tailLines !== undefined) result = options.tailLines === 0 ? [] : result.slice(-options.tailLines);
  return result;
}

export function formatLogLine(line: LogLine, timestamps: boolean | undefined): string {
  return `${timestamps ? `${new Date(line.time).toISOString().replace('.000Z', '.000000000Z')} ` : ''}${line.text}\n`;
}
