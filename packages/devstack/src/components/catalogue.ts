import { type ProcessName, processNames, processes, stackComponentNames } from '@order-platform/topology';
import type { Component, StackContext } from '../component';
import { connect } from './connect';
import { kafka } from './kafka';
import { isBuilt, nodeService } from './node-service';
import { postgres } from './postgres';
import { registry } from './registry';
import { smtp } from './smtp';

/** The stack components in their default `up` order. */
export function stackComponents(ctx: StackContext): Component[] {
  const make = { postgres, kafka, registry, smtp, connect };
  return [...stackComponentNames.map((name) => make[name](ctx)), ...extraComponents(ctx)];
}

/** The simulator and the services in start order; optional ones only once built. */
export function serviceComponents(
  ctx: StackContext,
  overrides: Record<string, Record<string, string>> = {},
): Component[] {
  return processNames
    .filter((name) => !processes[name].optional || isBuilt(ctx, name))
    .map((name: ProcessName) => nodeService(ctx, name, overrides[name] ?? {}));
}

/**
 * DEVSTACK_COMPONENTS names a CommonJS module whose default export (or module.exports)
 * is `(ctx) => Component[]`: more stack components. The integration test runs the
 * supervisor with a tiny fake component this way instead of a second Kafka.
 */
function extraComponents(ctx: StackContext): Component[] {
  const file = ctx.env.DEVSTACK_COMPONENTS;
  if (!file) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as { default?: unknown } | ((ctx: StackContext) => Component[]);
  const factory = typeof loaded === 'function' ? loaded : loaded.default;
  if (typeof factory !== 'function')
    throw new Error(`DEVSTACK_COMPONENTS=${file} must export a function (ctx) => Component[]`);
  return (factory as (ctx: StackContext) => Component[])(ctx);
}
