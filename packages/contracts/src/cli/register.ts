#!/usr/bin/env node
import { registerContracts } from '../register/register-contracts';
import { readSettings, runCommand, settings } from './settings';

runCommand('contracts-register', async () => {
  const env = readSettings({ SCHEMA_REGISTRY_URL: settings.registryUrl, KAFKA_BROKERS: settings.brokers });
  const result = await registerContracts({
    registryUrl: env.SCHEMA_REGISTRY_URL,
    brokers: env.KAFKA_BROKERS,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `contracts-register: ${result.schemas.length} schemas registered, ${result.createdTopics.length} topics created, ${result.existingTopics.length} already there\n`,
  );
});
