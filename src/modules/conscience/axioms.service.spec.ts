import { Logger } from '@nestjs/common';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../../config/app-config';
import { AxiomsService } from './axioms.service';
import { ConscienceComponent } from './conscience.component';
import { AxiomsInvalidError } from './conscience.errors';
import type { ComponentRegistry } from '../../kernel';

const SHIPPED = join(__dirname, '../../../axioms.json');

function document(version: string): string {
  return JSON.stringify({
    version,
    thresholds: { allow: 0.5, maxSpread: 1 },
    perspectiveWeights: { deontic: 1, consequential: 0, precedent: 0 },
    axioms: [
      {
        id: 'only',
        title: 'Only axiom',
        perspective: 'deontic',
        effect: 'forbid',
        when: false,
        rationale: 'test',
      },
    ],
  });
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await sleep(10);
  }
}

describe(AxiomsService.name, () => {
  let dir: string;
  let path: string;
  let service: AxiomsService;
  let component: ConscienceComponent;

  const create = (watchIntervalMs = 0) => {
    const config = { conscience: { axiomsPath: path, watchIntervalMs } } as AppConfig;
    service = new AxiomsService(config);
    const registry = { register: jest.fn() } as unknown as ComponentRegistry;
    component = new ConscienceComponent(config, registry, service);
  };

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phoenix-axioms-'));
    path = join(dir, 'axioms.json');
  });

  afterEach(async () => {
    await component.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should start on the file and report running', async () => {
    copyFileSync(SHIPPED, path);
    create();
    await component.start();
    expect(service.current()).toMatchObject({
      source: 'file',
      path: basename(path),
      set: { version: '2025.1.0' },
    });
    expect(service.degradedReason()).toBeNull();
    expect(component.selfReport()).toEqual({ state: 'running' });
  });

  it('should start degraded on the built-in set when the file is missing', async () => {
    create();
    await component.start();
    expect(service.current().source).toBe('builtin-fallback');
    expect(service.degradedReason()).toBe(`axioms file ${basename(path)} not found`);
    expect(component.selfReport()).toEqual({
      state: 'degraded',
      reason: `built-in fallback axioms in service: axioms file ${basename(path)} not found`,
    });
  });

  it('should start degraded when the file is invalid, naming the problem', async () => {
    writeFileSync(path, JSON.stringify({ version: '1' }));
    create();
    await component.start();
    expect(service.current().source).toBe('builtin-fallback');
    expect(service.degradedReason()).toMatch(/is invalid: thresholds is required/);
  });

  it('should replace the set on a valid reload, and leave a set already taken as it was', async () => {
    writeFileSync(path, document('v1'));
    create();
    await component.start();
    const taken = service.current();
    writeFileSync(path, document('v2'));
    await expect(service.reload('admin')).resolves.toMatchObject({ ok: true, changed: true });
    expect(service.current().set.version).toBe('v2');
    expect(taken.set.version).toBe('v1');
    await expect(service.reload('admin')).resolves.toMatchObject({ ok: true, changed: false });
  });

  it('should keep the last good set when a reload finds an invalid or missing file', async () => {
    writeFileSync(path, document('v1'));
    create();
    await component.start();
    writeFileSync(path, '{"version": "v2"');
    const error = await service.reload('admin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiomsInvalidError);
    expect((error as AxiomsInvalidError).extensions.errors).toEqual({
      file: [expect.stringMatching(/^is not valid JSON/)],
    });
    rmSync(path);
    await expect(service.reload('admin')).rejects.toBeInstanceOf(AxiomsInvalidError);
    expect(service.current().set.version).toBe('v1');
    expect(service.lastReloadOutcome()).toMatchObject({ ok: false, trigger: 'admin' });
    expect(component.selfReport()).toEqual({ state: 'running' });
  });

  it('should leave the fallback once a valid file is reloaded', async () => {
    create();
    await component.start();
    writeFileSync(path, document('v1'));
    await service.reload('admin');
    expect(service.current().source).toBe('file');
    expect(component.selfReport()).toEqual({ state: 'running' });
  });

  it('should keep a file’s set when the component restarts on an invalid file', async () => {
    writeFileSync(path, document('v1'));
    create();
    await component.start();
    await component.stop();
    writeFileSync(path, 'not json');
    await component.start();
    expect(service.current().set.version).toBe('v1');
  });

  it('should reload when the file changes while watched, and stop on stop()', async () => {
    writeFileSync(path, document('v1'));
    create(20);
    await component.start();
    // Another size: a rewrite within the file system's timestamp granularity is seen by its size.
    writeFileSync(path, document('v2.0'));
    await until(() => service.current().set.version === 'v2.0');
    expect(service.lastReloadOutcome()).toMatchObject({ trigger: 'file-change', changed: true });
    await component.stop();
    writeFileSync(path, document('v3.0.0'));
    await sleep(400);
    expect(service.current().set.version).toBe('v2.0');
  });

  it('should keep the set when a watched file turns invalid', async () => {
    writeFileSync(path, document('v1'));
    create(20);
    await component.start();
    writeFileSync(path, '[]');
    await until(() => service.lastReloadOutcome() !== null);
    expect(service.lastReloadOutcome()).toMatchObject({ ok: false, trigger: 'file-change' });
    expect(service.current().set.version).toBe('v1');
  });
});
