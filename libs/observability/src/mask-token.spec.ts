import { maskToken } from './mask-token';

describe('maskToken', () => {
  const fcmToken = 'fGx1r2T9QkOa1bC2dE3fG4:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx8-pQ9X4bLRn0VvSYxR6Ph3TWyZ8';

  it('keeps only a short prefix and suffix of a real-sized token', () => {
    const masked = maskToken(fcmToken);
    expect(masked).toBe('fGx1r2…WyZ8');
    expect(masked.length).toBeLessThan(16);
  });

  it('shows nothing of a short value, only its length', () => {
    expect(maskToken('short-token')).toBe('[11 chars]');
  });

  it('handles absent values', () => {
    expect(maskToken(undefined)).toBe('');
    expect(maskToken(null)).toBe('');
    expect(maskToken('')).toBe('');
  });
});
