import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, type AppName } from '@app/config';
import { NOTIFICATIONS_QUEUE } from '@app/queue';
import { KUBERNETES_DIR, type LoadedManifest, loadKubernetesManifests, type Manifest, ROOT } from './manifests';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML */
const APPS: Record<string, { app: AppName; port: number }> = {
  ingest: { app: 'ingest', port: 3000 },
  dispatcher: { app: 'dispatcher', port: 3001 },
  admin: { app: 'admin', port: 3002 },
};

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const all: LoadedManifest[] = loadKubernetesManifests();
  const docs = all.map((m) => m.doc);
  const ofKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const named = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
  const configMap = named('ConfigMap', 'axp-push-config')!;
  const secrets = ofKind('Secret');
  const secretKeys = (name: string) => Object.keys(secrets.find((s) => s.metadata.name === name)?.stringData ?? {});
  const deployment = (component: string) => named('Deployment', `axp-push-${component}`)!;
  const podSpec = (d: Manifest) => d.spec.template.spec;

  it('parses into documents that all have apiVersion, kind, name and the namespace', () => {
    expect(docs.length).toBeGreaterThanOrEqual(15);
    for (const { file, doc } of all) {
      expect({ file, apiVersion: typeof doc.apiVersion, kind: typeof doc.kind, name: typeof doc.metadata?.name }).toEqual({
        file,
        apiVersion: 'string',
        kind: 'string',
        name: 'string',
      });
      if (doc.kind !== 'Namespace') expect(`${file}:${doc.metadata.namespace}`).toBe(`${file}:axp-push`);
    }
  });

  it('holds every kind the deployment needs', () => {
    const kinds = new Set(docs.map((d) => d.kind));
    for (const kind of ['Namespace', 'ConfigMap', 'Secret', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'ScaledObject', 'TriggerAuthentication', 'Job', 'PodDisruptionBudget']) {
      expect(kinds).toContain(kind);
    }
    expect(ofKind('Deployment').map((d) => d.metadata.name).sort()).toEqual(['axp-push-admin', 'axp-push-dispatcher', 'axp-push-ingest']);
  });

  describe.each(Object.keys(APPS))('the %s Deployment', (component) => {
    const { app, port } = APPS[component];
    const d = deployment(component);
    const spec = podSpec(d);
    const container = spec.containers[0];

    it('runs its own entry point, which exists in the source tree', () => {
      expect(d.spec.selector.matchLabels).toEqual(expect.objectContaining({ 'app.kubernetes.io/component': component }));
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) expect(d.spec.template.metadata.labels[k]).toBe(v);
      expect(container.image).toMatch(/^axp-push-connector:/);
      expect(container.command[0]).toBe('node');
      expect(container.command.at(-1)).toBe(`dist/apps/${component}/src/main.js`);
      // The ingest runs with the heap cap its memory budget was measured with (BENCHMARKS.md).
      if (component === 'ingest') expect(container.command).toContain('--max-old-space-size=192');
      expect(existsSync(join(ROOT, `apps/${component}/src/main.ts`))).toBe(true);
    });

    it('probes readiness on /health/ready and liveness on /health/live, on its declared port', () => {
      const portNames = new Map(container.ports.map((p: any) => [p.name, p.containerPort]));
      expect(container.ports).toContainEqual({ name: 'http', containerPort: port });
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      for (const probe of [container.readinessProbe, container.livenessProbe]) expect(portNames.has(probe.httpGet.port)).toBe(true);
      expect(d.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(port));
    });

    it('requests resources and caps memory', () => {
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits.memory).toEqual(expect.any(String));
    });

    it('runs as a non-root user without privilege escalation', () => {
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    });

    it('gets everything its configuration requires from the ConfigMap and the Secrets', () => {
      const env: Record<string, string> = { ...configMap.data };
      for (const ref of container.envFrom) expect(ref.configMapRef.name).toBe('axp-push-config');
      for (const variable of container.env) {
        if (variable.value !== undefined) env[variable.name] = variable.value;
        const ref = variable.valueFrom?.secretKeyRef;
        // An optional key (CONFIG_ENCRYPTION_KEY, REGISTRATION_APP_KEYS) may be absent from the Secret.
        if (ref?.optional === true && !secretKeys(ref.name).includes(ref.key)) continue;
        if (ref) {
          expect(secretKeys(ref.name)).toContain(ref.key);
          env[variable.name] = secrets.find((s) => s.metadata.name === ref.name)!.stringData[ref.key];
        }
      }
      const config = loadConfig(app, env);
      expect(config.http.port).toBe(port);
      expect(config.nodeEnv).toBe('production');
      expect(env).not.toHaveProperty('FCM_EMULATOR_HOST');
    });
  });

  it('mounts the FCM service-account key from a Secret where GOOGLE_APPLICATION_CREDENTIALS points', () => {
    const spec = podSpec(deployment('dispatcher'));
    const container = spec.containers[0];
    const path = container.env.find((e: any) => e.name === 'GOOGLE_APPLICATION_CREDENTIALS').value as string;
    const mount = container.volumeMounts.find((m: any) => path.startsWith(`${m.mountPath}/`));
    expect(mount.readOnly).toBe(true);
    const volume = spec.volumes.find((v: any) => v.name === mount.name);
    expect(secretKeys(volume.secret.secretName)).toContain(path.slice(mount.mountPath.length + 1));
  });

  it('scales the ingest on CPU with an HPA', () => {
    const hpas = ofKind('HorizontalPodAutoscaler');
    expect(hpas).toHaveLength(1);
    expect(hpas[0].spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'axp-push-ingest' });
    expect(hpas[0].spec.metrics).toContainEqual(
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    );
    expect(hpas[0].spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it("scales the dispatcher with KEDA on the length of BullMQ's wait list", () => {
    const [scaled] = ofKind('ScaledObject');
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled.spec.scaleTargetRef.name).toBe('axp-push-dispatcher');
    const [trigger] = scaled.spec.triggers;
    expect(trigger.type).toBe('redis');
    expect(trigger.metadata.listName).toBe(`${configMap.data.QUEUE_PREFIX}:${NOTIFICATIONS_QUEUE}:wait`);
    expect(trigger.metadata.listName).toBe('{axp-push}:axp-notifications:wait');
    expect(Number(trigger.metadata.listLength)).toBeGreaterThan(0);
    const auth = named('TriggerAuthentication', trigger.authenticationRef.name)!;
    for (const ref of auth.spec.secretTargetRef) expect(secretKeys(ref.name)).toContain(ref.key);
  });

  it('runs migrations in a one-shot Job with the migration CLI', () => {
    const [job] = ofKind('Job');
    const spec = job.spec.template.spec;
    expect(['Never', 'OnFailure']).toContain(spec.restartPolicy);
    expect(spec.containers[0].command).toEqual(['node', 'dist/libs/persistence/src/cli/migrate.js']);
    expect(existsSync(join(ROOT, 'libs/persistence/src/cli/migrate.ts'))).toBe(true);
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(spec.containers[0].resources.requests).toBeDefined();
    expect(spec.containers[0].env.map((e: any) => e.valueFrom.secretKeyRef.key)).toEqual(['DATABASE_URL']);
  });

  it('points every Service and PodDisruptionBudget at pods that exist', () => {
    const templates = ofKind('Deployment').map((d) => d.spec.template);
    const selects = (selector: Record<string, string>) =>
      templates.filter((t) => Object.entries(selector).every(([k, v]) => t.metadata.labels[k] === v));
    for (const service of ofKind('Service')) {
      const [target] = selects(service.spec.selector);
      expect(target).toBeDefined();
      const ports = target.spec.containers[0].ports.map((p: any) => p.name);
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
    for (const pdb of ofKind('PodDisruptionBudget')) expect(selects(pdb.spec.selector.matchLabels)).toHaveLength(1);
  });

  it('lists every manifest but the Secret example in the kustomization', () => {
    const kustomization = parse(readFileSync(join(KUBERNETES_DIR, 'kustomization.yaml'), 'utf8'));
    const files = [...new Set(all.map((m) => m.file))].filter((f) => f !== 'secrets.example.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });
});
