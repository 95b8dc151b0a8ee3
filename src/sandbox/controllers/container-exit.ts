// What a started container does, as far as its image and command tell: keeps running (a server,
// `sleep infinity`, `tail -f`, `while true`), or exits with a code after some time. A command the
// simulated shell can run ends with the shell's exit code and output; `sleep N` takes N seconds.
// An image whose entrypoint is a shell (busybox, alpine, ubuntu, …) given no command exits 0 at
// once, as `sh` does without a terminal. What an arbitrary image's entrypoint does cannot be known:
// any other image run as built (nginx, httpd, redis, Istio's, bookinfo's) is taken for a server and
// runs for ever; a command the shell does not know runs as its pod expects — for ever under
// restartPolicy Always, to a clean exit under OnFailure/Never (a task, as Jobs' are).
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, asList } from '../apimachinery/objects';
import type { ClusterNetwork } from '../streams/cluster-network';
import type { ShellChunk, ShellResult } from '../streams/simulated-shell';
import { parseScript, runCommand } from '../streams/simulated-shell';

/** Runs argv in the simulated shell, in the pod's container. */
export type ContainerShell = (argv: readonly string[], pod: KubeObject, containerName: string) => ShellResult;

/** The simulated shell on the cluster network, as containers' commands and `pods/log` run it. */
export function containerShell(network: ClusterNetwork, now: () => Date): ContainerShell {
  return (argv, pod, containerName) => runCommand(argv, { network, pod, containerName, now: now() });
}

export type ContainerRun =
  | { readonly runs: 'forever' }
  | {
      readonly runs: 'exits';
      readonly exitCode: number;
      readonly output: readonly ShellChunk[];
      /** Seconds the process sleeps before it exits (at --speed 1). */ readonly sleepSeconds: number;
    };

/** Images whose entrypoint is a shell or nothing: with no command they exit 0 at once (the default CMD `sh` reads no terminal). */
const SHELL_IMAGES = new Set([
  'busybox',
  'alpine',
  'ubuntu',
  'debian',
  'centos',
  'fedora',
  'amazonlinux',
  'archlinux',
  'opensuse/leap',
  'rockylinux',
  'almalinux',
  'oraclelinux',
  'photon',
  'bash',
]);

/** The image's repository without registry, `library/`, tag or digest: `docker.io/library/busybox:1.31` → `busybox`. */
export function imageRepository(image: string): string {
  let name = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const slash = name.indexOf('/');
  if (slash >= 0 && (/[.:]/.test(name.slice(0, slash)) || name.slice(0, slash) === 'localhost'))
    name = name.slice(slash + 1);
  return name.replace(/^library\//, '');
}

const words = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Whether a script never ends by itself: `sleep infinity`, `tail -f`, `while true`/`while :` loops. */
function runsForever(argv: readonly string[]): boolean {
  const program = (argv[0] ?? '').replace(/^.*\//, '');
  if (program === 'sleep') return argv[1] === 'infinity' || argv[1] === 'inf';
  if (program === 'tail') return argv.slice(1).some((word) => /^-[a-zA-Z]*[fF]/.test(word) || word === '--follow');
  if (program === 'while') return ['true', ':', '[ 1 ]', '[ true ]'].includes(argv.slice(1).join(' '));
  if (program === 'until') return argv.slice(1).join(' ') === 'false';
  if (['sh', 'bash', 'ash'].includes(program)) {
    const at = argv.indexOf('-c');
    if (at < 0) return false;
    return parseScript(argv[at + 1] ?? '').some((command) => runsForever(command.words));
  }
  return false;
}

/** The seconds a command sleeps: `sleep N` (with s/m/h suffixes), in a script summed. */
function sleepSeconds(argv: readonly string[]): number {
  const program = (argv[0] ?? '').replace(/^.*\//, '');
  if (program === 'sleep') {
    const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(argv[1] ?? '');
    if (!match) return 0;
    return Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  }
  if (['sh', 'bash', 'ash'].includes(program)) {
    const at = argv.indexOf('-c');
    if (at < 0) return 0;
    let total = 0;
    for (const command of parseScript(argv[at + 1] ?? '')) {
      if (command.words[0] === 'exit') break;
      total += sleepSeconds(command.words);
    }
    return total;
  }
  return 0;
}

/** What the container's process is: its command and args, or the image's entrypoint given the args. Undefined when that is the image's own, unknown, entrypoint. */
export function containerProcess(container: Json): string[] | undefined {
  const command = words(container.command);
  const args = words(container.args);
  if (command.length) return [...command, ...args];
  if (SHELL_IMAGES.has(imageRepository(String(container.image ?? '')))) return args.length ? args : [];
  return undefined;
}

/** Whether the shell could not open a script that lies under one of the container's volume mounts. */
function scriptInVolume(output: readonly { stream: string; text: string }[], container: Json): boolean {
  const mounts = asList(container.volumeMounts)
    .map((mount) => String(mount.mountPath ?? '').replace(/\/+$/, ''))
    .filter(Boolean);
  for (const chunk of output) {
    if (chunk.stream !== 'stderr') continue;
    const file = /can't open '([^']+)'/.exec(chunk.text)?.[1];
    if (file && mounts.some((mount) => file === mount || file.startsWith(`${mount}/`))) return true;
  }
  return false;
}

/** What the container does once started. */
export function containerRun(pod: KubeObject, container: Json, shell: ContainerShell): ContainerRun {
  const argv = containerProcess(container);
  const expected = (): ContainerRun =>
    String(asJson(pod.spec).restartPolicy ?? 'Always') === 'Always'
      ? { runs: 'forever' }
      : { runs: 'exits', exitCode: 0, output: [], sleepSeconds: 0 };
  if (argv === undefined) return { runs: 'forever' };
  if (argv.length === 0) return { runs: 'exits', exitCode: 0, output: [], sleepSeconds: 0 };
  if (runsForever(argv)) return { runs: 'forever' };
  const result = shell(argv, pod, String(container.name));
  // A program the simulated shell does not have: what the script does is unknown.
  if (result.output.some((chunk) => chunk.stream === 'stderr' && /: not found$/m.test(chunk.text))) return expected();
  // A script in one of the container's volumes (Istio 1.2's post-install Jobs run `/tmp/grafana/run.sh`
  // from a ConfigMap): the simulated file system holds no volume contents, so what it does is unknown too.
  if (scriptInVolume(result.output, container)) return expected();
  return { runs: 'exits', exitCode: result.exitCode, output: result.output, sleepSeconds: sleepSeconds(argv) };
}

/** The lines a container's process printed on a run (stdout and stderr together, as `kubectl logs` shows them). */
export function containerOutput(pod: KubeObject, containerName: string, shell: ContainerShell): string[] {
  const container = asList(asJson(pod.spec).containers).find((entry) => entry.name === containerName);
  if (!container) return [];
  const run = containerRun(pod, container, shell);
  if (run.runs === 'forever') return [];
  const lines = run.output
    .map((chunk) => chunk.text)
    .join('')
    .split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
