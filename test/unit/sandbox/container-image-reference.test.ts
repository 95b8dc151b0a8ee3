// The kubelet's check of an image reference before any pull (docker reference grammar): what
// fails it waits in InvalidImageName with the kubelet's message; whether a valid tag exists is unknown.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { imageReferenceError, invalidImageMessage } from '../../../src/sandbox/controllers/image-reference';

describe('image references', () => {
  test('the references of the book, Istio and Docker Hub are valid', () => {
    for (const image of [
      'nginx',
      'busybox:1.31',
      'docker.io/istio/proxyv2:1.2.2',
      'gcr.io/istio-release/pilot:release-1.2-latest-daily',
      'localhost:5000/app',
      'registry.example.com:443/a/b/c:v1.0-rc_1',
      `redis@sha256:${'a'.repeat(64)}`,
      'my_org/my-app__x.y',
    ]) {
      assert.equal(imageReferenceError(image), undefined, image);
    }
  });

  test('a tag with a space, a bad character or an upper-case repository fails as ParseNormalizedNamed does', () => {
    assert.equal(imageReferenceError('nginx:bad tag'), 'invalid reference format');
    assert.equal(imageReferenceError('nginx::1'), 'invalid reference format');
    assert.equal(imageReferenceError('nginx:-1'), 'invalid reference format');
    assert.equal(imageReferenceError(`nginx:${'a'.repeat(129)}`), 'invalid reference format');
    assert.equal(imageReferenceError('UPPER/case'), 'invalid reference format: repository name must be lowercase');
    assert.equal(imageReferenceError('BUSYBOX'), 'invalid reference format: repository name must be lowercase');
    assert.equal(
      imageReferenceError('a'.repeat(64)),
      `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`,
    );
    assert.equal(imageReferenceError(`${'a'.repeat(250)}/b`), 'repository name must not be more than 255 characters');
  });

  test("the waiting message is the kubelet's", () => {
    assert.equal(
      invalidImageMessage('BUSYBOX', imageReferenceError('BUSYBOX')!),
      'Failed to apply default image tag "BUSYBOX": couldn\'t parse image reference "BUSYBOX": invalid reference format: repository name must be lowercase',
    );
  });
});
