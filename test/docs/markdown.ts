/** Markdown reading for the documentation tests: headings as GitHub anchors, relative links. */
import { readFileSync } from 'node:fs';

export interface MarkdownLink {
  file: string;
  line: number;
  target: string;
}

/** The lines outside fenced code blocks, with their 1-based numbers (a `# x` in a sh block is no heading). */
function proseLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let fence: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const opener = /^\s*(```+|~~~+)/.exec(raw);
    if (opener) {
      const mark = opener[1];
      if (fence === undefined) fence = mark;
      else if (mark.startsWith(fence)) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line: index + 1, text: raw });
  });
  return out;
}

/** GitHub's heading anchor: inline markup dropped, lower case, punctuation removed, spaces to hyphens. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** Every anchor a file offers, with GitHub's -1, -2 … suffixes for repeated headings. */
export function anchorsOf(path: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(readFileSync(path, 'utf8'))) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const slug = githubSlug(heading[1]);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The links of a file that point inside the repository (no scheme, no mailto). */
export function relativeLinks(path: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, text } of proseLines(readFileSync(path, 'utf8'))) {
    // Inline code may hold bracket-and-parenthesis text that is no link.
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ file: path, line, target });
    }
  }
  return links;
}
