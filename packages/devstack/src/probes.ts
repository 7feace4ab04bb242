import { Socket } from 'node:net';

/** GET `url`; the body when it answers 2xx within the timeout, else undefined. */
export async function httpGet(url: string, timeoutMs = 3000): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return response.ok ? body : undefined;
  } catch {
    return undefined;
  }
}

export async function httpOk(url: string, timeoutMs = 3000): Promise<boolean> {
  return (await httpGet(url, timeoutMs)) !== undefined;
}

/** GET `url` as JSON, or undefined (no answer, not 2xx, not JSON). */
export async function httpJson(url: string, timeoutMs = 3000): Promise<unknown> {
  const body = await httpGet(url, timeoutMs);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Connects, optionally writes `send`, and resolves with what arrived once `enough` says so. */
function exchange(
  port: number,
  send: Buffer | undefined,
  enough: (received: Buffer) => boolean,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const done = (result: Buffer | undefined) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (enough(received)) done(received);
    });
    socket.connect(port, '127.0.0.1', () => {
      if (send) socket.write(send);
    });
  });
}

/** An SMTP server greets with 220. */
export async function smtpGreets(port: number, timeoutMs = 3000): Promise<boolean> {
  const banner = await exchange(port, undefined, (r) => r.length >= 3, timeoutMs);
  return banner?.subarray(0, 3).toString() === '220';
}

/** A Metadata request (v1, no topics): header api_key=3, api_version=1, correlation id, client id. */
export function kafkaMetadataRequest(correlationId: number): Buffer {
  const clientId = Buffer.from('devstack-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let pos = body.writeInt16BE(3, 0);
  pos = body.writeInt16BE(1, pos);
  pos = body.writeInt32BE(correlationId, pos);
  pos = body.writeInt16BE(clientId.length, pos);
  pos += clientId.copy(body, pos);
  body.writeInt32BE(0, pos);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** The number of live brokers in a Metadata v1 response (size prefix included), or undefined. */
export function kafkaBrokerCount(response: Buffer, correlationId: number): number | undefined {
  if (response.length < 12 || response.readInt32BE(4) !== correlationId) return undefined;
  return response.readInt32BE(8);
}

/**
 * Kafka is ready when a Metadata request lists at least one broker (unfenced and serving),
 * asked over the wire protocol so that no Kafka client is needed.
 */
export async function kafkaReady(port: number, timeoutMs = 2000): Promise<boolean> {
  const correlationId = 7;
  const response = await exchange(
    port,
    kafkaMetadataRequest(correlationId),
    (r) => r.length >= 4 && r.length >= 4 + r.readInt32BE(0),
    timeoutMs,
  );
  const brokers = response && kafkaBrokerCount(response, correlationId);
  return brokers !== undefined && brokers > 0;
}
