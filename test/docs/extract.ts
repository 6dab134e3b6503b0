// The shell commands of Markdown files: every fenced block marked sh, bash, shell or nothing, split
// into commands the way sh reads them, as far as the docs need (quotes, `\` line continuations,
// `#` comments). Shell operators stay words of the command, so a pipeline counts as one command.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface DocCommand {
  /** The file, relative to the repository root. */
  file: string;
  /** The line the command starts on (1-based). */
  line: number;
  /** The command as written, without its comment, continuation lines joined, spaces collapsed. */
  text: string;
  /** The words sh would pass on, quotes removed. */
  words: string[];
}

/** Blocks with another language (ts, js, python, text) hold no commands a user types into a shell. */
const SHELL_LANGUAGES = new Set(['', 'sh', 'bash', 'shell']);
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;

/** Splits shell text into commands; `firstLine` is the line number of its first line. */
export function splitCommands(file: string, text: string, firstLine = 1): DocCommand[] {
  const commands: DocCommand[] = [];
  let raw: string[] = [];
  let words: string[] = [];
  let rawWord = '';
  let word = '';
  let inWord = false;
  let quote: string | null = null;
  let line = firstLine;
  let start = firstLine;
  const grow = (written: string, value: string): void => {
    if (!inWord && words.length === 0) start = line;
    rawWord += written;
    word += value;
    inWord = true;
  };
  const endWord = (): void => {
    if (inWord) {
      raw.push(rawWord);
      words.push(word);
    }
    rawWord = '';
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push({ file, line: start, text: raw.join(' '), words });
    raw = [];
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '\n') line++;
    if (quote !== null) {
      const closing = c === quote;
      if (closing) quote = null;
      grow(c, closing ? '' : c);
    } else if (c === '\\' && next === '\n') {
      endWord();
      line++;
      i++;
    } else if (c === '\\' && next !== undefined) {
      grow(c + next, next);
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
      grow(c, '');
    } else if (c === '\n') {
      endCommand();
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '#' && !inWord) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else {
      grow(c, c);
    }
  }
  if (quote !== null) throw new Error(`${file}:${start}: a quote (${quote}) is never closed`);
  endCommand();
  return commands;
}

/** The commands of every shell block of one Markdown text. */
export function markdownCommands(file: string, markdown: string): DocCommand[] {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (open === null) continue;
    const [, indent = '', fence = '', language = ''] = open;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[end] as string)) end++;
    if (SHELL_LANGUAGES.has(language.toLowerCase())) {
      const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
      commands.push(...splitCommands(file, body.join('\n'), i + 2));
    }
    i = end;
  }
  return commands;
}

/** README.md and docs/*.md of the checkout at `root`, in that order. */
export function docCommands(root: string): DocCommand[] {
  const docs = readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', ...docs].flatMap((file) => markdownCommands(file, readFileSync(path.join(root, file), 'utf8')));
}
