import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/**
 * Holds back slow answers. On shutdown every held answer is released at once, so SIGTERM
 * does not wait out a SLOW_DELAY_MS before the server can close.
 */
@Injectable()
export class ResponseDelays implements BeforeApplicationShutdown {
  private readonly pending = new Set<() => void>();

  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.pending.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.pending.add(release);
    });
  }

  beforeApplicationShutdown(): void {
    for (const release of [...this.pending]) release();
  }
}
