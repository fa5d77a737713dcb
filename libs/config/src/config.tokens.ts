/** Injection token of the validated, typed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
