import { formatLogLine } from '../../scripts/dev/log-line.formatter';
import { TerminalStyle } from '../../scripts/dev/terminal-style';

const plain = new TerminalStyle(false);

describe('formatLogLine (dev runner output)', () => {
  it('turns a pino line into time, level, context, message and the key fields', () => {
    const time = new Date(2026, 0, 2, 10, 11, 12, 345).toISOString();
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 42,
      hostname: 'box',
      app: 'ingest',
      context: 'CallbackController',
      msg: 'event accepted',
      eventId: 'e-1',
      configId: 'default',
      req: { id: 7, method: 'POST', url: '/v1/axp/default/notifications' },
      res: { statusCode: 202 },
    });
    expect(formatLogLine(line, plain)).toEqual([
      '10:11:12.345 INFO  CallbackController event accepted eventId=e-1 configId=default req.method=POST req.url=/v1/axp/default/notifications res.statusCode=202',
    ]);
  });

  it('shows an error with its message and, at error level, the top of its stack', () => {
    const line = JSON.stringify({
      level: 50,
      time: Date.now(),
      msg: 'send failed',
      err: { type: 'FirebaseMessagingError', message: 'boom here', stack: 'FirebaseMessagingError: boom here\n    at send (x.js:1:1)' },
    });
    const [head, stack] = formatLogLine(line, plain);
    expect(head).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR send failed err="FirebaseMessagingError: boom here"$/);
    expect(stack).toBe('    at send (x.js:1:1)');
  });

  it('passes through lines that are not pino JSON, and shortens long values', () => {
    expect(formatLogLine('fcm-emulator: FCM v1 on http://127.0.0.1:9099', plain)).toEqual(['fcm-emulator: FCM v1 on http://127.0.0.1:9099']);
    expect(formatLogLine('{not json', plain)).toEqual(['{not json']);
    const [out] = formatLogLine(JSON.stringify({ level: 40, time: 0, msg: 'm', blob: 'x'.repeat(500) }), plain);
    expect(out).toMatch(/WARN {2}m blob=x{119}…$/);
  });

  it('colours the level only when the terminal takes colours', () => {
    const [out] = formatLogLine(JSON.stringify({ level: 50, time: 0, msg: 'm' }), new TerminalStyle(true));
    expect(out).toContain('\u001b[31mERROR');
  });
});
