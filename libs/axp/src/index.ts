export * from './axp-event';
export * from './hmac-signature';
export * from './axp-event.validator';
