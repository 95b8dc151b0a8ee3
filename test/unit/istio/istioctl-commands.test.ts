// Every command the UI shows exists in the release it is shown for: the table of istioctl
// subcommands per release (read from istio/istio's tags), the install plan against it, and
// the registry panel's equivalent commands.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IstioctlCommand } from '../../../src/istio/releases/istioctl-commands';
import { istioctlHas } from '../../../src/istio/releases/istioctl-commands';
import { commandLine, planInstall } from '../../../src/istio/install-plan';
import { equivalentCommands, istiodDebugPort } from '../../../src/istio/registry/equivalent-commands';

const COMMANDS: IstioctlCommand[] = [
  'verify-install',
  'manifest apply',
  'manifest generate',
  'install',
  'x precheck',
  'x uninstall',
  'uninstall',
  'x internal-debug',
];

// Commands that came in the same release and stayed together.
const MANIFEST: IstioctlCommand[] = ['manifest apply', 'manifest generate'];
const INSTALL: IstioctlCommand[] = ['install', 'x precheck'];

// release → the commands its istioctl has (all others: absent).
const TABLE: [string, IstioctlCommand[]][] = [
  ['1.0.0', []],
  ['1.1.0', ['verify-install']],
  ['1.2.2', ['verify-install']],
  ['1.4.6', ['verify-install', ...MANIFEST]],
  ['1.5.0', ['verify-install', ...MANIFEST]],
  ['1.6.0', ['verify-install', ...MANIFEST, ...INSTALL]],
  ['1.7.0', ['verify-install', ...MANIFEST, ...INSTALL, 'x uninstall']],
  ['1.9.0', ['verify-install', ...MANIFEST, ...INSTALL, 'x uninstall']],
  ['1.10.0', ['verify-install', ...MANIFEST, ...INSTALL, 'x uninstall', 'x internal-debug']],
  ['1.12.0', ['verify-install', ...MANIFEST, ...INSTALL, 'uninstall', 'x internal-debug']],
  ['1.23.0', ['verify-install', ...MANIFEST, ...INSTALL, 'uninstall', 'x internal-debug']],
  ['1.24.0', [...MANIFEST, ...INSTALL, 'uninstall', 'x internal-debug']],
  ['1.26.1', [...MANIFEST, ...INSTALL, 'uninstall', 'x internal-debug']],
];

describe('istioctl subcommands per release', () => {
  for (const [version, has] of TABLE) {
    test(`Istio ${version}: ${has.length ? has.join(', ') : 'none of them'}`, () => {
      assert.deepEqual(
        COMMANDS.filter((command) => istioctlHas(version, command)),
        has,
      );
    });
  }

  test('a version that does not parse has none', () => {
    assert.equal(istioctlHas('latest', 'install'), false);
  });
});

/** The istioctl subcommand an argument list starts with: `x precheck`, `manifest apply`, `install`. */
function subcommand(args: readonly string[]): IstioctlCommand {
  const words = args[0] === 'x' || args[0] === 'manifest' ? args.slice(0, 2) : args.slice(0, 1);
  return words.join(' ') as IstioctlCommand;
}

describe('the install plan uses only what its release has', () => {
  for (const [version] of TABLE) {
    test(`Istio ${version}`, () => {
      const plan = planInstall(version);
      const used = [plan.install, plan.uninstall].flatMap((method) =>
        method.kind === 'manifest' ? [] : [subcommand(method.args)],
      );
      if (plan.precheckArgs) used.push(subcommand(plan.precheckArgs));
      if (plan.verifyArgs) used.push(subcommand(plan.verifyArgs));
      for (const command of used)
        assert.ok(istioctlHas(version, command), `Istio ${version} shows istioctl ${command}, which it does not have`);
    });
  }
});

describe("the registry panel's equivalent commands", () => {
  const pilot = { era: 'legacy' as const, namespace: 'istio-system', service: 'istio-pilot', port: 8080 };
  const istiod = { era: 'istiod' as const, namespace: 'istio-system', service: 'istiod', port: 15014 };
  const lines = (commands: { command: string }[]) => commands.map((entry) => entry.command);

  for (const version of ['1.0.0', '1.2.2', '1.4.6']) {
    test(`Pilot ${version}: the book's curl pod and the service proxy, no istioctl (internal-debug came with 1.10)`, () => {
      const commands = equivalentCommands(pilot, version);
      assert.deepEqual(
        commands.map((entry) => entry.label),
        ['commandCurlPod', 'commandGetRaw'],
      );
      assert.ok(lines(commands).every((line) => !line.startsWith('istioctl')));
      assert.match(lines(commands)[0], /curl -v 'http:\/\/istio-pilot\.istio-system:8080\/v1\/registration'$/);
    });
  }

  const cases: [string, number, boolean][] = [
    ['1.5.0', 8080, false],
    ['1.7.0', 8080, false],
    ['1.8.0', 15014, false],
    ['1.9.0', 15014, false],
    ['1.10.0', 15014, true],
    ['1.26.1', 15014, true],
  ];
  for (const [version, port, hasIstioctl] of cases) {
    test(`istiod ${version}: port-forward to ${port}${hasIstioctl ? ', and istioctl x internal-debug registryz' : ', no istioctl'}`, () => {
      const commands = lines(equivalentCommands(istiod, version, 'kind-lab'));
      assert.equal(istiodDebugPort(version), port);
      assert.equal(
        commands[0],
        `kubectl --context kind-lab -n istio-system port-forward deploy/istiod ${port}:${port} & curl -s localhost:${port}/debug/registryz`,
      );
      assert.equal(commands.includes('istioctl --context kind-lab x internal-debug registryz'), hasIstioctl);
      assert.equal(commands.length, hasIstioctl ? 2 : 1);
    });
  }

  test("the install plan's command lines read as the release's own", () => {
    assert.equal(commandLine(planInstall('1.2.2').install), 'kubectl create -f install/kubernetes/istio-demo.yaml');
    assert.equal(
      commandLine(planInstall('1.5.0').uninstall),
      'istioctl manifest generate --set profile=demo | kubectl delete -f -',
    );
  });
});
