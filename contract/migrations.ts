/**
 * The one migration-file rule for both databases (kiosk SQLite main/db/migrations, cloud Postgres
 * cloud-api/src/db/migrations): a migration is a file `NNN_name.sql`; its id is NNN; files are applied
 * in id order, each once. Two files with one id are refused: a database that recorded the id for one of them
 * would silently skip the other. Pure: the caller lists its folder and reads the files.
 */
export interface MigrationFile {
  id: number;
  name: string;
}

export function migrationFiles(fileNames: readonly string[]): MigrationFile[] {
  const files = fileNames
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: Number(f.slice(0, 3)), name: f }));
  files.forEach((f, i) => {
    const previous = files[i - 1];
    if (previous?.id === f.id) throw new Error(`two migrations share id ${f.id}: ${previous.name} and ${f.name}; renumber one`);
  });
  return files;
}
