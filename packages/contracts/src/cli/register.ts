#!/usr/bin/env node
import { registerSchemas } from '../register/register-contracts';
import { commandSettings, runCommand } from '@order-platform/topology';
import { registryUrl } from './settings';

runCommand('contracts-register', async () => {
  const env = commandSettings({ SCHEMA_REGISTRY_URL: registryUrl });
  const schemas = await registerSchemas(env.SCHEMA_REGISTRY_URL);
  for (const s of schemas) process.stdout.write(`schema ${s.subject}: id ${s.id}\n`);
  process.stdout.write(`contracts-register: ${schemas.length} schemas registered\n`);
});
