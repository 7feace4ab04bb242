export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
}

/** A small client for the Kafka Connect REST API. */
export class KafkaConnectClient {
  constructor(private readonly baseUrl: string) {}

  async info(): Promise<{ version: string; commit: string }> {
    return this.request('GET', '/');
  }

  async plugins(): Promise<{ class: string; type: string; version: string }[]> {
    return this.request('GET', '/connector-plugins');
  }

  /** Creates the connector or replaces its configuration (PUT is idempotent). */
  async putConnector(name: string, config: Record<string, string>): Promise<void> {
    await this.request('PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
  }

  async status(name: string): Promise<ConnectorStatus | undefined> {
    return this.request<ConnectorStatus>(
      'GET',
      `/connectors/${encodeURIComponent(name)}/status`,
      undefined,
      [404],
    );
  }

  /** The connector's configuration as Connect holds it; undefined when there is no such connector. */
  async connectorConfig(name: string): Promise<Record<string, string> | undefined> {
    return this.request<Record<string, string>>(
      'GET',
      `/connectors/${encodeURIComponent(name)}/config`,
      undefined,
      [404],
    );
  }

  /**
   * Restarts the connector and, with `includeTasks`, its tasks (all of them unless
   * `onlyFailed`): a task that looks RUNNING but is stuck needs onlyFailed=false.
   */
  async restartConnector(
    name: string,
    { includeTasks = true, onlyFailed = false }: { includeTasks?: boolean; onlyFailed?: boolean } = {},
  ): Promise<void> {
    await this.request(
      'POST',
      `/connectors/${encodeURIComponent(name)}/restart?includeTasks=${includeTasks}&onlyFailed=${onlyFailed}`,
    );
  }

  /**
   * Stops the connector and shuts its tasks down until resume (KIP-875). Unlike pause,
   * which only stops polling, the tasks let go of what they hold (a replication slot).
   */
  async stopConnector(name: string): Promise<void> {
    await this.request('PUT', `/connectors/${encodeURIComponent(name)}/stop`);
  }

  async resumeConnector(name: string): Promise<void> {
    await this.request('PUT', `/connectors/${encodeURIComponent(name)}/resume`);
  }

  async deleteConnector(name: string): Promise<void> {
    await this.request('DELETE', `/connectors/${encodeURIComponent(name)}`, undefined, [404]);
  }

  /** Waits until the connector and all of its tasks run; fails fast when one has FAILED. */
  async waitUntilRunning(name: string, timeoutMs = 60_000): Promise<ConnectorStatus> {
    const deadline = Date.now() + timeoutMs;
    let last: ConnectorStatus | undefined;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        last = await this.status(name);
        lastError = undefined;
      } catch (error) {
        // Connect answers 409/5xx while its worker group rebalances; that passes.
        lastError = error;
      }
      const failed = last && [last.connector, ...last.tasks].find((s) => s.state === 'FAILED');
      if (failed) throw new Error(`connector ${name} FAILED on ${failed.worker_id}:\n${failed.trace ?? ''}`);
      if (
        last &&
        last.connector.state === 'RUNNING' &&
        last.tasks.length > 0 &&
        last.tasks.every((t) => t.state === 'RUNNING')
      ) {
        return last;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
    throw new Error(`connector ${name} not RUNNING within ${timeoutMs} ms: ${JSON.stringify(last)}${cause}`);
  }

  private async request<T>(method: string, path: string, body?: unknown, allowed: number[] = []): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (allowed.includes(response.status)) return undefined as T;
    const text = await response.text();
    if (!response.ok) throw new Error(`Kafka Connect ${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
