/** The prom-client registry of one app instance (not the global one, so apps in one process stay apart). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
