// The simulated shell's commands: stdin, redirections, pipes into grep/head/wc, the container's
// files (ls, cat, the service account volume, an istio-proxy's /etc/certs), env, tar as `kubectl cp`
// runs it, and curl's -d/-H/-v/-o/-w.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sh, shellCluster, stderr, stdout } from './shell-fixture';

describe("the simulated shell's commands", () => {
  test('stdin reaches cat, and `sh` with no arguments runs the script it reads from stdin', () => {
    const { run, client } = shellCluster();
    assert.equal(stdout(run(client, ['cat'], 'hi\n')), 'hi\n');
    const script = run(client, ['sh'], 'echo one\nfalse\necho "code $?" >&2\nexit 4\necho never\n');
    assert.equal(stdout(script), 'one\n');
    assert.equal(stderr(script), 'code 1\n');
    assert.equal(script.exitCode, 4);
  });

  test('>&2 goes to stderr, 2>&1 joins stdout, > /dev/null discards, >file and >>file write a file cat reads', () => {
    const { run, client } = shellCluster();
    const moved = run(client, sh('echo out; echo err >&2; ls /nope 2>&1; echo gone > /dev/null'));
    assert.equal(stdout(moved), "out\nls: cannot access '/nope': No such file or directory\n");
    assert.equal(stderr(moved), 'err\n');
    const written = run(client, sh('echo a > /tmp/f && echo b >> /tmp/f && cat /tmp/f && cat < /tmp/f | wc -l'));
    assert.equal(stdout(written), 'a\nb\n2\n');
  });

  test('pipes into grep -o/-i/-v/-c/-E, head -n and wc -l/-w/-c; grep finding nothing exits 1', () => {
    const { run, client } = shellCluster();
    const lines = 'Alpha 1\nbeta 22\nGamma 333\n';
    assert.equal(stdout(run(client, sh('grep -i alpha'), lines)), 'Alpha 1\n');
    assert.equal(stdout(run(client, sh('grep -oE "[0-9]+"'), lines)), '1\n22\n333\n');
    assert.equal(stdout(run(client, sh('grep -v a'), lines)), '');
    assert.equal(stdout(run(client, sh('grep -c "a \\(1\\|22\\)"'), lines)), '2\n');
    assert.equal(stdout(run(client, sh('head -n 2 | wc -l'), lines)), '2\n');
    assert.equal(stdout(run(client, sh('wc -w'), lines)), '6\n');
    assert.equal(stdout(run(client, sh('wc -c'), lines)), '26\n');
    const none = run(client, sh('grep zeta; echo $?'), lines);
    assert.equal(stdout(none), '1\n');
  });

  test("ls shows the kubelet's files, the service account volume with its ..data links, and -a the dot entries", () => {
    const { run, details } = shellCluster();
    assert.match(stdout(run(details, ['ls', '/etc'])), /^hostname\nhosts\npasswd\nresolv\.conf\n$/);
    const account = '/var/run/secrets/kubernetes.io/serviceaccount';
    assert.equal(stdout(run(details, ['ls', account])), 'ca.crt\nnamespace\ntoken\n');
    const long = stdout(run(details, ['ls', '-la', account]));
    assert.match(long, /^total \d+\ndrwxr-xr-x 2 root root 4096 Jul 23 09:00 \.\n/);
    assert.match(long, /\nlrwxrwxrwx 1 root root +\d+ Jul 23 09:00 \.\.data -> \.\.2019_07_23_09_00_00\.000000001\n/);
    assert.match(long, /\nlrwxrwxrwx 1 root root +\d+ Jul 23 09:00 token -> \.\.data\/token\n/);
    assert.equal(stdout(run(details, ['cat', `${account}/namespace`])), 'default');
    const token = stdout(run(details, ['cat', `${account}/token`])).split('.');
    assert.equal(
      JSON.parse(Buffer.from(token[1], 'base64url').toString()).sub,
      'system:serviceaccount:default:bookinfo-details',
    );
    const missing = run(details, ['ls', '/nope']);
    assert.equal(missing.exitCode, 2);
  });

  test('an Istio 1.2 istio-proxy has /etc/certs, labelled as simulated; the app container does not', () => {
    const { run, details } = shellCluster();
    assert.equal(
      stdout(run(details, ['ls', '/etc/certs'], '', 'istio-proxy')),
      'cert-chain.pem\nkey.pem\nroot-cert.pem\n',
    );
    assert.match(
      stdout(run(details, ['cat', '/etc/certs/root-cert.pem'], '', 'istio-proxy')),
      /^# Simulated by Istio Lab's sandbox: not a real Citadel root certificate\.\n-----BEGIN CERTIFICATE-----\n/,
    );
    assert.equal(run(details, ['ls', '/etc/certs'], '', 'details').exitCode, 2);
  });

  test("env prints the container's environment; $HOSTNAME and $(hostname -i) expand", () => {
    const { run, client } = shellCluster();
    assert.match(stdout(run(client, ['env'])), /^PATH=.*\nHOSTNAME=sleep\n/);
    assert.equal(stdout(run(client, sh('echo $HOSTNAME'))), 'sleep\n');
    assert.equal(stdout(run(client, sh('echo "ip=$(hostname -i)"'))), 'ip=10.0.1.7\n');
  });

  test("tar cf - of a file is a ustar archive tar -xmf - -C unpacks elsewhere; the file stays for the pod's life", () => {
    const { run, details, client } = shellCluster();
    const packed = run(details, ['tar', 'cf', '-', '/etc/hosts']);
    assert.equal(stderr(packed), "tar: removing leading '/' from member names\n");
    const archive = Buffer.concat(
      packed.output.filter((chunk) => chunk.stream === 'stdout').map((chunk) => chunk.bytes ?? Buffer.from(chunk.text)),
    );
    assert.equal(archive.length % 512, 0);
    assert.equal(archive.subarray(257, 262).toString(), 'ustar');
    assert.equal(archive.subarray(0, 9).toString(), 'etc/hosts');
    const unpacked = run(
      client,
      ['tar', '--no-same-permissions', '--no-same-owner', '-xmf', '-', '-C', '/tmp'],
      archive,
    );
    assert.equal(unpacked.exitCode, 0, stderr(unpacked));
    assert.match(stdout(run(client, ['cat', '/tmp/etc/hosts'])), /10\.0\.1\.9\tdetails-v1-5b4f8b7d9-abcde\n$/);
    assert.equal(stdout(run(details, ['ls', '/tmp'])), '');
    assert.equal(run(client, ['tar', 'xf', '-', '-C', '/nowhere'], archive).exitCode, 1);
  });

  test('curl -d sends a POST with its length; -v prints > and < lines on stderr; -H replaces a header; -o writes a file', () => {
    const { run, client } = shellCluster();
    const posted = run(client, [
      'curl',
      '-sv',
      '-d',
      'a=1',
      '-H',
      'Accept: application/json',
      'http://details:9080/details/0',
    ]);
    assert.equal(posted.exitCode, 0);
    const errors = stderr(posted);
    assert.match(
      errors,
      /^> POST \/details\/0 HTTP\/1\.1\n> Host: details:9080\n> User-Agent: curl\/7\.81\.0\n> Accept: application\/json\n> Content-Length: 3\n> Content-Type: application\/x-www-form-urlencoded\n> \n/m,
    );
    // Bookinfo's simulated details app answers the POST itself (the status is the app's business); curl shows its status line.
    assert.match(errors, /^< HTTP\/1\.1 \d{3} [A-Za-z ]+\n< Content-Type: /m);
    const saved = run(client, sh("curl -s -o /tmp/page -w '%{http_code}' details:9080/details/0 && wc -c < /tmp/page"));
    assert.match(stdout(saved), /^200\d+\n$/);
  });
});
