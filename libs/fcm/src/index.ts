export * from './emulator-agent';
export * from './fcm-outcome';
export * from './fcm-message.builder';
export * from './fcm-app.registry';
export * from './fcm-sender.service';
export * from './fcm.module';
