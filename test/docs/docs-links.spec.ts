import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { anchorsOf, githubSlug, relativeLinks } from './markdown';

/** The README is the front door and docs/ holds the rest: both must stay short and linked. */
const root = resolve(__dirname, '../..');
const readme = join(root, 'README.md');
const docsDir = join(root, 'docs');
const documents = [
  readme,
  join(root, 'BENCHMARKS.md'),
  ...readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(docsDir, name)),
];

describe('README.md', () => {
  const text = readFileSync(readme, 'utf8');

  it('has at most 250 lines', () => {
    expect(text.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(250);
  });

  it.each(['npm run dev', 'npm run demo', 'npm test'])('names `%s`', (command) => {
    expect(text).toContain(command);
  });

  it('links every document under docs/', () => {
    const linked = new Set(relativeLinks(readme).map((link) => resolve(root, link.target.split('#')[0])));
    const unlinked = documents.filter((path) => path.startsWith(docsDir) && !linked.has(path));
    expect(unlinked.map((path) => relative(root, path))).toEqual([]);
  });
});

describe('docs/', () => {
  it.each(
    [
      'configuration.md',
      'api.md',
      'fcm.md',
      'operations.md',
      'deployment.md',
      'guarantees.md',
      'development.md',
      'architecture.md',
      'security.md',
    ].map((name) => [name]),
  )('%s exists and says who it is for', (name) => {
    const path = join(docsDir, name);
    expect(existsSync(path)).toBe(true);
    const firstParagraph = readFileSync(path, 'utf8').split('\n\n')[1] ?? '';
    expect(firstParagraph).toMatch(/^For /);
  });
});

describe('relative links', () => {
  const links = documents.flatMap((path) => relativeLinks(path));

  it('are found (the check is not vacuous)', () => {
    expect(links.length).toBeGreaterThan(20);
  });

  it('reach an existing file and, with a #fragment, an existing heading', () => {
    const broken: string[] = [];
    for (const link of links) {
      const [pathPart, fragment] = link.target.split('#', 2);
      const target = pathPart === '' ? link.file : resolve(dirname(link.file), decodeURI(pathPart));
      const where = `${relative(root, link.file)}:${link.line} → ${link.target}`;
      if (!existsSync(target)) {
        broken.push(`${where} (no such file)`);
      } else if (fragment !== undefined && fragment !== '') {
        const anchors = statSync(target).isFile() && target.endsWith('.md') ? anchorsOf(target) : new Set<string>();
        if (!anchors.has(fragment)) broken.push(`${where} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('githubSlug', () => {
  it.each([
    ['Redis Sentinel and Cluster', 'redis-sentinel-and-cluster'],
    ['QUEUE_BACKEND=postgres', 'queue_backendpostgres'],
    ['`npm run demo`: the demo', 'npm-run-demo-the-demo'],
    ['Stores and their bounds', 'stores-and-their-bounds'],
    ['Quickstart details (npm run dev)', 'quickstart-details-npm-run-dev'],
  ])('%s → %s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });
});
