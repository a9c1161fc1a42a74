import { setTimeout as sleep } from 'node:timers/promises';
import { send, type RawResponse } from './raw-http';

/** Reads of the app's own state, over the same raw client as the fuzzer (127.0.0.1 only). */
export class KernelState {
  constructor(
    private readonly port: number,
    private readonly adminToken: string,
  ) {}

  async get(target: string, admin = false): Promise<RawResponse> {
    return send(this.port, { method: 'GET', target, headers: this.auth(admin) });
  }

  async json(target: string, admin = false): Promise<Record<string, unknown>> {
    const res = await this.get(target, admin);
    if (res.status !== 200) {
      throw new Error(`GET ${target} answered ${res.status}: ${res.body.toString('utf8')}`);
    }
    return JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  }

  async treeSize(): Promise<number> {
    return (await this.json('/api/v1/log/head')).treeSize as number;
  }

  /** Components that are not `running`, as `name: state (lastError)`. */
  async notRunning(): Promise<string[]> {
    const { components } = (await this.json('/api/v1/kernel/components')) as {
      components: Array<{ name: string; state: string; lastError?: string | null }>;
    };
    return components
      .filter((c) => c.state !== 'running')
      .map((c) => `${c.name}: ${c.state}${c.lastError ? ` (${c.lastError})` : ''}`);
  }

  /**
   * Undoes what a successful admin call may legitimately have done: clears injected faults,
   * lets a world rebuild finish, and starts every component that is not running.
   */
  async restore(): Promise<void> {
    await this.call('DELETE', '/api/v1/admin/chaos/faults', 204);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const rebuild = await this.get('/api/v1/admin/world/rebuild', true);
      const state =
        rebuild.status === 200
          ? (JSON.parse(rebuild.body.toString('utf8')) as { state?: string }).state
          : undefined;
      if (state !== 'running') {
        break;
      }
      await sleep(20);
    }
    const { components } = (await this.json('/api/v1/kernel/components')) as {
      components: Array<{ name: string; state: string }>;
    };
    for (const c of components.filter((x) => x.state !== 'running')) {
      await this.call('POST', `/api/v1/admin/components/${c.name}/start`, 200);
    }
  }

  private async call(method: string, target: string, expected: number): Promise<void> {
    const res = await send(this.port, { method, target, headers: this.auth(true) });
    if (res.status !== expected) {
      throw new Error(`${method} ${target} answered ${res.status}: ${res.body.toString('utf8')}`);
    }
  }

  private auth(admin: boolean): Array<[string, string]> {
    return admin ? [['authorization', `Bearer ${this.adminToken}`]] : [];
  }
}
