import {
  createScratchRoleSql,
  dropScratchRoleSql,
  serviceDatabaseUrl,
  uniqueName,
  type StackSettings,
} from '@order-platform/testing';
import { Client } from 'pg';

/** A throwaway role with its own schema on its search_path, as each service has one. */
export class ScratchRole {
  readonly name = uniqueName('scratch');
  readonly admin: Client;

  constructor(private readonly stack: StackSettings) {
    this.admin = new Client({ connectionString: stack.postgresAdminUrl });
  }

  get databaseUrl(): string {
    return serviceDatabaseUrl(this.stack, this.name);
  }

  async create(): Promise<void> {
    await this.admin.connect();
    await this.admin.query(createScratchRoleSql(this.name, this.stack.postgres.database));
  }

  async drop(): Promise<void> {
    const n = this.name;
    await this.admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`, [n]);
    await this.admin.query(dropScratchRoleSql(n));
    await this.admin.end();
  }

  /** The tables in the role's schema. */
  async tables(): Promise<string[]> {
    const { rows } = await this.admin.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by table_name',
      [this.name],
    );
    return rows.map((r) => r.table_name);
  }
}
