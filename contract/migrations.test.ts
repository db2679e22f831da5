import { describe, expect, it } from 'vitest';
import { migrationFiles } from './migrations';

describe('migrationFiles', () => {
  it('keeps NNN_name.sql files in id order and ignores the rest', () => {
    expect(migrationFiles(['010_b.sql', 'README.md', '002_a.sql', '3_x.sql', '001_init.sql.bak'])).toEqual([
      { id: 2, name: '002_a.sql' },
      { id: 10, name: '010_b.sql' },
    ]);
  });

  it('refuses two migrations with one id, naming both files', () => {
    expect(() => migrationFiles(['004_scheduled_runs.sql', '001_initial.sql', '004_nullifier_day.sql'])).toThrow(
      'two migrations share id 4: 004_nullifier_day.sql and 004_scheduled_runs.sql',
    );
  });
});
