import { deviceTokenProblem, idProblem } from './registration-fields';
import { platformOfSampleType } from './registration.view';

describe('registration fields', () => {
  it.each([
    'APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx',
    'cTJpTvsELJm44cxjU-RXwb:APA91bE-FwJ4Lct9_mCMEC7eMDpDZ5OCs_Fk9NNAXRM48Aqtn16IQe',
    'a.b',
    'x'.repeat(4096),
  ])('accepts the device token %#', (token) => {
    expect(deviceTokenProblem(token)).toBeUndefined();
  });

  it.each([
    ['', 'deviceToken is required'],
    ['x'.repeat(4097), 'deviceToken must be at most 4096 characters (got 4097)'],
    ['a b', "deviceToken must be 1-4096 characters of letters, digits, '-', '_', ':' and '.'"],
    ['a/b', expect.stringContaining('letters, digits')],
    ['tökén', expect.stringContaining('letters, digits')],
  ])('refuses the device token %#', (token, message) => {
    expect(deviceTokenProblem(token)).toEqual(message);
  });

  it('counts ids in characters, not UTF-16 units, and refuses control characters', () => {
    expect(idProblem('sessionId', '🙂'.repeat(256))).toBeUndefined();
    expect(idProblem('sessionId', '🙂'.repeat(257))).toMatch(/1-256 printable/);
    expect(idProblem('sessionId', 'a\tb')).toMatch(/printable/);
    expect(idProblem('customerId', 3)).toBe('customerId must be a string');
  });

  it("maps the sample's type to a platform", () => {
    expect(platformOfSampleType('ios')).toBe('ios');
    expect(platformOfSampleType('IOS')).toBe('ios');
    expect(platformOfSampleType('web')).toBe('web');
    expect(platformOfSampleType('android')).toBe('android');
    expect(platformOfSampleType('anything')).toBe('android');
    expect(platformOfSampleType(undefined)).toBe('android');
  });
});
