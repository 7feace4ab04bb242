#!/usr/bin/env node
import { registerSchemas } from '../register/register-contracts';
import { readSettings, runCommand, settings } from './settings';

runCommand('contracts-register', async () => {
  const env = readSettings({ SCHEMA_REGISTRY_URL: settings.registryUrl });
  const schemas = await registerSchemas(env.SCHEMA_REGISTRY_URL);
  for (const s of schemas) process.stdout.write(`schema ${s.subject}: id ${s.id}\n`);
  process.stdout.write(`contracts-register: ${schemas.length} schemas registered\n`);
});
