import { configFromEnvironment } from '@app/config';
import { createDataSource } from '../data-source';
import { maintainHistoryPartitions } from '../history/history-partitions';

/**
 * `npm run migrate` applies every pending migration to DATABASE_URL;
 * `npm run migrate -- --revert` undoes the last one (run it again to go further back).
 */
async function main(): Promise<void> {
  const config = configFromEnvironment('tool');
  const revert = process.argv.includes('--revert');
  const dataSource = createDataSource(config.database, { longStatements: true });
  await dataSource.initialize();
  try {
    if (revert) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write('reverted the last migration\n');
    } else {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      process.stdout.write(
        applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}\n` : 'schema is up to date\n',
      );
      // The history's day partitions for the configured retention, as the apps keep them.
      const partitions = await maintainHistoryPartitions(dataSource, config.history.retentionDays);
      process.stdout.write(`history partitions: ${partitions.created.length} created, ${partitions.dropped.length} dropped\n`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`migrate: ${error.message}\n`);
  process.exit(1);
});
