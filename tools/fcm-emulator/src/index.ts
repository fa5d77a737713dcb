export * from './fcm-emulator';
export * from './fcm-behaviour';
export * from './emulator-state';
export * from './fcm-message.validator';
