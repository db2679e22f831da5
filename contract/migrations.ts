/**
 * The one migration-file rule for both databases (kiosk SQLite main/db/migrations, cloud Postgres
 * cloud-api/src/db/migrations): a migration is a file `NNN_name.sql`; its id is NNN; files are applied
 * in id order, each once. Pure: the caller lists its folder and reads the files.
 */
export interface MigrationFile {
  id: number;
  name: string;
}

export function migrationFiles(fileNames: readonly string[]): MigrationFile[] {
  return fileNames
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: Number(f.slice(0, 3)), name: f }));
}
