import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { ADMIN_TOKEN, CHAOS_ENV } from '../e2e/utils/chaos';
import { describeEachDatabase } from '../e2e/utils/databases';
import { TestApp } from '../e2e/utils/test-app';
import { KernelState } from './kernel-state';
import { describeOperation, type Operation, operationsOf } from './openapi';
import { violations } from './oracle';
import { send } from './raw-http';
import { type FuzzRequest, requestsFor } from './requests';

/** CI's fixed seed and count (test/fuzz/run.js sets these from --seed and --runs). */
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const ONLY = process.env.FUZZ_OP;
const PATH = process.env.FUZZ_PATH;
/** Small enough that a body over it is cheap to send; the default (2 MiB) has the same code path. */
const BODY_LIMIT = 256 * 1024;

/**
 * What the fuzzer undoes: after every successful write to an admin route it clears chaos faults,
 * waits for a world rebuild to finish and starts every component that is not running (so stop,
 * restart and fault injection are fuzzed, and no later request meets their effect). Memories,
 * observations and evaluations it created stay: they are what a client may legitimately write.
 */
interface OperationRun {
  failure?: string;
  /** Successful writes: the only requests that may grow the log. */
  writes: number;
}

describeEachDatabase('Every operation of the OpenAPI document, fuzzed (fuzz)', (db) => {
  let t: TestApp;
  let port: number;
  let state: KernelState;
  let operations: Operation[];

  beforeAll(async () => {
    t = await TestApp.create({
      db,
      env: { ...CHAOS_ENV, PHOENIX_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
    });
    port = Number(new URL(await t.listen()).port);
    state = new KernelState(port, ADMIN_TOKEN);
    operations = await operationsOf(await state.json('/docs-json'));
  });

  afterAll(async () => {
    await t.destroy();
  });

  it('should read the operations from the running app', () => {
    const names = operations.map(describeOperation);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/v1/memories',
        'GET /api/v1/memories/{id}',
        'POST /api/v1/admin/chaos/faults',
      ]),
    );
  });

  it(`should answer every request without a 5xx or a leak, change nothing when it refuses, and keep every component running (seed ${SEED}, ${RUNS} runs per operation)`, async () => {
    const selected = operations.filter(
      (op) => ONLY === undefined || describeOperation(op) === ONLY,
    );
    expect(selected.length).toBeGreaterThan(0);
    process.stderr.write(
      `[fuzz ${db}] seed ${SEED}, ${RUNS} runs × ${selected.length} operations\n`,
    );
    const failures: string[] = [];
    for (const op of selected) {
      const started = Date.now();
      const before = await state.treeSize();
      const run = await fuzzOperation(op);
      const grown = (await state.treeSize()) - before;
      const problems = run.failure ? [run.failure] : [];
      if (grown < 0 || grown > run.writes) {
        problems.push(`the log grew by ${grown} leaves with ${run.writes} successful writes`);
      }
      const down = await state.notRunning();
      if (down.length > 0) {
        problems.push(`components not running afterwards: ${down.join(', ')}`);
        await state.restore();
      }
      if (problems.length > 0) {
        failures.push(`${describeOperation(op)}\n  ${problems.join('\n  ')}`);
      }
      process.stderr.write(
        `[fuzz ${db}] ${problems.length > 0 ? 'FAIL' : 'ok  '} ${describeOperation(op)} (${Date.now() - started} ms)\n`,
      );
    }
    if (failures.length > 0) {
      throw new Error(
        `${failures.length} operations broke the promise on ${db}:\n\n${failures.join('\n\n')}`,
      );
    }
  });

  async function fuzzOperation(op: Operation): Promise<OperationRun> {
    const run: OperationRun = { writes: 0 };
    const property = fc.asyncProperty(
      requestsFor(op, { adminToken: ADMIN_TOKEN, bodyLimitBytes: BODY_LIMIT }),
      async (req: FuzzRequest) => {
        const res = await send(port, req);
        if (req.isWrite && res.status < 300) {
          run.writes += 1;
          if (op.secured) {
            await state.restore();
          }
        }
        const problems = violations(req, res);
        // JSON is UTF-8 (RFC 8259): a body that is not must be refused, not stored with U+FFFD.
        if (op.body && req.body && !isUtf8(req.body) && res.status < 300) {
          problems.push(`${res.status}: accepted a body that is not valid UTF-8`);
        }
        if (problems.length > 0) {
          throw new Error(
            `${problems.join('; ')}\n    response: ${res.body.toString('utf8').slice(0, 300)}`,
          );
        }
      },
    );
    const details = await fc.check(property, {
      seed: SEED,
      numRuns: RUNS,
      ...(PATH !== undefined && ONLY !== undefined ? { path: PATH } : {}),
      endOnFailure: false,
    });
    if (details.failed) {
      const replay = `npm run fuzz -- --seed ${details.seed} --op '${describeOperation(op)}' --path '${details.counterexamplePath ?? ''}'`;
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : '';
      run.failure = `${fc.defaultReportMessage(details) ?? 'failed'}\n  error: ${error}\n  replay: ${replay}`;
    }
    return run;
  }
});
