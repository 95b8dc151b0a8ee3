// `pods/exec` and `pods/attach` over WebSocket (v5/v4.channel.k8s.io): the command runs in the
// simulated shell, its stdout and stderr go out on channels 1 and 2, and the kubelet's status on
// channel 3 (`Success`, or `NonZeroExitCode` with the exit code as a cause). A container started
// with stdin (`kubectl run -i`) waits for its first attach to run its command; then it exits with the
// command's code, which the pod's status and `kubectl logs` show.
import type { KubeObject } from '../apimachinery/kube-object';
import { queryFlag } from '../apimachinery/query-flags';
import { badRequest } from '../apimachinery/status-error';
import type { LogLine } from '../subresources/pod-logs';
import type { ShellChunk, ShellResult } from './simulated-shell';
import type { ChannelSocket } from './websocket-channels';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;

export interface StreamOptions {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  stdin?: boolean;
  stdinOnce?: boolean;
}

interface ContainerStatus {
  name: string;
  containerID?: string;
  state?: { running?: { startedAt?: string }; terminated?: unknown };
}

export function streamOptions(query: URLSearchParams): StreamOptions {
  return {
    stdin: queryFlag(query, 'stdin'),
    stdout: queryFlag(query, 'stdout'),
    stderr: queryFlag(query, 'stderr'),
    tty: queryFlag(query, 'tty'),
  };
}

export function podContainers(pod: KubeObject): Container[] {
  return (pod.spec as { containers?: Container[] } | undefined)?.containers ?? [];
}

/** The container a request names, or the only one; undefined when it cannot be told. */
export function targetContainer(pod: KubeObject, name: string | null): Container | undefined {
  const containers = podContainers(pod);
  return name
    ? containers.find((container) => container.name === name)
    : containers.length === 1
      ? containers[0]
      : undefined;
}

/**
 * The container an exec or attach names, or the only one; otherwise the API server's 400, in the
 * words of kubernetes/kubernetes v1.13 pkg/registry/core/pod/strategy.go (streamLocation).
 */
export function streamContainer(pod: KubeObject, name: string | null): Container {
  const podName = pod.metadata.name!;
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  if (name) {
    const container = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find(
      (candidate) => candidate.name === name,
    );
    if (!container) throw badRequest(`container ${name} is not valid for pod ${podName}`);
    return container;
  }
  const containers = spec.containers ?? [];
  if (containers.length === 1) return containers[0];
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
  const inits = spec.initContainers ?? [];
  const initChoice = inits.length > 0 ? ` or one of the init containers: [${inits.map((c) => c.name).join(' ')}]` : '';
  throw badRequest(
    `a container name must be specified for pod ${podName}, choose one of: [${containers.map((c) => c.name).join(' ')}]${initChoice}`,
  );
}

/** What the container runs: its command and args, as the image would without a shell in between. */
export function containerArgv(container: Container): string[] {
  return [...(container.command ?? []), ...(container.args ?? [])];
}

/** A container started with stdin (`kubectl run -i`) holds its command until someone attaches. */
export function waitsForAttach(pod: KubeObject): boolean {
  const restartPolicy = (pod.spec as { restartPolicy?: string } | undefined)?.restartPolicy;
  return (
    restartPolicy !== 'Always' &&
    podContainers(pod).some((container) => container.stdin === true && container.stdinOnce === true)
  );
}

/** The kubelet's status on the error channel when a command ends. */
export function exitStatus(argv: readonly string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** Sends a command's output on the channels the client asked for (with a TTY, stderr joins stdout). */
export function sendOutput(channels: ChannelSocket, output: readonly ShellChunk[], options: StreamOptions): void {
  for (const chunk of output) {
    if (chunk.stream === 'stdout' && options.stdout) channels.send(STDOUT, chunk.text);
    else if (chunk.stream === 'stderr' && options.tty && options.stdout) channels.send(STDOUT, chunk.text);
    else if (chunk.stream === 'stderr' && options.stderr) channels.send(STDERR, chunk.text);
  }
}

/**
 * Collects what the client sends on stdin (channel 0) until it closes it: v5.channel.k8s.io's close
 * signal, which kubectl 1.32 and client-node send at the end of their input, or the connection's end.
 * Calls back once, with everything read and whether the connection is still open to answer on.
 */
export function readStdin(channels: ChannelSocket, done: (data: Buffer, open: boolean) => void): void {
  const parts: Buffer[] = [];
  let finished = false;
  const end = (open: boolean): void => {
    if (finished) return;
    finished = true;
    done(Buffer.concat(parts), open);
  };
  channels.onMessage((channel, data, closed) => {
    if (channel !== STDIN) return;
    if (closed) end(true);
    else parts.push(Buffer.from(data));
  });
  channels.ws.once('close', () => end(false));
}

/** Ends a session as the kubelet does: status on channel 3, then a normal close. */
export function finish(channels: ChannelSocket, status: Record<string, unknown>): void {
  channels.send(ERROR, JSON.stringify(status));
  channels.ws.close(1000);
}

/** Lines as `kubectl logs` shows them afterwards: what the process printed, stdout and stderr together. */
export function printedLines(result: ShellResult, time: string): LogLine[] {
  const text = result.output.map((chunk) => chunk.text).join('');
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => ({ time, text: line }));
}

/** The pod status once the container's process exited with `exitCode` (restartPolicy Never/OnFailure). */
export function exitedPodStatus(
  pod: KubeObject,
  containerName: string,
  exitCode: number,
  time: string,
): Record<string, unknown> {
  const status = (pod.status ?? {}) as Record<string, unknown> & {
    containerStatuses?: ContainerStatus[];
    conditions?: { type: string }[];
  };
  const containerStatuses = (status.containerStatuses ?? []).map((entry) => {
    if (entry.name !== containerName) return entry;
    const terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: entry.state?.running?.startedAt ?? time,
      finishedAt: time,
      containerID: entry.containerID,
    };
    return { ...entry, state: { terminated }, ready: false, started: false };
  });
  const allDone = containerStatuses.every((entry) => entry.state && 'terminated' in entry.state);
  const failed = containerStatuses.some(
    (entry) => ((entry.state as { terminated?: { exitCode?: number } }).terminated?.exitCode ?? 0) !== 0,
  );
  const conditions = (status.conditions ?? []).map((condition) =>
    condition.type === 'Ready' || condition.type === 'ContainersReady'
      ? { type: condition.type, status: 'False', lastProbeTime: null, lastTransitionTime: time, reason: 'PodCompleted' }
      : condition,
  );
  return {
    ...status,
    phase: allDone ? (failed ? 'Failed' : 'Succeeded') : status.phase,
    conditions,
    containerStatuses,
  };
}
