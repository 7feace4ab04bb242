import { nativeStack, type StackSettings } from './stack';

/** What a test may do to the stack's processes, whichever way the stack runs. */
export interface StackControls {
  /** SIGKILL a component: no shutdown hooks, no flushes — a crash. */
  kill(component: 'connect'): Promise<void>;
  /** Start it again and wait until it is ready. */
  start(component: 'connect'): Promise<void>;
}

/** undefined when the stack is only addresses from the environment (nothing to kill). */
export function stackControls(stack: StackSettings): StackControls | undefined {
  if (stack.mode === 'native') {
    return {
      // Through the supervisor: it restarts the component with backoff, as after a real crash.
      kill(component) {
        nativeStack('kill', component);
        return Promise.resolve();
      },
      start(component) {
        nativeStack('up', component);
        return Promise.resolve();
      },
    };
  }
  if (stack.mode === 'testcontainers') {
    const id = (component: string) => {
      const found = stack.containers?.[component];
      if (!found) throw new Error(`no container for ${component}`);
      return found;
    };
    return {
      async kill(component) {
        const { getContainerRuntimeClient } = await import('testcontainers');
        const client = await getContainerRuntimeClient();
        await client.container.getById(id(component)).kill({ signal: 'SIGKILL' });
      },
      async start(component) {
        const { getContainerRuntimeClient } = await import('testcontainers');
        const client = await getContainerRuntimeClient();
        await client.container.getById(id(component)).start();
      },
    };
  }
  return undefined;
}
