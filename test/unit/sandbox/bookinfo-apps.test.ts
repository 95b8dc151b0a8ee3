// Bookinfo's simulated containers (istio/examples-bookinfo-*) answer on 9080 as the sample's apps do.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { answerFromPod } from '../../../src/sandbox/istio/simulated-containers';

const cluster = { services: [], endpoints: [], pods: [] };

function podOf(image: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app', namespace: 'default' },
    spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 9080 }] }] },
  };
}

function get(image: string, path: string, port = 9080) {
  return answerFromPod(podOf(image), port, { method: 'GET', path, query: new URLSearchParams(), cluster });
}

describe("Bookinfo's simulated apps", () => {
  test("productpage serves /productpage as HTML titled Simple Bookstore App, marked simulated, with the book's details and reviews", () => {
    const answer = get('istio/examples-bookinfo-productpage-v1:1.12.0', '/productpage')!;
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, 'text/html; charset=utf-8');
    assert.deepEqual(/<title>.*<\/title>/.exec(answer.body)?.[0], '<title>Simple Bookstore App</title>');
    assert.match(answer.body, /<!-- Simulated by Istio Lab's sandbox/);
    assert.match(answer.body, /The Comedy of Errors/);
    assert.match(answer.body, /Reviewer1/);
  });

  test('productpage answers / (the index with its user links) and /health, and 404 elsewhere', () => {
    const index = get('docker.io/istio/examples-bookinfo-productpage-v1:1.12.0', '/')!;
    assert.match(index.body, /<title>Simple Bookstore App<\/title>/);
    assert.match(index.body, /href="\/productpage\?u=normal"/);
    assert.deepEqual(JSON.parse(get('istio/examples-bookinfo-productpage-v1:1.12.0', '/health')!.body), {
      status: 'Product page is healthy',
    });
    assert.equal(get('istio/examples-bookinfo-productpage-v1:1.12.0', '/nothing')!.status, 404);
  });

  test("details, ratings and reviews v1 answer the sample's JSON for product 0", () => {
    assert.deepEqual(JSON.parse(get('istio/examples-bookinfo-details-v1:1.12.0', '/details/0')!.body), {
      id: 0,
      author: 'William Shakespeare',
      year: 1595,
      type: 'paperback',
      pages: 200,
      publisher: 'PublisherA',
      language: 'English',
      'ISBN-10': '1234567890',
      'ISBN-13': '123-1234567890',
    });
    assert.deepEqual(JSON.parse(get('istio/examples-bookinfo-ratings-v1:1.12.0', '/ratings/0')!.body), {
      id: 0,
      ratings: { Reviewer1: 5, Reviewer2: 4 },
    });
    const v1 = JSON.parse(get('istio/examples-bookinfo-reviews-v1:1.12.0', '/reviews/0')!.body) as {
      id: string;
      reviews: { reviewer: string; rating?: unknown }[];
    };
    assert.equal(v1.id, '0');
    assert.deepEqual(
      v1.reviews.map((r) => [r.reviewer, r.rating]),
      [
        ['Reviewer1', undefined],
        ['Reviewer2', undefined],
      ],
    );
  });

  test('reviews v2 shows black stars and v3 red ones', () => {
    for (const [version, color] of [
      ['v2', 'black'],
      ['v3', 'red'],
    ]) {
      const body = JSON.parse(get(`istio/examples-bookinfo-reviews-${version}:1.12.0`, '/reviews/0')!.body) as {
        reviews: { rating: unknown }[];
      };
      assert.deepEqual(
        body.reviews.map((r) => r.rating),
        [
          { stars: 5, color },
          { stars: 4, color },
        ],
      );
    }
  });

  test('each app answers /health with its own words, and nothing listens on other ports', () => {
    assert.deepEqual(JSON.parse(get('istio/examples-bookinfo-details-v1:1.12.0', '/health')!.body), {
      status: 'Details is healthy',
    });
    assert.deepEqual(JSON.parse(get('istio/examples-bookinfo-ratings-v1:1.12.0', '/health')!.body), {
      status: 'Ratings is healthy',
    });
    assert.deepEqual(JSON.parse(get('istio/examples-bookinfo-reviews-v3:1.12.0', '/health')!.body), {
      status: 'Reviews is healthy',
    });
    assert.equal(get('istio/examples-bookinfo-ratings-v1:1.12.0', '/health', 8080), undefined);
  });
});
