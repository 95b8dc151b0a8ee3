// Which istioctl subcommands each Istio release has, so the UI shows a command only with a
// release that can run it. Read from istio/istio's tags (the cobra `Use:` of each command):
//   verify-install      istioctl/pkg/install/verify.go, 1.1.0 … 1.23.x (removed in 1.24.0)
//   manifest apply      istio.io/operator linked into istioctl 1.4; istioctl/cmd in 1.5
//   manifest generate   same as manifest apply
//   install             operator/cmd/mesh/install.go, from 1.6.0
//   x precheck          istioctl/cmd/precheck.go, from 1.6.0
//   x uninstall         operator/cmd/mesh/uninstall.go, 1.7.0 … 1.11.x (a top-level command from 1.12.0)
//   uninstall           from 1.12.0
//   x internal-debug    istioctl/cmd/internal-debug.go, from 1.10.0 (istiod's debug over XDS)
import * as semver from 'semver';

export type IstioctlCommand =
  | 'verify-install'
  | 'manifest apply'
  | 'manifest generate'
  | 'install'
  | 'x precheck'
  | 'x uninstall'
  | 'uninstall'
  | 'x internal-debug';

interface Span {
  /** The first release that has it. */
  readonly since: string;
  /** The first release that no longer has it. */
  readonly until?: string;
}

const SPANS: Readonly<Record<IstioctlCommand, Span>> = {
  'verify-install': { since: '1.1.0', until: '1.24.0' },
  'manifest apply': { since: '1.4.0' },
  'manifest generate': { since: '1.4.0' },
  install: { since: '1.6.0' },
  'x precheck': { since: '1.6.0' },
  'x uninstall': { since: '1.7.0', until: '1.12.0' },
  uninstall: { since: '1.12.0' },
  'x internal-debug': { since: '1.10.0' },
};

/** Whether release `version`'s istioctl has `command`; false for a version that does not parse. */
export function istioctlHas(version: string, command: IstioctlCommand): boolean {
  const parsed = semver.coerce(version);
  if (!parsed) return false;
  const span = SPANS[command];
  return semver.gte(parsed, span.since) && (span.until === undefined || semver.lt(parsed, span.until));
}
