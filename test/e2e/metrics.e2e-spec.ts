import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const TOKEN = 'metrics-e2e-token-0123456789abcd';
const ADMIN = { Authorization: `Bearer ${TOKEN}` };
const DEPLOY = join(__dirname, '..', '..', 'deploy');

/**
 * promtool (Debian package `prometheus`) checks the exposition and the alert rules. Without it
 * the checks are skipped with a line saying so, except under CI=true, where it is required.
 */
const PROMTOOL = (() => {
  if (!spawnSync('promtool', ['--version']).error) {
    return 'promtool';
  }
  if (process.env.CI === 'true') {
    throw new Error('CI=true requires promtool (apt-get install prometheus; .ci/run installs it)');
  }
  process.stderr.write(
    '[e2e] promtool checks skipped: promtool not found (apt-get install prometheus)\n',
  );
  return undefined;
})();
const withPromtool = PROMTOOL ? it : it.skip;

function promtool(args: string[], input?: string, cwd?: string) {
  const result = spawnSync(PROMTOOL ?? 'promtool', args, { input, cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The value of the series of `name` with these labels, or undefined. */
function valueOf(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        pairs.every((pair) => l.includes(pair)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describeEachDatabase('Metrics (e2e)', (db) => {
  let t: TestApp;

  const scrape = async (): Promise<string> => {
    const res = await t.http.get('/metrics').expect(200);
    return res.text;
  };

  beforeAll(async () => {
    t = await TestApp.create({ db, env: { PHOENIX_ADMIN_TOKEN: TOKEN } });
  });

  afterAll(async () => {
    await t.destroy();
  });

  it('should serve the Prometheus text format with the Node and process metrics', async () => {
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
  });

  it('should time requests by method, route template and status, never by raw URL', async () => {
    const id = '0b9b4c3e-8d2a-4b7f-9c1e-2f3a4b5c6d7e';
    await t.http.get(`/api/v1/memories/${id}`).expect(404);
    await t.http.get('/no/such/route/42').expect(404);
    await t.http.get('/health/live').expect(200);
    const text = await scrape();
    const count = 'phoenix_http_request_duration_seconds_count';
    expect(
      valueOf(text, count, { method: 'GET', route: '/api/v1/memories/:id', status_code: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(text, count, { method: 'GET', route: 'unmatched', status_code: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(text, count, { method: 'GET', route: '/health/live', status_code: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(id);
    expect(text).not.toContain('/no/such');
  });

  it('should count readiness evaluations and cached answers', async () => {
    const before = await scrape();
    const hits = valueOf(before, 'phoenix_health_check_cache_hits_total', { probe: 'ready' }) ?? 0;
    await t.http.get('/health/ready').expect(200);
    await t.http.get('/health/ready').expect(200);
    const after = await scrape();
    expect(
      valueOf(after, 'phoenix_health_check_cache_hits_total', { probe: 'ready' }),
    ).toBeGreaterThanOrEqual(hits + 1);
    expect(
      valueOf(after, 'phoenix_health_check_duration_seconds_count', { probe: 'ready' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('should show each component up and count its restarts', async () => {
    const before = await scrape();
    expect(valueOf(before, 'phoenix_component_up', { component: 'memory' })).toBe(1);
    expect(
      valueOf(before, 'phoenix_component_state', { component: 'memory', state: 'running' }),
    ).toBe(1);
    const restarts = valueOf(before, 'phoenix_component_restarts_total', { component: 'memory' });
    expect(restarts).toBeDefined();

    await t.http.post('/api/v1/admin/components/memory/stop').set(ADMIN).expect(200);
    const stopped = await scrape();
    expect(valueOf(stopped, 'phoenix_component_up', { component: 'memory' })).toBe(0);
    expect(
      valueOf(stopped, 'phoenix_component_state', { component: 'memory', state: 'stopped' }),
    ).toBe(1);

    await t.http.post('/api/v1/admin/components/memory/restart').set(ADMIN).expect(200);
    const restarted = await scrape();
    expect(valueOf(restarted, 'phoenix_component_up', { component: 'memory' })).toBe(1);
    expect(valueOf(restarted, 'phoenix_component_restarts_total', { component: 'memory' })).toBe(
      (restarts ?? 0) + 1,
    );
  });

  it('should have every maintenance series from the start', async () => {
    const text = await scrape();
    for (const job of ['compaction', 'cleanup', 'integrity', 'backup']) {
      expect(valueOf(text, 'phoenix_maintenance_job_failures_total', { job_name: job })).toBe(0);
      expect(valueOf(text, 'phoenix_maintenance_job_running', { job_name: job })).toBe(0);
    }
    expect(
      valueOf(text, 'phoenix_maintenance_job_interval_seconds', { job_name: 'compaction' }),
    ).toBe(300);
    expect(
      valueOf(text, 'phoenix_maintenance_job_interval_seconds', { job_name: 'integrity' }),
    ).toBe(3600);
  });

  withPromtool('should pass promtool check metrics without a word', async () => {
    await t.http.post('/api/v1/admin/maintenance/jobs/compaction/run').set(ADMIN).expect(200);
    const { status, output } = promtool(['check', 'metrics'], await scrape());
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  if (db === 'sqlite') {
    describe('deploy/ rules and dashboard', () => {
      withPromtool('should pass promtool check rules', () => {
        const { status, output } = promtool([
          'check',
          'rules',
          join(DEPLOY, 'prometheus', 'phoenix-rules.yaml'),
        ]);
        expect(output).toContain('SUCCESS: 16 rules found');
        expect(status).toBe(0);
      });

      withPromtool('should pass the alert unit tests (promtool test rules)', () => {
        const { status, output } = promtool(
          ['test', 'rules', 'phoenix-rules.test.yaml'],
          undefined,
          join(DEPLOY, 'prometheus'),
        );
        expect(output).toContain('SUCCESS');
        expect(status).toBe(0);
      });

      it('should refer only to metrics the service exposes', async () => {
        await t.http.post('/api/v1/admin/maintenance/jobs/compaction/run').set(ADMIN).expect(200);
        const text = await scrape();
        const exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
        const sources = [
          readFileSync(join(DEPLOY, 'prometheus', 'phoenix-rules.yaml'), 'utf8'),
          readFileSync(join(DEPLOY, 'grafana', 'phoenix-kernel.json'), 'utf8'),
        ].join('\n');
        const referenced = new Set(
          [...sources.matchAll(/\b((?:phoenix|nodejs|process)_[a-z0-9_]+)/g)].map((match) =>
            match[1].replace(/_(bucket|count|sum)$/, ''),
          ),
        );
        expect([...referenced].filter((name) => !exposed.has(name))).toEqual([]);
        expect(referenced.size).toBeGreaterThan(15);
      });

      it('should have a dashboard whose every panel queries something', () => {
        const dashboard = JSON.parse(
          readFileSync(join(DEPLOY, 'grafana', 'phoenix-kernel.json'), 'utf8'),
        ) as { uid: string; panels: Array<{ type: string; targets?: Array<{ expr: string }> }> };
        expect(dashboard.uid).toBe('phoenix-kernel');
        const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');
        expect(graphs.length).toBeGreaterThan(10);
        for (const panel of graphs) {
          expect(panel.targets?.length).toBeGreaterThan(0);
        }
      });
    });
  }
});
