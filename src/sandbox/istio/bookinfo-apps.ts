// What Bookinfo's containers answer on port 9080 (istio/examples-bookinfo-*, the release's
// samples/bookinfo): productpage's HTML pages, details', ratings' and reviews' JSON, each `/health`.
// Bodies follow the sample's sources at istio/istio tag 1.2.2 (samples/bookinfo/src: productpage.py
// and its templates, details.rb, ratings.js, reviews-application LibertyRestEndpoint.java), cut
// short; the HTML says in a comment that it is simulated. No app calls another: every answer is
// fixed, as the sample's data for product 0 is. Pure: a request in, an answer out.
//
// The types are structural copies of simulated-containers.ts' (which lists these behaviours), so
// that this file does not import the module that imports it.

interface AppRequest {
  readonly method: string;
  readonly path: string;
}

interface AppResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

interface BookinfoApp {
  readonly repository: string;
  httpPorts(tag: string): readonly number[];
  serve(tag: string, request: AppRequest): AppResponse;
}

export const BOOKINFO_PORT = 9080;

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';
const json = (value: unknown, status = 200): AppResponse => ({
  status,
  contentType: JSON_TYPE,
  body: JSON.stringify(value),
});
const html = (body: string, status = 200): AppResponse => ({ status, contentType: HTML_TYPE, body });

const DETAILS = {
  type: 'paperback',
  pages: 200,
  publisher: 'PublisherA',
  language: 'English',
  'ISBN-10': '1234567890',
  'ISBN-13': '123-1234567890',
};
const REVIEWS = [
  {
    reviewer: 'Reviewer1',
    text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!',
    stars: 5,
  },
  {
    reviewer: 'Reviewer2',
    text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
    stars: 4,
  },
];
const TITLE = 'The Comedy of Errors';
const SUMMARY =
  "Wikipedia Summary: The Comedy of Errors is one of William Shakespeare's early plays. It is his shortest and one of his most farcical comedies.";

/** `/<kind>/<id>` with a numeric id, as the apps' routers accept it. */
function productId(path: string, kind: string): number | undefined {
  const match = new RegExp(`^/${kind}/(\\d+)$`).exec(path);
  return match ? Number(match[1]) : undefined;
}

const notFound = (): AppResponse => ({
  status: 404,
  contentType: 'text/plain; charset=utf-8',
  body: '404 page not found\n',
});
const methodNotAllowed = (): AppResponse => ({
  status: 405,
  contentType: 'text/plain; charset=utf-8',
  body: 'Method Not Allowed\n',
});

function app(
  name: string,
  versions: readonly string[],
  serve: (version: string, request: AppRequest) => AppResponse,
): BookinfoApp[] {
  return versions.map((version) => ({
    repository: `docker.io/istio/examples-bookinfo-${name}-${version}`,
    httpPorts: () => [BOOKINFO_PORT],
    serve: (_tag, request) =>
      request.method === 'GET' || request.method === 'HEAD' ? serve(version, request) : methodNotAllowed(),
  }));
}

// details.rb: `{'id' => id, 'author' => …, 'year' => 1595, …}`.
const details = app('details', ['v1', 'v2'], (_version, { path }) => {
  if (path === '/health') return json({ status: 'Details is healthy' });
  const id = productId(path, 'details');
  return id === undefined ? notFound() : json({ id, author: 'William Shakespeare', year: 1595, ...DETAILS });
});

// ratings.js: `{id, ratings: {Reviewer1: 5, Reviewer2: 4}}`.
const ratings = app('ratings', ['v1', 'v2'], (_version, { path }) => {
  if (path === '/health') return json({ status: 'Ratings is healthy' });
  const id = productId(path, 'ratings');
  return id === undefined
    ? notFound()
    : json({ id, ratings: Object.fromEntries(REVIEWS.map((r) => [r.reviewer, r.stars])) });
});

/** reviews v1 shows no stars, v2 black ones, v3 red ones (LibertyRestEndpoint's star_color). */
const STAR_COLOUR: Record<string, string | undefined> = { v1: undefined, v2: 'black', v3: 'red' };

const reviews = app('reviews', ['v1', 'v2', 'v3'], (version, { path }) => {
  if (path === '/health') return json({ status: 'Reviews is healthy' });
  const id = productId(path, 'reviews');
  if (id === undefined) return notFound();
  const colour = STAR_COLOUR[version];
  return json({
    id: String(id),
    reviews: REVIEWS.map((r) => ({
      reviewer: r.reviewer,
      text: r.text,
      ...(colour ? { rating: { stars: r.stars, color: colour } } : {}),
    })),
  });
});

const SIMULATED = "<!-- Simulated by Istio Lab's sandbox: Bookinfo's productpage, cut short; no container runs. -->";

/** productpage's pages share one head and frame. */
const page = (body: string): string => `<!DOCTYPE html>
<html>
<head>
<title>Simple Bookstore App</title>
${SIMULATED}
</head>
<body>
${body}
</body>
</html>
`;

const INDEX = page(`<h3>Hello! This is a simple bookstore application consisting of three services as shown below</h3>
<p>Click on one of the links below to auto generate a request to the backend as a real user or a tester</p>
<p><a href="/productpage?u=normal">Normal user</a></p>
<p><a href="/productpage?u=test">Test user</a></p>`);

function productPage(): string {
  const rows = Object.entries({
    Type: DETAILS.type,
    Pages: DETAILS.pages,
    Publisher: DETAILS.publisher,
    Language: DETAILS.language,
    'ISBN-10': DETAILS['ISBN-10'],
    'ISBN-13': DETAILS['ISBN-13'],
  })
    .map(([key, value]) => `<dt>${key}:</dt><dd>${value}</dd>`)
    .join('\n');
  const quotes = REVIEWS.map((r) => `<blockquote>\n<p>${r.text}</p>\n<small>${r.reviewer}</small>\n</blockquote>`).join(
    '\n',
  );
  return page(`<nav class="navbar"><a class="navbar-brand" href="#">BookInfo Sample</a><button type="button" class="btn">Sign in</button></nav>
<div class="container-fluid">
<h3 class="text-center text-primary">${TITLE}</h3>
<p>${SUMMARY}</p>
<h4 class="text-center text-primary">Book Details</h4>
<dl>
${rows}
</dl>
<h4 class="text-center text-primary">Book Reviews</h4>
${quotes}
</div>`);
}

// productpage.py: `/`, `/index.html`, `/productpage`, `/health`, `/api/v1/products[/<id>[/reviews|/ratings]]`.
const productpage = app('productpage', ['v1'], (_version, { path }) => {
  if (path === '/' || path === '/index.html') return html(INDEX);
  if (path === '/productpage') return html(productPage());
  if (path === '/health') return json({ status: 'Product page is healthy' });
  if (path === '/api/v1/products') return json([{ id: 0, title: TITLE, descriptionHtml: SUMMARY }]);
  const id = productId(path, 'api/v1/products');
  if (id !== undefined) return json({ id, author: 'William Shakespeare', year: 1595, ...DETAILS });
  return html(
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n',
    404,
  );
});

/** Every Bookinfo image the sandbox simulates, one behaviour per repository. */
export const BOOKINFO_APPS: readonly BookinfoApp[] = [...productpage, ...details, ...ratings, ...reviews];
