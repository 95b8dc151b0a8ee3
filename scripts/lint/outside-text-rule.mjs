// ESLint rule `istio-lab/outside-text`: outside text reaches notifications and Markdown only
// through src/ui/outside-text.ts. VS Code renders `[label](command:…)` in a notification as a
// link that runs the command, and Markdown renders links, HTML and code; text from an archive, a
// server, a cluster or a file must be escaped first. The rule checks what it can see in the
// syntax, so a message is either built in place or marked with outside():
// - the message of `vscode.window.show{Information,Warning,Error}Message`, the `title` of
//   `withProgress` and the `message` of `progress.report` are a string literal, a
//   `vscode.l10n.t('literal', …)` whose arguments are themselves allowed, or `outside(…)`;
// - show*Message is called directly (not through a variable, which would hide its argument);
// - a MarkdownString is an `OutsideMarkdown` (src/ui/outside-markdown.ts), never `new vscode.MarkdownString`;
// - `appendMarkdown` takes literal Markdown, `vscode.l10n.t` text, or escapeMarkdown / markdownCode /
//   markdownCodeblock of outside text.

const SHOW_MESSAGE = /^show(Information|Warning|Error)Message$/;
const MESSAGE_HELPERS = new Set(['outside']);
const MARKDOWN_HELPERS = new Set(['escapeMarkdown', 'markdownCode', 'markdownCodeblock']);

const propertyName = (member) =>
  member.computed ? (member.property.type === 'Literal' ? member.property.value : undefined) : member.property.name;

/** `vscode.<namespace>.<name>` (name tested by `test`). */
function isVscodeMember(node, namespace, test) {
  return (
    node?.type === 'MemberExpression' &&
    node.object.type === 'MemberExpression' &&
    node.object.object.type === 'Identifier' &&
    node.object.object.name === 'vscode' &&
    propertyName(node.object) === namespace &&
    test(propertyName(node))
  );
}

const isL10nCall = (node) =>
  node.type === 'CallExpression' && isVscodeMember(node.callee, 'l10n', (name) => name === 't');
const isHelperCall = (node, helpers) =>
  node.type === 'CallExpression' && node.callee.type === 'Identifier' && helpers.has(node.callee.name);

/** The parts of `node` not built from literals, localised templates and the given helpers. */
function unsafeParts(node, helpers) {
  if (!node) return [];
  const partsOf = (nodes) => nodes.flatMap((part) => unsafeParts(part, helpers));
  switch (node.type) {
    case 'Literal':
    case 'UpdateExpression': // counters: numbers only
      return [];
    case 'BinaryExpression': // arithmetic gives numbers; `+` may join strings, so it is not here
      return ['-', '*', '/', '%', '**'].includes(node.operator) ? [] : [node];
    case 'MemberExpression': // a count: `objects.length`, `forwards.size`
      return ['length', 'size'].includes(propertyName(node)) ? [] : [node];
    case 'Identifier':
      return node.name === 'undefined' ? [] : [node];
    case 'TemplateLiteral':
      return partsOf(node.expressions);
    case 'ConditionalExpression':
      return partsOf([node.consequent, node.alternate]);
    case 'LogicalExpression':
      return partsOf([node.left, node.right]);
    case 'CallExpression':
      if (isHelperCall(node, helpers)) return [];
      if (isL10nCall(node)) {
        const [template, ...args] = node.arguments;
        return template?.type === 'Literal' ? partsOf(args) : [node];
      }
      return [node];
    default:
      return [node];
  }
}

const objectProperty = (node, name) =>
  node?.type === 'ObjectExpression'
    ? node.properties.find(
        (property) => property.type === 'Property' && !property.computed && property.key.name === name,
      )
    : undefined;

export const outsideTextRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Outside text reaches notifications and Markdown only through src/ui/outside-text.ts' },
    schema: [],
    messages: {
      message:
        'Wrap this in outside() (src/ui/outside-text.ts): a notification renders [label](command:…) in outside text as a link that runs the command.',
      indirect: 'Call vscode.window.{{name}} directly, so lint can check its message for outside text.',
      markdownString:
        'Build Markdown with OutsideMarkdown (src/ui/outside-markdown.ts): untrusted, no HTML, and its appendText escapes outside text.',
      appendMarkdown:
        'appendMarkdown takes literal Markdown, vscode.l10n.t text, or escapeMarkdown / markdownCode / markdownCodeblock of outside text (src/ui/outside-text.ts).',
    },
  },
  create(context) {
    const checkMessage = (node) => {
      for (const unsafe of unsafeParts(node, MESSAGE_HELPERS)) context.report({ node: unsafe, messageId: 'message' });
    };
    return {
      CallExpression(node) {
        if (isVscodeMember(node.callee, 'window', (name) => SHOW_MESSAGE.test(name))) checkMessage(node.arguments[0]);
        if (isVscodeMember(node.callee, 'window', (name) => name === 'withProgress'))
          checkMessage(objectProperty(node.arguments[0], 'title')?.value);
        if (node.callee.type === 'MemberExpression' && propertyName(node.callee) === 'report')
          checkMessage(objectProperty(node.arguments[0], 'message')?.value);
        if (node.callee.type === 'MemberExpression' && propertyName(node.callee) === 'appendMarkdown') {
          for (const unsafe of unsafeParts(node.arguments[0], MARKDOWN_HELPERS))
            context.report({ node: unsafe, messageId: 'appendMarkdown' });
        }
      },
      MemberExpression(node) {
        const name = propertyName(node);
        if (
          isVscodeMember(node, 'window', (n) => SHOW_MESSAGE.test(n)) &&
          !(node.parent.type === 'CallExpression' && node.parent.callee === node)
        ) {
          context.report({ node, messageId: 'indirect', data: { name } });
        }
      },
      NewExpression(node) {
        const callee = node.callee;
        const named =
          (callee.type === 'MemberExpression' && propertyName(callee) === 'MarkdownString') ||
          (callee.type === 'Identifier' && callee.name === 'MarkdownString');
        if (named) context.report({ node, messageId: 'markdownString' });
      },
    };
  },
};

export const istioLabPlugin = { rules: { 'outside-text': outsideTextRule } };
