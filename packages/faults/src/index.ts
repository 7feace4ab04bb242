export { faultCatalogue, catalogueFromEnvironment, type Fault } from './catalogue';
export { runChecks, type CheckResult, type CheckName, type Observed } from './checks';
export { SystemFacts } from './facts';
export { OrderFlow, OUTCOME_OF_TOKEN, FLOW_SKUS, type PlacedOrder } from './flow';
export { runFault, type FaultRunSettings } from './fault-run';
export { formatTable, rowPassed, type FaultRow } from './table';
