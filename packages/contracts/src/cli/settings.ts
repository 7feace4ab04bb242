import { z } from 'zod';

/** The registry's Confluent-compatible API root, as the contracts commands take it. */
export const registryUrl = z.url({
  error: 'expected the URL of the Confluent-compatible API, e.g. http://127.0.0.1:8080/apis/ccompat/v7',
});
