import { idPart, MAX_ID_PART_LENGTH, notificationJobId } from './queue.constants';

describe('notificationJobId / idPart', () => {
  it('keeps the ids of ordinary events as they always were', () => {
    expect(notificationJobId('default', '778af6a9-41f8-4153-a3a1-d913b2911b3b')).toBe('default/778af6a9-41f8-4153-a3a1-d913b2911b3b');
    expect(notificationJobId('tenant/a', 'e:1')).toBe('tenant%2Fa/e%3A1');
    expect(idPart('s\u0000:/%')).toBe('s%00%3A%2F%25');
  });

  it.each([
    ['a lone high surrogate', '\ud800x'],
    ['a lone low surrogate', '\udc00'],
    ['a 10 KB string', 'e'.repeat(10 * 1024)],
    ['a string whose encoding is over the bound', 'é'.repeat(MAX_ID_PART_LENGTH / 2)],
  ])('hashes %s into a bounded part without throwing', (_, value) => {
    const part = idPart(value);
    expect(part).toMatch(/^#[A-Za-z0-9_-]{43}$/);
    expect(part).toBe(idPart(value));
  });

  it('never gives two different strings the same part', () => {
    const values = ['\ud800', '\udc00', '\ud801', '\ufffd', '#', '%23', 'x'.repeat(300), 'x'.repeat(301), '', '\u0000'];
    const parts = values.map(idPart);
    expect(new Set(parts).size).toBe(values.length);
  });

  it('never holds the characters BullMQ or Redis keys refuse, and stays bounded', () => {
    for (const value of ['a:b', '\ud800:', ':'.repeat(1000), '\n\r\t ', '😀'.repeat(200)]) {
      const id = notificationJobId(value, value);
      expect(id).not.toContain(':');
      expect(id.length).toBeLessThanOrEqual(2 * MAX_ID_PART_LENGTH + 1);
    }
  });
});
