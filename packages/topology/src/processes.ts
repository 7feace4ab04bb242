import { type PortSetting, portFrom, stackPorts, stackUrls } from './stack-ports';

/**
 * The processes that run on the native stack, in start order: the simulator first (payment
 * calls it), views before email (email links to the order's timeline in views), and the
 * CDC watchdog last. `optional` ones are skipped while their dist/main.js is not built.
 */
export const processNames = [
  'payment-provider',
  'basket',
  'order',
  'payment',
  'shipping',
  'views',
  'email',
  'cdc-watchdog',
] as const;
export type ProcessName = (typeof processNames)[number];

export interface ProcessSpec {
  readonly name: ProcessName;
  readonly port: PortSetting;
  /** The built entry point, relative to the repository root. */
  readonly main: string;
  /** Its Postgres role (and schema); the database is `platform`. */
  readonly databaseRole?: string;
  /** Processes that must be ready before this one starts. */
  readonly dependencies: readonly ProcessName[];
  readonly optional?: boolean;
}

const service = (name: ProcessName, port: number, databaseRole: string, dependencies: ProcessName[] = []) =>
  ({
    name,
    port: { variable: `${name.toUpperCase()}_PORT`, fallback: port },
    main: `services/${name}/dist/main.js`,
    databaseRole,
    dependencies,
  }) satisfies ProcessSpec;

export const processes: Readonly<Record<ProcessName, ProcessSpec>> = {
  'payment-provider': {
    name: 'payment-provider',
    port: { variable: 'PAYMENT_PROVIDER_PORT', fallback: 3099 },
    main: 'packages/payment-provider/dist/main.js',
    dependencies: [],
  },
  basket: service('basket', 3000, 'basket'),
  order: service('order', 3001, 'orders'),
  payment: service('payment', 3002, 'payment', ['payment-provider']),
  shipping: service('shipping', 3003, 'shipping'),
  views: service('views', 3005, 'views'),
  email: service('email', 3004, 'email', ['views']),
  'cdc-watchdog': {
    name: 'cdc-watchdog',
    port: { variable: 'CDC_WATCHDOG_PORT', fallback: 3006 },
    main: 'packages/cdc-watchdog/dist/main.js',
    dependencies: [],
    optional: true,
  },
};

export function isProcessName(name: string): name is ProcessName {
  return (processNames as readonly string[]).includes(name);
}

export function processPort(name: ProcessName, env: NodeJS.ProcessEnv = process.env): number {
  return portFrom(env, processes[name].port);
}

/**
 * Exactly the settings a process gets on the native stack (nothing inherited: a process
 * sees what it is given, as in a container). `env` supplies the port overrides and
 * LOG_LEVEL / SLOW_DELAY_MS.
 */
export function processEnv(
  name: ProcessName,
  env: NodeJS.ProcessEnv = process.env,
  /** The process's own directory for what must outlive its restarts (the simulator's ledger). */
  dataDir?: string,
): Record<string, string> {
  const ports = stackPorts(env);
  const urls = stackUrls(ports);
  const base = {
    SERVICE_NAME: name,
    PORT: String(processPort(name, env)),
    HOST: '127.0.0.1',
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
  };
  if (name === 'payment-provider') {
    // Resets are allowed: the native stack is for development and tests.
    return {
      ...base,
      SLOW_DELAY_MS: env.SLOW_DELAY_MS ?? '3000',
      ALLOW_RESET: 'true',
      ...(dataDir ? { LEDGER_FILE: `${dataDir}/ledger.jsonl` } : {}),
    };
  }
  if (name === 'cdc-watchdog') {
    return {
      ...base,
      KAFKA_CONNECT_URL: urls.connectUrl,
      POSTGRES_ADMIN_URL: urls.postgresAdminUrl,
      CONNECT_DATABASE_HOST: '127.0.0.1',
      CONNECT_DATABASE_PORT: String(ports.postgres),
    };
  }
  const role = processes[name].databaseRole ?? name;
  const common = {
    ...base,
    DATABASE_URL: `postgres://${role}:${role}@127.0.0.1:${ports.postgres}/platform`,
    KAFKA_BROKERS: urls.kafkaBrokers,
    SCHEMA_REGISTRY_URL: urls.schemaRegistryUrl,
  };
  if (name === 'payment') {
    return { ...common, PAYMENT_PROVIDER_URL: `http://127.0.0.1:${processPort('payment-provider', env)}` };
  }
  if (name === 'email') {
    return {
      ...common,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(ports.smtp),
      SMTP_LOOKUP_URL: urls.smtpWebUrl,
      ORDER_PAGE_URL: `http://127.0.0.1:${processPort('views', env)}/orders/{orderId}/timeline`,
    };
  }
  return common;
}
