// Types of scripts/readme-tables.mjs for the TypeScript tests that import it.
export function tables(nlsFile: string, headers: Record<string, string>): { commands: string; settings: string };
export function render(text: string, generated: Record<string, string>, file: string): string;
/** README files whose generated tables differ from package.json. */
export function outdatedReadmes(): string[];
