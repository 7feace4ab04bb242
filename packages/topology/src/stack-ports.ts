/** The stack components of the native topology, in the order `up` takes them by default. */
export const stackComponentNames = ['postgres', 'kafka', 'registry', 'smtp', 'connect'] as const;
export type StackComponentName = (typeof stackComponentNames)[number];

/** One port of the stack, with the variable that overrides it and its default. */
export interface PortSetting {
  readonly variable: string;
  readonly fallback: number;
}

/** Every port of the native stack: the variables infra/native/stack.sh has always read. */
export const stackPortSettings = {
  postgres: { variable: 'PG_PORT', fallback: 5432 },
  kafka: { variable: 'KAFKA_PORT', fallback: 9092 },
  kafkaController: { variable: 'KAFKA_CONTROLLER_PORT', fallback: 9093 },
  registry: { variable: 'REGISTRY_PORT', fallback: 8080 },
  registryManagement: { variable: 'REGISTRY_MANAGEMENT_PORT', fallback: 9001 },
  smtp: { variable: 'SMTP_PORT', fallback: 1025 },
  smtpWeb: { variable: 'SMTP_WEB_PORT', fallback: 1080 },
  connect: { variable: 'CONNECT_PORT', fallback: 8083 },
} as const satisfies Record<string, PortSetting>;

export type StackPorts = { readonly [K in keyof typeof stackPortSettings]: number };

/** Reads a port variable; a value that is not a port is an error naming the variable. */
export function portFrom(env: NodeJS.ProcessEnv, setting: PortSetting): number {
  const raw = env[setting.variable];
  if (raw === undefined || raw === '') return setting.fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new Error(`${setting.variable} must be a TCP port (1-65535), not "${raw}"`);
  }
  return port;
}

/** The stack's ports with the environment's overrides applied. */
export function stackPorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const entries = Object.entries(stackPortSettings).map(([key, setting]) => [key, portFrom(env, setting)]);
  return Object.fromEntries(entries) as StackPorts;
}

/** The ports each stack component listens on (the first is its main one). */
export function componentPorts(name: StackComponentName, ports: StackPorts): number[] {
  switch (name) {
    case 'postgres':
      return [ports.postgres];
    case 'kafka':
      return [ports.kafka, ports.kafkaController];
    case 'registry':
      return [ports.registry, ports.registryManagement];
    case 'smtp':
      return [ports.smtp, ports.smtpWeb];
    case 'connect':
      return [ports.connect];
  }
}

/** Addresses of the running stack, as clients see them. */
export function stackUrls(ports: StackPorts) {
  return {
    kafkaBrokers: `127.0.0.1:${ports.kafka}`,
    schemaRegistryUrl: `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`,
    connectUrl: `http://127.0.0.1:${ports.connect}`,
    postgresAdminUrl: `postgres://postgres:postgres@127.0.0.1:${ports.postgres}/platform`,
    smtpWebUrl: `http://127.0.0.1:${ports.smtpWeb}`,
  };
}
