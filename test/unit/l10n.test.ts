// Every user-facing string exists in English and Korean: manifest strings (package.nls*.json),
// runtime strings (vscode.l10n.t in src/ui, @vscode/l10n's l10n.t in src/webview, all translated
// in l10n/bundle.l10n.ko.json) and the walkthrough pages (media/walkthrough/<language>/<step>.md,
// named by package.nls*.json). The runtime strings are found by @vscode/l10n-dev, the extractor
// behind `npm run l10n:export`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { getL10nJson } from '@vscode/l10n-dev';

const root = path.resolve(__dirname, '..', '..');
const readJson = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The messages `l10n-dev export ./src` finds: every `vscode.l10n.t` and `l10n.t` call in src/. */
async function exportedMessages(): Promise<Set<string>> {
  const files = sourceFiles(path.join(root, 'src')).map((file) => ({
    extension: path.extname(file),
    contents: fs.readFileSync(file, 'utf8'),
  }));
  return new Set(Object.keys(await getL10nJson(files)));
}

/** `%key%` references in package.json. */
function manifestReferences(): Set<string> {
  const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
  return new Set([...text.matchAll(/"%([\w.-]+)%"/g)].map((match) => match[1]));
}

const difference = (a: Iterable<string>, b: Set<string>): string[] => [...a].filter((key) => !b.has(key)).sort();

test('every manifest string is in both package.nls.json and package.nls.ko.json', () => {
  const en = new Set(Object.keys(readJson('package.nls.json')));
  const ko = new Set(Object.keys(readJson('package.nls.ko.json')));
  assert.deepEqual(difference(en, ko), [], 'in English, missing in Korean');
  assert.deepEqual(difference(ko, en), [], 'in Korean, missing in English');
});

test('package.json refers only to manifest strings that exist, and every one is used', () => {
  const references = manifestReferences();
  const en = new Set(Object.keys(readJson('package.nls.json')));
  assert.deepEqual(difference(references, en), [], 'referenced but not defined');
  assert.deepEqual(difference(en, references), [], 'defined but never referenced');
});

test('every l10n.t call starts with a literal message, so the export sees it', () => {
  // l10n-dev passes over a call whose message is a variable or a template; that string would ship untranslated.
  const hidden = sourceFiles(path.join(root, 'src')).flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/\bl10n\.t\((?!\s*['"{])/g)].map(
      (match) => `${path.relative(root, file)}: ${match[0]}`,
    ),
  );
  assert.deepEqual(hidden, []);
});

test('every runtime string has a Korean translation, and no translation is left over', async () => {
  const used = await exportedMessages();
  const ko = new Set(Object.keys(readJson('l10n/bundle.l10n.ko.json')));
  assert.ok(used.size > 400, 'the export found too few l10n.t calls: the scan is broken');
  assert.ok(used.has('Pilot service registry'), "the export missed the webview's l10n.t calls");
  assert.deepEqual(difference(used, ko), [], 'used in src/, missing in l10n/bundle.l10n.ko.json');
  assert.deepEqual(difference(ko, used), [], 'translated but not used in src/');
});

test('translations keep their placeholders, {0} and {name} alike', () => {
  for (const [key, value] of Object.entries(readJson('l10n/bundle.l10n.ko.json'))) {
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort().join();
    assert.equal(placeholders(value), placeholders(key), `placeholders differ for "${key}"`);
  }
});

test('Korean walkthrough steps keep the same command buttons as English', () => {
  const en = readJson('package.nls.json');
  const ko = readJson('package.nls.ko.json');
  for (const [key, value] of Object.entries(en)) {
    const links = (text: string) => [...text.matchAll(/\]\((command:[^)]+)\)/g)].map((match) => match[1]);
    assert.deepEqual(links(ko[key] ?? ''), links(value), `command links differ in ${key}`);
  }
});

/** The walkthrough pages a manifest string file names: `walkthrough.lab.<step>.markdown` → path. */
function walkthroughPages(file: string): Map<string, string> {
  const pages = new Map<string, string>();
  for (const [key, value] of Object.entries(readJson(file))) {
    const step = /^walkthrough\.lab\.([\w-]+)\.markdown$/.exec(key)?.[1];
    if (step) pages.set(step, value);
  }
  return pages;
}

/** The contents of a page's fenced code blocks, in order. */
const codeBlocks = (markdown: string): string[] =>
  [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((match) => match[1]);

const pages = { en: walkthroughPages('package.nls.json'), ko: walkthroughPages('package.nls.ko.json') };

test('every walkthrough step has a page in each language, and every page exists', () => {
  const walkthrough = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).contributes.walkthroughs[0];
  const steps = walkthrough.steps.map((step: { id: string }) => step.id);
  for (const [language, byStep] of Object.entries(pages)) {
    assert.deepEqual([...byStep.keys()].sort(), [...steps].sort(), `steps with a ${language} page`);
    for (const [step, page] of byStep) {
      assert.equal(page, `media/walkthrough/${language}/${step}.md`, `${language} page of ${step}`);
      assert.ok(fs.existsSync(path.join(root, page)), `${page} does not exist`);
    }
  }
});

test('every image a walkthrough page embeds exists', () => {
  for (const page of [...pages.en.values(), ...pages.ko.values()]) {
    const markdown = fs.readFileSync(path.join(root, page), 'utf8');
    const images = [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]);
    assert.ok(images.length > 0, `${page} embeds no picture`);
    for (const image of images) {
      // VS Code resolves an image against the folder of the page (joinPath(dirname(page), src)).
      assert.ok(fs.existsSync(path.join(root, path.dirname(page), image)), `${page} embeds missing ${image}`);
    }
  }
});

test('Korean walkthrough pages show the same commands and outputs as English', () => {
  const read = (page: string) => fs.readFileSync(path.join(root, page), 'utf8');
  for (const [step, en] of pages.en) {
    const ko = pages.ko.get(step);
    assert.ok(ko, `no Korean page for ${step}`);
    const blocks = codeBlocks(read(en));
    assert.ok(blocks.length > 0, `${en} has no code block`);
    assert.deepEqual(codeBlocks(read(ko)), blocks, `code blocks differ in the ${step} page`);
  }
});

/**
 * Every Korean string a learner reads, with where it comes from: runtime strings (the registry
 * viewer's among them), manifest strings, and the walkthrough pages outside their code (commands
 * and outputs stay as kubectl prints them).
 */
function koreanTexts(): { where: string; text: string }[] {
  const texts: { where: string; text: string }[] = [];
  for (const file of ['l10n/bundle.l10n.ko.json', 'package.nls.ko.json']) {
    for (const [key, value] of Object.entries(readJson(file))) texts.push({ where: `${file}: ${key}`, text: value });
  }
  for (const page of pages.ko.values()) {
    const prose = fs
      .readFileSync(path.join(root, page), 'utf8')
      .replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')
      .replace(/`[^`\n]*`/g, '');
    prose.split('\n').forEach((line, index) => texts.push({ where: `${page}:${index + 1}`, text: line }));
  }
  return texts;
}

test('Korean says 파드, as the Kubernetes Korean docs do, never "Pod"', () => {
  const texts = koreanTexts();
  assert.ok(texts.length > 300, 'found too few Korean strings: the scan is broken');
  const english = texts.filter(({ text }) => /(?<![A-Za-z])Pods?(?![A-Za-z])/.test(text)).map(({ where }) => where);
  assert.deepEqual(english, []);
});

test('Korean particles fit the word before them: no "이(가)" forms, no particle right after a placeholder', () => {
  // A placeholder can end in a vowel or a consonant ("1.2.2" reads 이, "404" reads 사), so a
  // particle after it is wrong half the time; the strings put a noun there (버전을, 파일을) instead.
  const both = /이\(가\)|가\(이\)|을\(를\)|를\(을\)|은\(는\)|는\(은\)|와\(과\)|과\(와\)|\(으\)로|\(이\)/;
  const afterPlaceholder = /\{\w+\}["'”’]?(?:이|가|을|를|은|는|와|과|으로|로)(?![가-힣])/;
  const wrong = koreanTexts()
    .filter(({ text }) => both.test(text) || afterPlaceholder.test(text))
    .map(({ where, text }) => `${where}: ${text}`);
  assert.deepEqual(wrong, []);
});

test('the Korean guide names the views by their Korean names', () => {
  const en = readJson('package.nls.json');
  const ko = readJson('package.nls.ko.json');
  const views = ['view.steps.name', 'view.pods.name'];
  for (const key of views) assert.notEqual(ko[key], en[key], `${key} is not translated`);
  const englishNames = koreanTexts()
    .filter(({ text }) => views.some((key) => text.includes(en[key])))
    .map(({ where }) => where);
  assert.deepEqual(englishNames, [], 'Korean text naming a view in English');
  const buttons = Object.values(ko).flatMap((text) =>
    [...text.matchAll(/\[([^\]]+) 뷰 열기\]/g)].map((match) => match[1]),
  );
  assert.ok(buttons.length >= 2, 'found no "open the view" buttons');
  for (const name of buttons)
    assert.ok(
      views.some((key) => ko[key] === name),
      `a button opens "${name}", which is no view's name`,
    );
});
