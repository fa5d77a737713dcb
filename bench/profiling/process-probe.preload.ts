/**
 * Preloaded (`--require`) into our apps by the benchmark: over the IPC channel of the fork it starts
 * and stops V8's CPU profiler (the sampler behind --cpu-prof, limited to the measured window) and
 * reports the heap, so a profile shows the app under load rather than its start-up.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics } from 'node:v8';

interface ProbeMessage {
  type: string;
  path?: string;
}

let session: Session | undefined;

function post(method: string, params?: object): Promise<unknown> {
  if (!session) {
    // Connected only when a profile is asked for: an idle app carries no inspector session.
    session = new Session();
    session.connect();
  }
  const connected = session;
  return new Promise((resolve, reject) =>
    connected.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

function reply(message: object): void {
  process.send?.(message);
}

async function handle(message: ProbeMessage): Promise<void> {
  switch (message.type) {
    case 'probe:profile-start':
      await post('Profiler.enable');
      await post('Profiler.start');
      return reply({ type: 'probe:profile-started' });
    case 'probe:profile-stop': {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(message.path ?? 'app.cpuprofile', JSON.stringify(profile));
      return reply({ type: 'probe:profile-written', path: message.path });
    }
    case 'probe:memory': {
      const spaces = Object.fromEntries(
        getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / 1024 / 1024)]),
      );
      const usage = process.memoryUsage();
      // Then a full collection: what is still used afterwards is live, the rest was garbage V8 had not yet needed to collect.
      await post('HeapProfiler.collectGarbage');
      return reply({ type: 'probe:memory', usage, spacesMb: spaces, afterGc: process.memoryUsage() });
    }
  }
}

process.on('message', (message: ProbeMessage) => {
  if (typeof message?.type === 'string' && message.type.startsWith('probe:')) {
    handle(message).catch((error: Error) => reply({ type: 'error', message: `probe: ${error.message}` }));
  }
});
