export { repoRoot, componentVersions } from './repo';
export { uniqueName } from './unique';
export { eventually, until } from './eventually';
export {
  resolveStack,
  nativeSettings,
  nativeStack,
  serviceDatabaseUrl,
  platformInitEnv,
  runPlatformInit,
  type StackMode,
  type StackSettings,
} from './stack';
export { stackControls, type StackControls } from './controls';
export { useStack } from './context';
export { freePort, startProcess, startService, waitForHttp, type ServiceProcess } from './service-process';
export { serviceEnv, startOnStack, type StartOnStackOptions } from './service-env';
export { createScratchRoleSql, dropScratchRoleSql } from './scratch-role';
export { describeServiceContract, type ServiceUnderTest } from './service-health';
export { TcpProxy } from './tcp-proxy';
