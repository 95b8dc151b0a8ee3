// What /version answers for the claimed release: k8s.io/apimachinery's version.Info. A GKE build
// reports its own minor ("13+") and the commit, date and Go of that build; the book's cluster ran
// v1.13.7-gke.8, whose `kubectl version` printed exactly the row below.

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

interface Build {
  readonly gitCommit: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

/** Builds whose version info is known from a real server's `kubectl version`. */
const KNOWN_BUILDS: Readonly<Record<string, Build>> = {
  'v1.13.7-gke.8': {
    gitCommit: '7d3d6f113e933ed1b44b78dff4baf649258415e5',
    buildDate: '2019-06-19T16:37:16Z',
    goVersion: 'go1.11.5b4',
  },
};

/** Any other version: no commit to name, and the Go of the 1.13 builds. */
const UNKNOWN_BUILD: Build = {
  gitCommit: '0000000000000000000000000000000000000000',
  buildDate: '2019-06-19T16:40:16Z',
  goVersion: 'go1.11.5',
};

export function versionInfo(gitVersion: string): VersionInfo {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(.*)$/.exec(gitVersion);
  const major = match?.[1] ?? '1';
  // A vendor build (a suffix such as -gke.8) is not at a release tag: its minor carries a '+'.
  const minor = `${match?.[2] ?? '13'}${match?.[3] ? '+' : ''}`;
  const build = KNOWN_BUILDS[gitVersion] ?? UNKNOWN_BUILD;
  return { major, minor, gitVersion, ...build, gitTreeState: 'clean', compiler: 'gc', platform: 'linux/amd64' };
}
