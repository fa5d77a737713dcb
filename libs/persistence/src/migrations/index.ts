import { CreateRegistrations1764057600000 } from './1764057600000-create-registrations';

/** Every migration, in order. Committed; the schema is never synchronized from entities. */
export const MIGRATIONS = [CreateRegistrations1764057600000];
