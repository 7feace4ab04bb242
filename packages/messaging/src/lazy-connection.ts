/**
 * A KafkaJS client (admin, producer) connected on first use and shared by the calls after:
 * a failed connect is not kept, so the next use tries again; close() disconnects what was
 * connected, and a later use connects anew.
 */
export class LazyConnection<T extends { connect(): Promise<void>; disconnect(): Promise<void> }> {
  private connected: Promise<T> | undefined;

  constructor(private readonly make: () => T) {}

  get(): Promise<T> {
    if (!this.connected) {
      const client = this.make();
      const connecting = client.connect().then(() => client);
      connecting.catch(() => {
        if (this.connected === connecting) this.connected = undefined;
      });
      this.connected = connecting;
    }
    return this.connected;
  }

  async close(): Promise<void> {
    const connected = this.connected;
    this.connected = undefined;
    if (connected) await (await connected.catch(() => undefined))?.disconnect();
  }
}
