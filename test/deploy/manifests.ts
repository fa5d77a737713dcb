import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const KUBERNETES_DIR = join(ROOT, 'deploy', 'kubernetes');

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML, checked field by field */
export type Manifest = Record<string, any> & { kind: string; metadata: { name: string; namespace?: string } };

export interface LoadedManifest {
  file: string;
  doc: Manifest;
}

/**
 * Every YAML document of every file under deploy/kubernetes (kustomization.yaml is kustomize's own
 * file, not an object of the cluster); throws on the first parse error.
 */
export function loadKubernetesManifests(): LoadedManifest[] {
  const loaded: LoadedManifest[] = [];
  const files = readdirSync(KUBERNETES_DIR).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
  for (const file of files.sort()) {
    for (const document of parseAllDocuments(readFileSync(join(KUBERNETES_DIR, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
      const doc = document.toJS() as Manifest | null;
      if (doc) loaded.push({ file, doc });
    }
  }
  return loaded;
}

/** Resolves compose's `${NAME:-default}` / `${NAME}` the way it would with an empty environment. */
export function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback?: string) => fallback ?? '');
}
