const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export type CompatibilityLevel =
  'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/**
 * The few calls of the Confluent schema registry REST API (Apicurio's ccompat v7) that
 * @kafkajs/confluent-schema-registry does not offer: per-subject configuration, the
 * compatibility test, raw registration (whose 409 answer lists the incompatibilities) and
 * deletion. `baseUrl` is the API root, e.g. http://127.0.0.1:8080/apis/ccompat/v7.
 */
export class RegistryRest {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Sets a subject's own compatibility level; Apicurio accepts this before the subject has a version. */
  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  async compatibility(subject: string): Promise<string | undefined> {
    const answer = await this.request<{ compatibilityLevel: string }>(
      'GET',
      `/config/${encodeURIComponent(subject)}`,
      undefined,
      [404],
    );
    return answer?.compatibilityLevel;
  }

  /** Registers a schema version; a schema the subject already has keeps its id. Throws RegistryError (409 for an incompatible one). */
  async register(subject: string, schema: string): Promise<number> {
    const answer = await this.required<{ id: number }>(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      { schema },
    );
    return answer.id;
  }

  /** Whether `schema` may follow the subject's latest version under the subject's compatibility level. */
  async isCompatibleWithLatest(subject: string, schema: string): Promise<boolean> {
    // verbose=true asks Confluent's registry for the reasons; Apicurio accepts it and answers without them.
    const answer = await this.required<{ is_compatible: boolean }>(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
      { schema },
    );
    return answer.is_compatible;
  }

  async versions(subject: string): Promise<number[]> {
    return (
      (await this.request<number[]>(
        'GET',
        `/subjects/${encodeURIComponent(subject)}/versions`,
        undefined,
        [404],
      )) ?? []
    );
  }

  /** Deletes a subject for good (soft delete, then permanent), so a temporary subject leaves nothing behind. */
  async deleteSubject(subject: string): Promise<void> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    await this.request('DELETE', path, undefined, [404]);
    await this.request('DELETE', `${path}?permanent=true`, undefined, [404]);
  }

  private async required<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.request<T>(method, path, body);
    if (answer === undefined)
      throw new Error(`schema registry ${method} ${path} answered with an empty body`);
    return answer;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    allowed: number[] = [],
  ): Promise<T | undefined> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers:
          body === undefined
            ? { accept: CONTENT_TYPE }
            : { accept: CONTENT_TYPE, 'content-type': CONTENT_TYPE },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      throw new Error(`schema registry ${method} ${url} did not answer: ${cause}`, { cause: error });
    }
    if (allowed.includes(response.status)) return undefined;
    const text = await response.text();
    if (!response.ok)
      throw new RegistryError(
        `schema registry ${method} ${path} answered ${response.status}: ${text}`,
        response.status,
        text,
      );
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
