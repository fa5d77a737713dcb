/**
 * Preloaded into every app of the dev stack (`node --require`): when the runner dies without stopping
 * its children (SIGKILL, a crash), the app notices it was orphaned and shuts itself down gracefully.
 */
const CHECK_EVERY_MS = 1_000;
const runner = process.ppid;

setInterval(() => {
  if (process.ppid !== runner) process.kill(process.pid, 'SIGTERM');
}, CHECK_EVERY_MS).unref();
