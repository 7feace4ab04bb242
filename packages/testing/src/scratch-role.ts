/**
 * The SQL that makes a throwaway login role `name` (password = name) with its own schema on
 * its search_path, as each service has one, allowed `privileges` on `database`.
 */
export function createScratchRoleSql(name: string, database: string, privileges = 'connect'): string {
  return `
    create role ${name} login password '${name}';
    create schema ${name} authorization ${name};
    alter role ${name} set search_path = ${name};
    grant ${privileges} on database ${database} to ${name};
  `;
}

/** The SQL that removes such a role, its schema and whatever else it owns. */
export function dropScratchRoleSql(name: string): string {
  return `drop schema if exists ${name} cascade; drop owned by ${name}; drop role if exists ${name}`;
}
