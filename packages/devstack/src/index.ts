export { DevStack, type ConnectOptions, type ComponentState, type ComponentStatus } from './devstack-client';
export type { Output } from './daemon-connection';
export type { Component, StackContext, StartSpec } from './component';
export { component } from './component';
export { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
